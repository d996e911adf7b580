"""SQL expressions the ORM lacks, shared by the apps' selectors."""

from django.db.models import Aggregate, Expression, F, JSONField, QuerySet, Subquery, Value
from django.db.models.functions import Collate, JSONArray


class JSONList(Aggregate):
    """The rows' values as one JSON array (SQLite's ``JSON_GROUP_ARRAY``, PostgreSQL's
    ``JSONB_AGG``): a subquery of several rows read as one column of the outer row, so a page
    reads its rows with what each shows of its related rows (a story's deputies, an enrolment's
    attendances, a deputy's facts of several rows) in one statement."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_rows(queryset: QuerySet, *columns: "str | Expression") -> Subquery:
    """``queryset``'s rows as one JSON array of arrays of ``columns`` (field names or
    expressions), in no order, as a scalar subquery of the outer row (NULL when there is no
    row): the rows grouped by a constant, so the whole set is one group."""
    values = [F(column) if isinstance(column, str) else column for column in columns]
    rows = (
        queryset.order_by()
        .values(_one=Value(1))
        .annotate(_rows=JSONList(JSONArray(*values)))
        .values("_rows")
    )
    return Subquery(rows[:1], output_field=JSONField())


class CodepointOrder(Collate):
    """A text column compared character by character by code point, as Python compares
    ``str``: PostgreSQL's ``"C"`` collation (a database made with a Chinese locale would
    sort by its own rules), SQLite's default. A page that reads the first rows in SQL and
    ranks rows again in Python then gets the same order from both."""

    def __init__(self, expression: "str | Expression") -> None:
        super().__init__(F(expression) if isinstance(expression, str) else expression, "C")

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.get_source_expressions()[0])
