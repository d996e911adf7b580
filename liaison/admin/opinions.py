"""Admin: opinions."""
