"""The clerk's liaison workbench in the admin, by subject."""

from . import index, links, opinions, stations, stories, visits  # noqa: F401  (registers models)
