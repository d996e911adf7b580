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
                help_text="首次答复时有效的答复期限；退回重办改的是新期限，超期统计看这一个。",
                null=True,
                verbose_name="首次答复时的期限",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
