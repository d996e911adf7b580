"""Admin: stations."""
