"""Panels and navigation: opinions."""


def register() -> None:
    """Register this subject's panels and navigation entries."""
