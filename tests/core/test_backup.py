"""Backups: an archive brings back exactly the rows and files it was made from, on SQLite and on
PostgreSQL; a damaged archive, one from the other vendor or from newer code is refused before
anything changes; the password never reaches a command line; each backup and restore is audited.

The round trip never restores into the test database the session holds open: it backs the test
database up and restores into a scratch database (a file for SQLite, ``lvzhi_backup_test_<hex>``
for PostgreSQL), which it then damages and restores again."""

import io
import json
import secrets
import sqlite3
import tarfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from core import backup
from core.management.commands import restore as restore_command
from core.models import AuditEvent
from deputies.models import Deputy
from performance.models import LedgerEntry
from tests.deputies.factories import DeputyWithUserFactory
from tests.performance.factories import LedgerEntryFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENT = datetime(2026, 12, 2, 3, 15, 0, tzinfo=SHANGHAI)
EVIDENCE = "ledger/2025/5f1c0e7a.pdf"
EVIDENCE_BYTES = b"%PDF-1.4 evidence " + bytes(range(256)) * 40


def write_media(root: Path) -> Path:
    path = root / EVIDENCE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(EVIDENCE_BYTES)
    return path


def snapshot(settings_dict, tables) -> dict[str, list]:
    """Every row of every table, read through the vendor's own driver, in a stable order."""
    if backup.vendor_of(settings_dict) == "postgresql":
        import psycopg

        with psycopg.connect(**backup.libpq_params(settings_dict)) as conn:
            return {
                t: sorted(r[0] for r in conn.execute(f'SELECT row_to_json(t)::text FROM "{t}" t'))
                for t in tables
            }
    conn = sqlite3.connect(str(settings_dict["NAME"]), uri=True)
    try:
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}
    finally:
        conn.close()


def execute(settings_dict, *statements) -> None:
    if backup.vendor_of(settings_dict) == "postgresql":
        import psycopg

        with psycopg.connect(**backup.libpq_params(settings_dict)) as conn:
            for sql in statements:
                conn.execute(sql)
        return
    conn = sqlite3.connect(str(settings_dict["NAME"]), uri=True)
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


