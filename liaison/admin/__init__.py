"""The clerk's liaison workbench in the admin, by subject."""

from . import index, opinions, stations, stories, visits  # noqa: F401  (each registers its models)
