"""Substring search that an index can answer, for Chinese text too.

Django's admin search is ``UPPER(col) LIKE '%term%'``, which no B-tree can serve, so a search on
a big table (137,000 ledger entries, 260,000 audit events at district scale) read every row:
about a second per page. Trigram indexes (``pg_trgm``) do not help either: Chinese terms are
mostly two characters, and a two-character pattern has no trigram.

So PostgreSQL indexes the **characters and character pairs** of the upper-cased text
(``lvzhi_ngrams``, an immutable function, created by ``core`` migration 0007; a loop in
PL/pgSQL is five times faster than the same in one SQL query, which matters because a row the
index finds is checked again) in a GIN index
per searched column; a search asks for the rows whose pairs contain all the term's pairs (the
index) and then checks the real substring on those few rows. A term of any length, Chinese or
Latin, is found exactly as ``icontains`` would find it.

``contains_text`` is the lookup (``title__contains_text="调研"``); on other databases it is
plain ``icontains`` (SQLite, the embedded default, has tables small enough to scan).
``ngram_index_sql`` gives the DDL a migration runs for one column, on PostgreSQL only.
"""

from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains

NGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION lvzhi_ngrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    grams text[] := string_to_array(value, NULL);
BEGIN
    FOR i IN 1 .. length(value) - 1 LOOP
        grams := grams || substr(value, i, 2);
    END LOOP;
    RETURN grams;
END
$$
"""
DROP_NGRAMS_FUNCTION = "DROP FUNCTION IF EXISTS lvzhi_ngrams(text)"


def ngram_index_sql(table: str, column: str, name: str) -> tuple[str, str]:
    """(create, drop) statements of the GIN index that answers ``contains_text`` on a column."""
    return (
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
        f'USING gin (lvzhi_ngrams(UPPER("{column}"::text)))',
        f'DROP INDEX IF EXISTS "{name}"',
    )


def run_on_postgresql(statement: str):
    """A ``RunPython`` body that runs ``statement`` on PostgreSQL and nothing elsewhere."""

    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class ContainsText(Lookup):
    lookup_name = "contains_text"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        column, column_params = self.process_lhs(compiler, connection)
        term = str(self.rhs)
        pattern = "%" + connection.ops.prep_for_like_query(term) + "%"
        sql = (
            f"lvzhi_ngrams(UPPER({column}::text)) @> lvzhi_ngrams(UPPER(%s)) "
            f"AND UPPER({column}::text) LIKE UPPER(%s)"
        )
        return sql, (*column_params, term, *column_params, pattern)


def register() -> None:
    CharField.register_lookup(ContainsText)
    TextField.register_lookup(ContainsText)
