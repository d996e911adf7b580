"""The suggestions admin, one module per kind of page; importing them registers the models."""

from . import handling, reference, scores, suggestion  # noqa: F401
