"""The constraint and indexes on the columns 0014 added and filled: in a migration of their
own, since PostgreSQL alters no table with the fill's updates pending in the same
transaction."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0014_assessment_level_base_entries"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=Q(level__in=["province", "city", "district", "street"]),
                name="assessment_level_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["rule_set", "level", "total"], name="perf_assessment_year_level"
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=Q(base_entries=0),
                fields=["rule_set"],
                include=("deputy",),
                name="perf_assessment_no_base",
            ),
        ),
    ]
