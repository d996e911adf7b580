"""SQL expressions the ORM lacks, shared by the apps' selectors."""

from django.db.models import Aggregate, JSONField


class JSONList(Aggregate):
    """The rows' values as one JSON array (SQLite's ``JSON_GROUP_ARRAY``, PostgreSQL's
    ``JSONB_AGG``): a subquery of several rows read as one column of the outer row, so a page
    reads its rows with what each shows of its related rows (a story's deputies, an enrolment's
    attendances, a deputy's facts of several rows) in one statement."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)
