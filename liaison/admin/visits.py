"""Admin: visits."""
