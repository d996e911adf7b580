"""The ledger list's search on entry titles, answered by an n-gram index (core.search)."""

from django.db import migrations

from core.search import ngram_index_sql, run_on_postgresql

CREATE, DROP = ngram_index_sql("performance_ledgerentry", "title", "performance_entry_title_ngram")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_search_ngrams"),
        ("performance", "0007_commendations"),
    ]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP))]
