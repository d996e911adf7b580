"""How PostgreSQL runs a page's statements, as the page runs them: the rows each plan reads.

A statement kept by ``core.compiled.run_kept`` is a prepared statement whose ids are its
parameters; from its sixth run PostgreSQL may run it with a *generic* plan, made without
knowing the ids. The planner then guesses "the rows of this user" as the table's average per
value, and a column where one value holds half the rows (the clerk who logs most visits)
makes that guess a large share of the table: the plan reads the whole table where the plan
for one id reads a few rows. ``explain`` runs a kept statement under ``force_generic_plan``
so that what the page would pay shows; ``rows_read`` adds up what the plan's scans read.
Used by ``scripts/plan_pages.py`` (every benchmark page, demo against district size) and by
tests that a page's statements stay bounded on skewed data.
"""

import contextlib
import json
import re
from collections.abc import Iterator

from django.db import connection

SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}
Statement = tuple[str, tuple, bool]  # SQL, parameters, kept (a prepared statement)


@contextlib.contextmanager
def caught_statements() -> Iterator[list[Statement]]:
    """The reads run on the default connection inside the block, as ``(sql, params, kept)``
    (``run_kept`` passes no cursor to the connection's execute wrappers); savepoints and
    writes are left out."""
    caught: list[Statement] = []

    def catch(execute, sql, params, many, context):
        if sql.lstrip("( ").split(None, 1)[0].upper() in ("SELECT", "WITH"):
            caught.append((sql, tuple(params or ()), context.get("cursor") is None))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(catch):
        yield caught


def rows_read(plan: dict) -> dict[str, int]:
    """{relation: rows its scans read} over the plan tree (subplans and init plans too)."""
    found: dict[str, int] = {}

    def walk(node: dict) -> None:
        if node.get("Node Type") in SCANS:
            per_loop = node.get("Actual Rows", 0) + _removed(node)
            relation = node.get("Relation Name", "?")
            found[relation] = found.get(relation, 0) + int(per_loop * node.get("Actual Loops", 1))
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan)
    return found


def _removed(node: dict) -> int:
    """The rows a node read and a filter or a recheck threw away, per loop."""
    return node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)


def plan_lines(node: dict, depth: int = 0) -> list[str]:
    """The plan as an indented outline: each node's type, relation or index, and the rows it
    gave (times loops), and for scans the rows it removed."""
    label = node.get("Node Type", "?")
    for key in ("Relation Name", "Index Name", "Subplan Name"):
        if key in node:
            label += f" {node[key]}"
    loops = node.get("Actual Loops", 1)
    label += f"  rows={node.get('Actual Rows', 0)}×{loops}"
    removed = _removed(node)
    if removed:
        label += f" removed={removed}×{loops}"
    lines = ["  " * depth + label]
    for child in node.get("Plans", ()):
        lines += plan_lines(child, depth + 1)
    return lines


def _numbered(sql: str) -> str:
    """Django's ``%s`` placeholders as PostgreSQL's ``$1, $2, …`` (``%%`` as ``%``)."""
    counter = iter(range(1, 10_000))
    return re.sub(r"%[s%]", lambda m: "%" if m.group() == "%%" else f"${next(counter)}", sql)


def explain(cursor, sql: str, params, kept: bool) -> dict:
    """The statement's plan as it ran (JSON, its first element), three runs in, the last
    one's; a kept statement prepared and run with a generic plan, as a page runs it."""
    if kept:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE core_plans_audited AS {_numbered(sql)}".replace("%", "%%"))
        values = ", ".join(_literal(value) for value in params)
        arguments = f"({values})" if values else ""
        command = f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE core_plans_audited{arguments}"
        command = command.replace("%", "%%")
        for _ in range(3):
            cursor.execute(command)
            (plan,) = cursor.fetchone()
        cursor.execute("DEALLOCATE core_plans_audited")
        cursor.execute("RESET plan_cache_mode")
    else:
        for _ in range(3):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            (plan,) = cursor.fetchone()
    return plan[0] if isinstance(plan, list) else json.loads(plan)[0]


def explained(caught: list[Statement]) -> list[dict]:
    """Each caught statement's plan as it ran (``explain``), in order."""
    with connection.cursor() as cursor:
        return [explain(cursor, sql, params, kept) for sql, params, kept in caught]


def planned(cursor) -> dict[str, str]:
    """{statement (Django's ``%s`` text): "generic" or "custom"} for the connection's
    prepared statements run at least six times: "custom" when PostgreSQL still plans each
    run anew (it found no generic plan as cheap as the plans for the values given), so that
    every run pays the planning, which at district size can cost more than the run."""
    cursor.execute(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE generic_plans + custom_plans > 5"
    )
    found = {}
    for statement, generic, _custom in cursor.fetchall():
        found[statement] = "generic" if generic else "custom"
    return {_django_text(text): kind for text, kind in found.items()}


def _django_text(statement: str) -> str:
    """A prepared statement's text as Django wrote it (``$1`` back to ``%s``, ``%`` to
    ``%%``), to match the statements a page ran."""
    return re.sub(r"\$\d+", "%s", statement.replace("%", "%%"))


def _literal(value) -> str:
    return connection.ops.compose_sql("%s", [value])
