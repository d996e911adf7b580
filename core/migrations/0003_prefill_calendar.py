from django.db import migrations


def prefill(apps, schema_editor):
    from chinese_calendar import constants

    from core.workdays import HOLIDAY_NAMES

    CalendarDay = apps.get_model("core", "CalendarDay")
    rows = [
        CalendarDay(date=day, kind="holiday", name=HOLIDAY_NAMES.get(name, name))
        for day, name in constants.holidays.items()
        if day.weekday() < 5
    ] + [
        CalendarDay(date=day, kind="workday", name=HOLIDAY_NAMES.get(name, name))
        for day, name in constants.workdays.items()
    ]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day")]

    operations = [migrations.RunPython(prefill, migrations.RunPython.noop)]
