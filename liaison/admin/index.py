"""Admin: index."""
