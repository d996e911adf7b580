"""The deputy's entries of one status (the dashboard's returned and pending counts, the ledger
filtered by status) read from a (deputy, status) index instead of a BitmapAnd of the deputy's
index with the status index, which holds thousands of entries of each status."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0009_entry_verified_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["deputy", "status"], name="performance_entry_dep_status"),
        ),
    ]
