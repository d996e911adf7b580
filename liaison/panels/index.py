"""Panels and navigation: index."""


def register() -> None:
    """Register this subject's panels and navigation entries."""
