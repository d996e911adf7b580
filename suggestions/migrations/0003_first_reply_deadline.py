from django.db import migrations, models


def backfill(apps, schema_editor):
    """Replies given before the field existed: without a reopen the deadline is still the one."""
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Suggestion.objects.filter(
        first_replied_on__isnull=False, first_reply_deadline__isnull=True, reopen_count=0
    ).update(first_reply_deadline=models.F("reply_deadline"))


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0002_default_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="first_reply_deadline",
            field=models.DateField(
                blank=True,
                help_text="首次答复是否超期按这个期限统计（退回重办另有新期限）。",
                null=True,
                verbose_name="首次答复时的期限",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
