"""Paging a list whose first page was read with the page's other rows.

A page that reads its rows in one statement (``deputies.facts``) can read the first page of a
list and the list's count, rather than every row of it: ``first_page(number)`` says whether the
query string asks for the first page (as Django's ``Paginator.get_page`` reads it), and
``FirstRows`` is what the paginator then pages: the first rows and the count of all."""

from collections.abc import Sequence
from typing import Any


def first_page(number: Any) -> bool:
    """Whether ``Paginator.get_page(number)`` shows the first page: no number, one that is
    not a whole number, or 1 (0 and negative numbers show the last page, as past the end)."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


class FirstRows(Sequence):
    """The first ``rows`` of a list of ``count`` rows, for a ``Paginator`` asked for its
    first page. Past the rows read it has none: a page shows what was read, never a row it
    did not (a count read a moment apart from the rows may differ by one)."""

    def __init__(self, rows: list, count: int) -> None:
        self.rows, self.count_of_all = rows, max(count, len(rows))

    def __len__(self) -> int:
        return self.count_of_all

    def __getitem__(self, index):
        return self.rows[index]
