"""The admin's search box on big lists, answered from indexes (issue #8: no parameter may
trigger a full scan).

``IndexedSearchAdmin.indexed_search`` replaces ``search_fields`` on a list whose table is
large. It names, for every term the clerk types (terms are ANDed, as in Django's search):

* ``text``: columns of the list's own table searched by substring through their n-gram index
  (``core.search``), e.g. an entry's title;
* ``related``: a foreign key and the columns of the (small) table it points to, e.g. the
  deputy's name and code. Those rows are looked up first and the list is filtered on the key's
  index, instead of joining every row of the big table to test the name;

``search_fields`` is still set (Django shows the search box only then, and its help text lists
them), but ``get_search_results`` no longer reads it.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

RELATED_IDS_CAP = 2000  # beyond this many matching rows, filter on a subquery instead


@dataclass(frozen=True)
class IndexedSearch:
    text: tuple[str, ...] = ()
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _terms(search_term: str) -> list[str]:
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            terms.append(bit.strip())
    return terms


def indexed_search_filter(model, search: IndexedSearch, search_term: str) -> Q:
    """The rows of ``model`` matching every term in one of the configured ways."""
    condition = Q()
    for term in _terms(search_term):
        either = Q()
        for column in search.text:
            either |= Q(**{f"{column}__contains_text": term})
        for key, columns in search.related.items():
            target = model._meta.get_field(key).related_model
            found = Q()
            for column in columns:
                found |= Q(**{f"{column}__icontains": term})
            ids = target._default_manager.filter(found).values_list("pk", flat=True)
            listed = list(ids[: RELATED_IDS_CAP + 1])
            either |= Q(**{f"{key}__in": listed if len(listed) <= RELATED_IDS_CAP else ids})
        condition &= either
    return condition


class IndexedSearchAdmin:
    indexed_search: IndexedSearch = IndexedSearch()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(
            indexed_search_filter(queryset.model, self.indexed_search, search_term)
        ), False
