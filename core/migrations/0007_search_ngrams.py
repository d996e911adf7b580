"""The n-gram function behind indexed substring search (core.search) and the audit log's
summary index; PostgreSQL only (other databases search by scanning)."""

from django.db import migrations

from core.search import DROP_NGRAMS_FUNCTION, NGRAMS_FUNCTION, ngram_index_sql, run_on_postgresql

CREATE_SUMMARY, DROP_SUMMARY = ngram_index_sql(
    "core_auditevent", "summary", "core_audit_summary_ngram"
)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_history_changes")]

    operations = [
        migrations.RunPython(
            run_on_postgresql(NGRAMS_FUNCTION), run_on_postgresql(DROP_NGRAMS_FUNCTION)
        ),
        migrations.RunPython(run_on_postgresql(CREATE_SUMMARY), run_on_postgresql(DROP_SUMMARY)),
    ]
