"""A foreign key compared with an id no row can have matches nothing.

Django already treats an out-of-range integer in an ``exact`` lookup on an integer column as
"no rows" (``IntegerFieldOverflow``), but not when the column is a foreign key: an admin filter
such as ``?category__exact=999…9`` (bookmarked, mangled, typed) then reaches SQLite as an
integer it cannot bind and the clerk gets a 500 (issue #8's bad input). These lookups apply the
same range check to foreign keys, using the range of the column they point to, and are
registered on every foreign key by ``CoreConfig.ready``.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn


def _in_range(value, lookup, connection) -> bool:
    if not isinstance(value, int):
        return True
    target = getattr(lookup.lhs.output_field, "target_field", lookup.lhs.output_field)
    try:
        low, high = connection.ops.integer_field_range(target.get_internal_type())
    except KeyError:  # not an integer key (a code, a UUID): nothing to check
        return True
    return (low is None or value >= low) and (high is None or value <= high)


class BoundedRelatedExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if not _in_range(self.rhs, self, connection):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class BoundedRelatedIn(RelatedIn):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.rhs, (list, tuple, set, frozenset)):
            kept = [value for value in self.rhs if _in_range(value, self, connection)]
            if not kept:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


def register() -> None:
    ForeignObject.register_lookup(BoundedRelatedExact, "exact")
    ForeignObject.register_lookup(BoundedRelatedIn, "in")
