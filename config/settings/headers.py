"""Response headers every environment sends (issue #11): filled in by the headers work.

``base`` imports this module's settings at its end and puts ``HEADER_MIDDLEWARE`` where the headers
belong (after the messages and clickjacking middleware)."""

HEADER_MIDDLEWARE: list[str] = []
