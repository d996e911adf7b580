"""The (deputy, date) index of the ledger's entries carries each entry's rule and status, so the
dashboard's codes of the deputy's entries this year (``deputies.facts``, ``rule_code_facts``)
are read from the index alone: at district size they fetched some seventy rows of the table a
deputy. Made before the index it replaces is dropped, so no moment goes without one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0015_assessment_level_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["deputy", "occurred_on"],
                include=("rule", "status"),
                name="performance_entry_dep_date",
            ),
        ),
        migrations.RemoveIndex(
            model_name="ledgerentry",
            name="performance_deputy__f7086e_idx",
        ),
    ]
