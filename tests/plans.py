"""What a page's statements read, as PostgreSQL runs them (``core.plans``): for tests that
a page stays bounded on data skewed the way a district's is."""

from django.db import connection

from core.plans import caught_statements, explained, rows_read


def page_reads(client, path: str) -> dict[str, int]:
    """{relation: the most rows one statement of the page read from it}, the page requested
    twice first so that its statements are kept (prepared) as on a server up for a while."""
    for _ in range(2):
        assert client.get(path).status_code == 200
    with caught_statements() as caught:
        assert client.get(path).status_code == 200
    most: dict[str, int] = {}
    for plan in explained(caught):
        for relation, rows in rows_read(plan["Plan"]).items():
            most[relation] = max(most.get(relation, 0), rows)
    return most


def vacuum_analyze(*models) -> None:
    """The models' tables as autovacuum keeps them on a server: planner statistics, and the
    visibility map that lets an index answer alone (outside a transaction: a test marked
    ``django_db(transaction=True)``)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
