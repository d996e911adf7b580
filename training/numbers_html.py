"""Numbers as the templates' ``|floatformat`` wrote them, each value written once per process
and language: a learning archive or a course report writes the same few hours and scores row
after row (3.0, 2.5, 85.0), and ``floatformat`` (its decimal arithmetic and the language's
number format looked up on each call) cost more than the rest of a row."""

import functools
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import get_language


def one_place(value: Decimal | int | float) -> str:
    """``value|floatformat:1`` in the active language (numbers equal write alike: 3, 3.0 and
    3.00 are all "3.0")."""
    return _written(value, "1", get_language())


def few_places(value: Decimal | int | float) -> str:
    """``value|floatformat:"-1"`` in the active language (one place where there is a
    fraction, none where there is not: "2.5", "3")."""
    return _written(value, "-1", get_language())


@functools.lru_cache(maxsize=1024)
def _written(value, places: str, language: str | None) -> str:
    return floatformat(value, places)
