"""The suggestions admin, one module per kind of page; importing them registers the models."""

from . import handling, links, reference, reviews, scores, suggestion  # noqa: F401
