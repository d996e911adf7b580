"""Demo: opinions."""

from core.demo import DemoContext


def seed(context: DemoContext) -> None:
    """Seed this subject's demo rows (idempotent)."""
