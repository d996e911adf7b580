"""The database cache table behind the shared cache (core.ratelimit) on the embedded default.

``createcachetable`` is a separate command people forget; as a migration the table exists
wherever ``migrate`` ran (laptop, CI, docker's migrate service, the test database). It creates
``lvzhi_cache`` and the table of any other database cache configured at the time, and skips
tables that exist. A site that later switches a cache to the database runs
``python manage.py createcachetable`` once."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

DEFAULT_TABLE = "lvzhi_cache"


def create_cache_tables(apps, schema_editor):
    alias = schema_editor.connection.alias
    tables = {DEFAULT_TABLE}
    for config in settings.CACHES.values():
        if config.get("BACKEND", "").endswith("DatabaseCache") and config.get("LOCATION"):
            tables.add(config["LOCATION"])
    call_command("createcachetable", *sorted(tables), database=alias, verbosity=0)


def drop_default_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.connection.ops.quote_name(DEFAULT_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_admin_list_indexes")]

    operations = [migrations.RunPython(create_cache_tables, drop_default_table, elidable=False)]
