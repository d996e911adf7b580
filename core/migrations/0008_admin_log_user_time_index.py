"""An index on Django's admin log by user and time, newest first: the staff desk lists the
clerk's ten latest actions (``core.templatetags.staff_desk.recent_actions``), and with only
Django's index on the user the database read and sorted every action the clerk ever took (a
district's clerk makes tens of thousands in a term). The table is Django's, so the index is
made here in SQL both databases take."""

from django.db import migrations

INDEX = "core_admin_log_user_time"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_search_ngrams"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON django_admin_log (user_id, action_time DESC)",
            f"DROP INDEX {INDEX}",
        )
    ]