@pytest.fixture
def scratch(tmp_path):
    """A database like the configured one but other than the test database: a SQLite file, or a
    PostgreSQL database created for this test and dropped after it."""
    source = connection.settings_dict
    if connection.vendor != "postgresql":
        yield dict(source, NAME=str(tmp_path / "scratch.sqlite3"))
        return
    import psycopg

    name = f"lvzhi_backup_test_{secrets.token_hex(4)}"
    admin = backup.libpq_params(dict(source, NAME="postgres"))
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield dict(source, NAME=name)
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_brings_back_rows_and_files(transactional_db, monkeypatch, tmp_path, scratch):
    """On the configured vendor (SQLite, or PostgreSQL in CI's PostgreSQL run): back up the test
    database and its files, restore into a scratch database, damage it, restore again."""
    deputy = DeputyWithUserFactory(name="王晓兰")
    entry = LedgerEntryFactory(deputy=deputy, title="走访东湖社区")
    media = tmp_path / "media"
    write_media(media)
    source = connection.settings_dict

    result = backup.backup_create(
        settings_dict=source, media_root=media, output_dir=tmp_path / "out", now=MOMENT
    )

    manifest = result.manifest
    assert result.path.name == "lvzhi-backup-20261202-031500.tar.gz"
    assert manifest["vendor"] == connection.vendor
    assert manifest["created_at"] == MOMENT.isoformat()
    leaves = dict(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    assert manifest["migrations"]["performance"] == leaves["performance"]
    assert manifest["media"][EVIDENCE]["size"] == len(EVIDENCE_BYTES)
    tables = connection.introspection.table_names()
    expected = snapshot(source, tables)
    assert any("走访东湖社区" in repr(row) for row in expected[LedgerEntry._meta.db_table])

    restored_media = tmp_path / "live-media"
    first = backup.backup_restore(
        archive=result.path, settings_dict=scratch, media_root=restored_media
    )
    assert first.migrate_needed == []
    assert snapshot(scratch, tables) == expected

    # The day after: a row deleted, one changed, a table from newer code, the file gone.
    ledger, deputies = LedgerEntry._meta.db_table, Deputy._meta.db_table
    execute(
        scratch,
        f"DELETE FROM {ledger} WHERE id = {entry.pk}",
        f"UPDATE {deputies} SET name = '改掉的名字' WHERE id = {deputy.pk}",
        "CREATE TABLE made_by_a_newer_migration (id integer)",
    )
    (restored_media / EVIDENCE).unlink()
    (restored_media / "stray.txt").write_text("不在备份里")
    assert snapshot(scratch, tables) != expected

    started = time.monotonic()
    backup.backup_restore(archive=result.path, settings_dict=scratch, media_root=restored_media)
    seconds = time.monotonic() - started

    assert snapshot(scratch, tables) == expected
    assert "made_by_a_newer_migration" not in snapshot_tables(scratch)
    assert (restored_media / EVIDENCE).read_bytes() == EVIDENCE_BYTES
    assert sorted(p.name for p in restored_media.iterdir()) == ["ledger"]
    assert seconds < 60

    if connection.vendor == "postgresql":
        assert_failed_restores_change_nothing(monkeypatch, tmp_path, result.path, scratch)
        assert snapshot(scratch, tables) == expected


def assert_failed_restores_change_nothing(monkeypatch, tmp_path, archive, scratch):
    """PostgreSQL: a restore that fails after it began dropping tables is rolled back (the drop
    and the archive's SQL are one transaction), and a pg_restore that cannot read the dump (a
    newer pg_dump's format) stops before psql runs."""
    media = tmp_path / "failing-media"
    with monkeypatch.context() as patch:
        patch.setattr(backup, "DROP_TABLES_SQL", backup.DROP_TABLES_SQL + " SELECT 1/0;")
        with pytest.raises(backup.BackupError, match="psql"):
            backup.backup_restore(archive=archive, settings_dict=scratch, media_root=media)
    fake = tmp_path / "pg_restore"
    fake.write_text("#!/bin/sh\necho 'unsupported version (1.16) in file header' >&2\nexit 1\n")
    fake.chmod(0o755)
    which = backup.shutil.which
    with monkeypatch.context() as patch:
        patch.setattr(
            backup.shutil, "which", lambda n: str(fake) if n == "pg_restore" else which(n)
        )
        with pytest.raises(backup.BackupError, match="unsupported version"):
            backup.backup_restore(archive=archive, settings_dict=scratch, media_root=media)


def snapshot_tables(settings_dict) -> set[str]:
    if backup.vendor_of(settings_dict) == "postgresql":
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        import psycopg

        with psycopg.connect(**backup.libpq_params(settings_dict)) as conn:
            return {r[0] for r in conn.execute(sql)}
    conn = sqlite3.connect(str(settings_dict["NAME"]), uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


# --- SQLite, always: a database file with web, worker and beat around it ---------------------


@pytest.fixture
def sqlite_site(tmp_path):
    """A small SQLite database file as a deployment has it, with Django's migration table."""
    path = tmp_path / "lvzhi.sqlite3"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE django_migrations (id integer primary key, app, name, applied)")
        conn.execute("INSERT INTO django_migrations (app, name) VALUES ('core', '0001_initial')")
        conn.execute("CREATE TABLE roster (id integer primary key, name text, mobile text)")
        conn.executemany(
            "INSERT INTO roster (name, mobile) VALUES (?, ?)",
            [("王晓兰", "13800000001"), ("李建国", "13800000002")],
        )
    conn.close()
    media = tmp_path / "media"
    write_media(media)
    settings_dict = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {}}
    return settings_dict, media


def rows(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, name, mobile FROM roster ORDER BY id").fetchall()
    finally:
        conn.close()


def test_sqlite_backup_is_a_consistent_copy_and_restores_over_the_live_file(tmp_path, sqlite_site):
    settings_dict, media = sqlite_site
    before = rows(settings_dict["NAME"])
    # Another process is mid-transaction: the backup holds what was committed, and waits for
    # nobody.
    writer = sqlite3.connect(settings_dict["NAME"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO roster (name, mobile) VALUES ('未提交', '13900000000')")
    try:
        result = backup.backup_create(
            settings_dict=settings_dict, media_root=media, output_dir=tmp_path / "out", now=MOMENT
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.manifest["migrations"] == {"core": "0001_initial"}
    assert result.manifest["database"]["file"] == "database.sqlite3"

    execute(settings_dict, "DELETE FROM roster WHERE id = 1", "UPDATE roster SET name = 'x'")
    (media / EVIDENCE).write_bytes(b"overwritten")
    # Web is still connected: the restore replaces the pages under it, and it sees them.
    reader = sqlite3.connect(settings_dict["NAME"])
    backup.backup_restore(archive=result.path, settings_dict=settings_dict, media_root=media)

    assert rows(settings_dict["NAME"]) == before
    assert reader.execute("SELECT count(*) FROM roster").fetchone() == (2,)
    reader.close()
    assert (media / EVIDENCE).read_bytes() == EVIDENCE_BYTES
    assert not any(p.name.startswith(backup.STAGING_PREFIX) for p in media.iterdir())


def test_a_locked_sqlite_database_fails_instead_of_hanging(tmp_path, sqlite_site):
    settings_dict, media = sqlite_site
    out = tmp_path / "out"
    made = backup.backup_create(settings_dict=settings_dict, media_root=media, output_dir=out)
    settings_dict["OPTIONS"] = {"timeout": 0.3}
    writer = sqlite3.connect(settings_dict["NAME"], isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("DELETE FROM roster")
    try:
        with pytest.raises(backup.BackupError) as backing_up:
            backup.backup_create(settings_dict=settings_dict, media_root=media, output_dir=out)
        with pytest.raises(backup.BackupError) as restoring:
            backup.backup_restore(archive=made.path, settings_dict=settings_dict, media_root=media)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    locked = _(backup.ERR_SQLITE_LOCKED) % {"seconds": "0.3"}
    assert str(backing_up.value) == str(restoring.value) == locked
    assert list(out.iterdir()) == [made.path]
    assert len(rows(settings_dict["NAME"])) == 2


def test_archive_is_private_and_written_whole(tmp_path, sqlite_site):
    settings_dict, media = sqlite_site
    out = tmp_path / "out"
    first = backup.backup_create(
        settings_dict=settings_dict, media_root=media, output_dir=out, now=MOMENT
    )
    second = backup.backup_create(
        settings_dict=settings_dict, media_root=media, output_dir=out, now=MOMENT
    )
    assert first.path.stat().st_mode & 0o777 == 0o600
    assert second.path.name == "lvzhi-backup-20261202-031500-2.tar.gz"
    assert {p.name for p in out.iterdir()} == {first.path.name, second.path.name}
    with tarfile.open(first.path) as tar:
        assert tar.getnames() == ["manifest.json", "database.sqlite3", f"media/{EVIDENCE}"]


# --- refusals: nothing changes -------------------------------------------------------------


def rewrite(archive: Path, target: Path, *, manifest=None, database=None) -> Path:
    """A copy of ``archive`` with its manifest or database bytes replaced."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif member.name.startswith("database") and database is not None:
                data = database(data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


@pytest.fixture
def sqlite_archive(tmp_path, sqlite_site):
    settings_dict, media = sqlite_site
    result = backup.backup_create(
        settings_dict=settings_dict, media_root=media, output_dir=tmp_path / "out", now=MOMENT
    )
    execute(settings_dict, "DELETE FROM roster")
    (media / "new-upload.png").write_bytes(b"png")
    return result.path, settings_dict, media


def assert_unchanged(settings_dict, media):
    assert rows(settings_dict["NAME"]) == []
    assert (media / "new-upload.png").read_bytes() == b"png"
    assert sorted(p.name for p in media.iterdir()) == ["ledger", "new-upload.png"]


def test_damaged_database_is_refused(tmp_path, sqlite_archive):
    archive, settings_dict, media = sqlite_archive
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz", database=lambda b: b[:-1] + b"\x01")
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_restore(archive=damaged, settings_dict=settings_dict, media_root=media)
    assert str(caught.value) == _(backup.ERR_CHECKSUM) % {"name": "database.sqlite3"}
    assert_unchanged(settings_dict, media)


def test_archive_from_the_other_vendor_is_refused(sqlite_archive):
    archive, _settings, media = sqlite_archive
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "lvzhi"}
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_restore(archive=archive, settings_dict=postgres, media_root=media)
    assert str(caught.value) == _(backup.ERR_VENDOR_MISMATCH) % {
        "archive": "sqlite",
        "current": "postgresql",
    }


def test_archive_from_newer_code_is_refused(tmp_path, sqlite_archive):
    archive, settings_dict, media = sqlite_archive

    def newer(manifest):
        return manifest | {"migrations": {"core": "9999_from_the_future"}}

    future = rewrite(archive, tmp_path / "future.tar.gz", manifest=newer)
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_restore(archive=future, settings_dict=settings_dict, media_root=media)
    assert str(caught.value) == _(backup.ERR_NEWER_CODE) % {
        "app": "core",
        "migration": "9999_from_the_future",
    }
    assert_unchanged(settings_dict, media)


def test_restore_without_yes_is_refused_when_nobody_can_answer(
    monkeypatch, settings, sqlite_archive
):
    archive, settings_dict, media = sqlite_archive
    settings.MEDIA_ROOT = media
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # a pipe, not a person
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert_unchanged(settings_dict, media)


def test_restore_asks_and_an_answer_other_than_yes_cancels(monkeypatch, settings, sqlite_archive):
    archive, settings_dict, media = sqlite_archive
    settings.MEDIA_ROOT = media
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(archive), stdout=io.StringIO())
    assert str(caught.value) == restore_command.CANCELLED
    assert_unchanged(settings_dict, media)


# --- PostgreSQL tools ------------------------------------------------------------------------

POSTGRES = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "lvzhi",
    "USER": "lvzhi",
    "PASSWORD": "s3cret-pa55",
    "HOST": "db.internal",
    "PORT": "5433",
    "OPTIONS": {"sslmode": "require", "pool": False},
}


def test_missing_pg_dump_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr("core.backup.shutil.which", lambda name: None)
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_create(settings_dict=POSTGRES, media_root=tmp_path, output_dir=tmp_path)
    assert str(caught.value) == _(backup.ERR_TOOL_MISSING) % {"tool": "pg_dump"}
    assert "postgresql-client" in str(caught.value)


def test_password_reaches_pg_dump_only_through_the_environment(monkeypatch, tmp_path):
    seen = {}

    def fake_run(command, *, env, **kwargs):
        seen.update(command=command, env=env)
        return type("Done", (), {"returncode": 1, "stderr": b"connection refused"})()

    monkeypatch.setattr("core.backup.shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr("core.backup.subprocess.run", fake_run)
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_create(settings_dict=POSTGRES, media_root=tmp_path, output_dir=tmp_path)
    assert "s3cret-pa55" not in " ".join(seen["command"]) + str(caught.value)
    assert seen["command"][:2] == ["/usr/bin/pg_dump", "--format=custom"]
    env = seen["env"]
    assert (env["PGPASSWORD"], env["PGHOST"], env["PGPORT"]) == (
        "s3cret-pa55",
        "db.internal",
        "5433",
    )
    assert (env["PGDATABASE"], env["PGUSER"], env["PGSSLMODE"]) == ("lvzhi", "lvzhi", "require")
    assert "connection refused" in str(caught.value)
    assert not list(tmp_path.glob("*.partial"))


# --- the commands on the configured database -------------------------------------------------


# SQLite's test database is shared in memory, and another connection (the backup's) cannot read
# what an open test transaction has written: commit there. pg_dump reads beside a transaction.
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_backup_command_writes_a_dated_archive_and_an_audit_row(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    write_media(settings.MEDIA_ROOT)
    settings.LVZHI_BACKUP_DIR = tmp_path / "backups"
    out = io.StringIO()
    with time_machine.travel(MOMENT, tick=False):
        call_command("backup", stdout=out)
    archive = tmp_path / "backups" / "lvzhi-backup-20261202-031500.tar.gz"
    assert archive.is_file()
    assert str(archive) in out.getvalue()
    event = AuditEvent.objects.get(action="backup.create")
    assert event.actor is None
    assert event.summary == archive.name
    assert event.data["size"] == archive.stat().st_size
    assert event.data["media_files"] == 1
    assert backup.backup_read_manifest(archive)["vendor"] == connection.vendor


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="restores over the configured database (SQLite only)"
)
def test_restore_command_puts_the_configured_database_back_and_records_it(
    transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    write_media(settings.MEDIA_ROOT)
    deputy = DeputyWithUserFactory(name="王晓兰")
    call_command("backup", "--output", str(tmp_path), stdout=io.StringIO())
    archive = next(tmp_path.glob("lvzhi-backup-*.tar.gz"))
    Deputy.objects.filter(pk=deputy.pk).delete()
    (settings.MEDIA_ROOT / EVIDENCE).unlink()

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)

    assert Deputy.objects.get(pk=deputy.pk).name == "王晓兰"
    assert (settings.MEDIA_ROOT / EVIDENCE).read_bytes() == EVIDENCE_BYTES
    event = AuditEvent.objects.get(action="backup.restore")
    assert (event.summary, event.data["size"]) == (archive.name, archive.stat().st_size)
    assert "恢复" in out.getvalue()
