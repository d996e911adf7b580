"""(stub: being written)"""


def register() -> None:
    """Register this subject's panels and navigation entries."""
