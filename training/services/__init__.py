"""The training app's writes, by subject. Every function checks who may call it, changes its
rows in one transaction and leaves an audit row; views, admin, commands and tasks call these."""

from .common import TrainingError

__all__ = ["TrainingError"]
