"""The suggestion list's search on numbers and titles, answered by n-gram indexes
(core.search)."""

from django.db import migrations

from core.search import ngram_index_sql, run_on_postgresql

CREATE_TITLE, DROP_TITLE = ngram_index_sql(
    "suggestions_suggestion", "title", "suggestions_title_ngram"
)
CREATE_NUMBER, DROP_NUMBER = ngram_index_sql(
    "suggestions_suggestion", "number", "suggestions_number_ngram"
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_search_ngrams"),
        ("suggestions", "0013_suggestion_community"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE_TITLE), run_on_postgresql(DROP_TITLE)),
        migrations.RunPython(run_on_postgresql(CREATE_NUMBER), run_on_postgresql(DROP_NUMBER)),
    ]
