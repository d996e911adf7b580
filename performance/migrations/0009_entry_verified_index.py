"""The exit list's "no base duty all year": a deputy's verified entry of a base rule, looked up
by (deputy, rule) in an index of verified entries only (performance.selectors.exit_subqueries)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0008_entry_title_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                condition=models.Q(("status", "verified")),
                fields=["deputy", "rule"],
                name="performance_entry_verified_idx",
            ),
        ),
    ]
