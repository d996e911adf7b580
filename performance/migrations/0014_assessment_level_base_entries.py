"""The deputy's level and the count of verified base entries on each assessment, written by the
scoring (``performance.scoring``): the dashboard's rank within the level and the 劝辞 check
"no base duty all year" then read the assessment rows' own columns from an index (issue #8).
Existing rows are filled here from the deputies' current level and the ledger as the old
checks read them; the next computation of an open year rewrites both."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Assessment = apps.get_model("performance", "Assessment")
    Deputy = apps.get_model("deputies", "Deputy")
    LedgerEntry = apps.get_model("performance", "LedgerEntry")
    RuleSet = apps.get_model("performance", "RuleSet")
    db = schema_editor.connection.alias
    Assessment.objects.using(db).update(
        level=Subquery(Deputy.objects.filter(pk=OuterRef("deputy_id")).values("level")[:1])
    )
    for rule_set in RuleSet.objects.using(db).all():
        entries = (
            LedgerEntry.objects.using(db)
            .filter(
                deputy=OuterRef("deputy_id"),
                status="verified",
                rule__rule_set=rule_set,
                rule__dimension="base",
                rule__points__gt=0,
            )
            .order_by()
            .values("deputy")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Assessment.objects.using(db).filter(rule_set=rule_set).update(
            base_entries=Coalesce(Subquery(entries[:1]), 0)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0006_mobile_ascii_digits"),
        ("performance", "0013_entry_counted_date_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="level",
            field=models.CharField(
                choices=[
                    ("province", "省人大代表"),
                    ("city", "市人大代表"),
                    ("district", "区人大代表"),
                    ("street", "街道议政代表"),
                ],
                default="",
                max_length=10,
                verbose_name="参评层级",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assessment",
            name="base_entries",
            field=models.PositiveIntegerField(default=0, verbose_name="基础履职记录数"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
