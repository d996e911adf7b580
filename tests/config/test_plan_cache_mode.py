"""Kept statements run with their generic plan, planned once per connection (config's
``plan_cache_mode``): the plan a page runs is the one the plan tests check (``core.plans``)."""

import pytest
from django.db import connection

from core.compiled import run_kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache"),
]


def test_the_connection_uses_generic_plans_for_prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


def test_a_kept_statement_is_planned_once_whatever_its_ids():
    sql = 'SELECT COUNT(*) FROM "deputies_deputy" WHERE "id" = %s'
    for pk in range(1, 8):
        assert run_kept("default", sql, (pk,), (0,)) == [(0,)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['SELECT COUNT(*) FROM "deputies_deputy" WHERE "id" = $1%'],
        )
        assert cursor.fetchall() == [(7, 0)]
