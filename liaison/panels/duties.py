"""Panels and navigation: duties."""


def register() -> None:
    """Register this subject's panels and navigation entries."""
