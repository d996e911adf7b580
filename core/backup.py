"""Backups: the database and the uploaded files in one dated archive, and the way back.

An archive (``lvzhi-backup-YYYYMMDD-HHMMSS.tar.gz``, mode 0600: it holds phones and ids) is
``manifest.json`` first, then the database (``database.dump``, pg_dump's custom format, or
``database.sqlite3``, a copy made through SQLite's online backup API) and ``media/``. The
manifest records when, from which vendor, the migration state and a sha256 of every file, so a
restore refuses a damaged archive, one from the other database vendor, or one made by newer code
before it touches anything.

The functions take the database settings dict and MEDIA_ROOT explicitly, so a test can back up
the test database and restore into a scratch one; ``backup_run``/``restore_run`` are the
commands' doors: the configured database, the audit row.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.audit import audit_record

ARCHIVE_PREFIX = "lvzhi-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
DB_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
STAGING_PREFIX = ".lvzhi-restore-"

ERR_TOOL_MISSING = gettext_noop(
    "找不到 %(tool)s：请安装 postgresql-client（提供 pg_dump、pg_restore 和 psql），"
    "且版本不低于数据库服务器。"
)
ERR_TOOL_FAILED = gettext_noop("%(tool)s 失败（退出码 %(code)s）：%(detail)s")
ERR_VENDOR_UNSUPPORTED = gettext_noop("不支持备份 %(engine)s 数据库，只支持 PostgreSQL 和 SQLite。")
ERR_SQLITE_MISSING = gettext_noop("SQLite 数据库文件 %(path)s 不存在。")
ERR_NOT_ARCHIVE = gettext_noop("%(name)s 不是本系统的备份文件（第一项应为 manifest.json）。")
ERR_VENDOR_MISMATCH = gettext_noop(
    "备份来自 %(archive)s 数据库，当前配置的是 %(current)s 数据库，不能恢复。"
)
ERR_CHECKSUM = gettext_noop(
    "备份中的 %(name)s 校验值与清单不符：备份已损坏或被改动，未做任何恢复。"
)
ERR_UNEXPECTED_MEMBER = gettext_noop("备份中有清单以外的文件 %(name)s，未做任何恢复。")
ERR_NEWER_CODE = gettext_noop(
    "备份中的迁移 %(app)s.%(migration)s 在当前代码中不存在：备份来自更新的版本，"
    "请先部署该版本再恢复。"
)
ERR_SQLITE_LOCKED = gettext_noop(
    "SQLite 数据库被其他进程锁定超过 %(seconds)s 秒，没有完成：请停止 web、worker 和 beat 后重试。"
)
ERR_SQLITE_DAMAGED = gettext_noop("备份中的 SQLite 数据库未通过完整性检查：%(detail)s")

# libpq's connection keywords and the environment variables pg_dump, pg_restore and psql read
# them from: the password reaches the tools through PGPASSWORD, never on a command line.
_LIBPQ_PAIRS = """dbname=PGDATABASE host=PGHOST hostaddr=PGHOSTADDR port=PGPORT user=PGUSER
    password=PGPASSWORD passfile=PGPASSFILE service=PGSERVICE options=PGOPTIONS sslmode=PGSSLMODE
    sslrootcert=PGSSLROOTCERT sslcert=PGSSLCERT sslkey=PGSSLKEY sslcrl=PGSSLCRL
    connect_timeout=PGCONNECT_TIMEOUT application_name=PGAPPNAME"""
LIBPQ_ENV = dict(pair.split("=") for pair in _LIBPQ_PAIRS.split())
# Fail rather than wait forever behind a session that holds a lock (stop web, worker, beat).
LOCK_WAIT = "60s"

MIGRATIONS_SQL = "SELECT app, name FROM django_migrations"
# Run before the archive's SQL in the same transaction: tables the archive does not know (made
# by migrations newer than the backup) would otherwise survive and break the next `migrate`.
DROP_TABLES_SQL = """DO $$ DECLARE t record; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t.tablename);
  END LOOP; END $$;"""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    seconds: float
    migrate_needed: list[str]


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine or "postgis" in engine:
        return "postgresql"
    if "sqlite3" in engine or "spatialite" in engine:
        return "sqlite"
    raise BackupError(_(ERR_VENDOR_UNSUPPORTED) % {"engine": engine})


def archive_name(moment: datetime) -> str:
    """Dated in the committee's time zone, sortable by name."""
    return f"{ARCHIVE_PREFIX}{timezone.localtime(moment):%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def default_output_dir() -> Path:
    return Path(settings.LVZHI_BACKUP_DIR)


# --- backup ------------------------------------------------------------------------------


def backup_create(
    *,
    settings_dict: dict[str, Any],
    media_root: Path,
    output_dir: Path,
    now: datetime | None = None,
) -> BackupResult:
    """Dump the database of ``settings_dict`` and copy ``media_root`` into a new archive in
    ``output_dir``. The archive appears under its final name only when complete (temporary file,
    then rename), so a crash or a full disk never leaves a truncated archive that looks good."""
    now = now or clock.now()
    vendor = vendor_of(settings_dict)
    media_root = Path(media_root)
    output_dir = Path(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".lvzhi-backup-") as staging:
        db_path = Path(staging) / DB_FILES[vendor]
        if vendor == "postgresql":
            _pg_dump(settings_dict, db_path)
            with psycopg.connect(**libpq_params(settings_dict)) as conn:
                applied = conn.execute(MIGRATIONS_SQL).fetchall()
        else:
            _sqlite_copy(settings_dict, db_path)
            with closing(sqlite3.connect(db_path)) as conn:
                applied = conn.execute(MIGRATIONS_SQL).fetchall()
        media = _media_listing(media_root)
        manifest = {
            "format": MANIFEST_FORMAT,
            "app": "lvzhi",
            "created_at": now.isoformat(),
            "vendor": vendor,
            "migrations": _latest_migrations(applied),
            "database": {"file": db_path.name, **_file_facts(db_path)},
            "media": media,
        }
        fd, tmp_name = tempfile.mkstemp(dir=output_dir, prefix=".", suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(now.timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(db_path, arcname=db_path.name)
                for name in media:
                    tar.add(media_root / name, arcname=f"media/{name}", recursive=False)
                tar.close()
                raw.flush()
                os.fsync(raw.fileno())
            final = _free_name(output_dir, archive_name(now))
            os.replace(tmp_name, final)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return BackupResult(path=final, size=final.stat().st_size, manifest=manifest)


def _free_name(directory: Path, name: str) -> Path:
    """Two backups in the same second get ``-2``, ``-3``: an archive is never overwritten."""
    candidate, n = directory / name, 1
    while candidate.exists():
        n += 1
        candidate = directory / name.replace(ARCHIVE_SUFFIX, f"-{n}{ARCHIVE_SUFFIX}")
    return candidate


def _pg_dump(settings_dict: dict[str, Any], target: Path) -> None:
    command = [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"]
    command.append(f"--lock-wait-timeout={LOCK_WAIT}")
    done = subprocess.run(command, env=_pg_env(settings_dict), capture_output=True, check=False)
    if done.returncode:
        _fail(Path(command[0]).name, done.returncode, done.stderr)


def _sqlite_copy(settings_dict: dict[str, Any], target: Path) -> None:
    """SQLite's online backup API copies a consistent snapshot even while web, worker and beat
    write (copying the file could catch half a transaction or miss the journal)."""
    name = str(settings_dict["NAME"])
    if not name.startswith("file:") and not Path(name).is_file():
        raise BackupError(_(ERR_SQLITE_MISSING) % {"path": name})
    source = sqlite3.connect(name, uri=True, timeout=_sqlite_timeout(settings_dict))
    with closing(source), closing(sqlite3.connect(target)) as copy:
        _sqlite_backup(source, copy, settings_dict)  # one step: one read transaction, one snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # self-contained: no -wal file to carry


def _media_listing(media_root: Path) -> dict[str, dict[str, Any]]:
    """Every uploaded file by its path under MEDIA_ROOT, with size and sha256."""
    listing: dict[str, dict[str, Any]] = {}
    if not media_root.is_dir():
        return listing
    for path in sorted(media_root.rglob("*")):
        relative = path.relative_to(media_root)
        if relative.parts[0].startswith(STAGING_PREFIX) or path.is_symlink():
            continue  # a restore in progress; a link could pull files from outside MEDIA_ROOT
        if path.is_file():
            listing[relative.as_posix()] = _file_facts(path)
    return listing


# --- restore -----------------------------------------------------------------------------


def backup_read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest, read without unpacking the rest: it is the archive's first member."""
    archive = Path(archive)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(_(ERR_NOT_ARCHIVE) % {"name": archive.name})
            manifest = json.loads(tar.extractfile(first).read())
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise BackupError(_(ERR_NOT_ARCHIVE) % {"name": archive.name}) from exc
    if not isinstance(manifest, dict) or manifest.get("app") != "lvzhi":
        raise BackupError(_(ERR_NOT_ARCHIVE) % {"name": archive.name})
    return manifest


def backup_check(manifest: dict[str, Any], *, settings_dict: dict[str, Any]) -> list[str]:
    """Refuse an archive from the other vendor or from newer code; return the apps whose newer
    migrations must be applied (``migrate``) after restoring an older archive."""
    current = vendor_of(settings_dict)
    if manifest.get("vendor") != current:
        raise BackupError(
            _(ERR_VENDOR_MISMATCH) % {"archive": manifest.get("vendor"), "current": current}
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = dict(loader.graph.leaf_nodes())
    for app, name in manifest.get("migrations", {}).items():
        if (app, name) not in loader.disk_migrations:
            raise BackupError(_(ERR_NEWER_CODE) % {"app": app, "migration": name})
    archived = manifest.get("migrations", {})
    return sorted(app for app, leaf in leaves.items() if archived.get(app) != leaf)


def backup_restore(
    *, archive: Path, settings_dict: dict[str, Any], media_root: Path
) -> RestoreResult:
    """Put the archive's database and files back over the current ones.

    Everything is checked first (manifest, vendor, migrations, every checksum) while nothing has
    changed. The database is replaced in one transaction (PostgreSQL: the archive's SQL through
    psql --single-transaction; SQLite: the backup API into the live file), so a failure leaves it
    as it was; then MEDIA_ROOT's contents are swapped by renames. The caller closes Django's
    connections first and stops web, worker and beat, which would otherwise wait on locks."""
    started = time.monotonic()
    archive, media_root = Path(archive), Path(media_root)
    manifest = backup_read_manifest(archive)
    migrate_needed = backup_check(manifest, settings_dict=settings_dict)
    vendor = vendor_of(settings_dict)
    media_root.mkdir(parents=True, exist_ok=True)
    # Staged inside MEDIA_ROOT so the swap is a rename on one file system (a docker volume is
    # a mount point: MEDIA_ROOT itself cannot be renamed).
    staging = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIX))
    try:
        _extract_verified(archive, manifest, staging)
        db_path = staging / DB_FILES[vendor]
        if vendor == "postgresql":
            _pg_restore(settings_dict, db_path)
        else:
            _sqlite_restore(settings_dict, db_path)
        _media_swap(media_root, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(
        manifest=manifest, seconds=time.monotonic() - started, migrate_needed=migrate_needed
    )


def _extract_verified(archive: Path, manifest: dict[str, Any], staging: Path) -> None:
    database = manifest["database"]
    expected = {
        database["file"]: database,
        **{f"media/{k}": v for k, v in manifest["media"].items()},
    }
    seen: set[str] = set()
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if member.name == MANIFEST or (member.isdir() and member.name.startswith("media")):
                continue
            if member.name not in expected or not member.isfile():
                raise BackupError(_(ERR_UNEXPECTED_MEMBER) % {"name": member.name})
            tar.extract(member, staging, filter="data")
            facts = _file_facts(staging / member.name)
            want = expected[member.name]
            if (facts["size"], facts["sha256"]) != (want.get("size"), want.get("sha256")):
                raise BackupError(_(ERR_CHECKSUM) % {"name": member.name})
            seen.add(member.name)
    for missing in sorted(set(expected) - seen):
        raise BackupError(_(ERR_CHECKSUM) % {"name": missing})


def _pg_restore(settings_dict: dict[str, Any], dump: Path) -> None:
    """pg_restore --clean --if-exists --no-owner turns the archive into SQL first, into a file:
    only when that succeeded does psql run it, after dropping the schema's tables, all in one
    transaction (ON_ERROR_STOP: any error rolls back). Streamed instead, a pg_restore that died
    (a dump from a newer pg_dump) would end psql's input early and psql would commit the drop."""
    script = dump.with_suffix(".sql")
    env = _pg_env(settings_dict)
    quiet = f"-c client_min_messages=warning -c lock_timeout={LOCK_WAIT}"
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {quiet}".strip()
    pg_restore = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    psql = [_tool("psql"), "--no-psqlrc", "--quiet", "--no-password", "--single-transaction"]
    psql += ["-v", "ON_ERROR_STOP=1", "-c", DROP_TABLES_SQL, f"--file={script}"]
    for command in ([*pg_restore, f"--file={script}", str(dump)], psql):
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        if done.returncode:
            _fail(Path(command[0]).name, done.returncode, done.stderr)


def _sqlite_restore(settings_dict: dict[str, Any], copy_path: Path) -> None:
    """The backup API in reverse: the live file's pages are replaced in one write transaction
    that honours its journal (rollback or WAL) and other processes' locks, which renaming a file
    over an open database would not."""
    live_name, timeout = str(settings_dict["NAME"]), _sqlite_timeout(settings_dict)
    with closing(sqlite3.connect(copy_path)) as copy:
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(_(ERR_SQLITE_DAMAGED) % {"detail": verdict})
        with closing(sqlite3.connect(live_name, uri=True, timeout=timeout)) as live:
            _sqlite_backup(copy, live, settings_dict)


def _media_swap(media_root: Path, staging: Path) -> None:
    old = staging / "old"
    old.mkdir()
    for child in media_root.iterdir():
        if child != staging and not child.name.startswith(STAGING_PREFIX):
            child.rename(old / child.name)
    restored = staging / "media"
    if restored.is_dir():
        for child in restored.iterdir():
            child.rename(media_root / child.name)


# --- the configured database and the audit -----------------------------------------------


def backup_run(*, output_dir: Path | None = None, now: datetime | None = None) -> BackupResult:
    """Back up the configured database and MEDIA_ROOT, and record it."""
    result = backup_create(
        settings_dict=connections["default"].settings_dict,
        media_root=Path(settings.MEDIA_ROOT),
        output_dir=Path(output_dir) if output_dir else default_output_dir(),
        now=now,
    )
    audit_record(
        actor=None,
        action="backup.create",
        summary=result.path.name,
        data=_audit_data(result.path, result.size, result.manifest),
    )
    return result


def restore_run(*, archive: Path) -> RestoreResult:
    """Restore over the configured database and MEDIA_ROOT, and record it in the restored
    database (a row written before would be wiped by the restore itself)."""
    settings_dict = connections["default"].settings_dict
    connections.close_all()
    result = backup_restore(
        archive=archive, settings_dict=settings_dict, media_root=Path(settings.MEDIA_ROOT)
    )
    archive = Path(archive)
    audit_record(
        actor=None,
        action="backup.restore",
        summary=archive.name,
        data=_audit_data(archive, archive.stat().st_size, result.manifest)
        | {"seconds": round(result.seconds, 2)},
    )
    return result


def _audit_data(path: Path, size: int, manifest: dict[str, Any]) -> dict[str, Any]:
    return {
        "archive": path.name,
        "size": size,
        "vendor": manifest["vendor"],
        "created_at": manifest["created_at"],
        "media_files": len(manifest["media"]),
    }


# --- helpers -----------------------------------------------------------------------------


def _latest_migrations(rows: list[tuple[str, str]]) -> dict[str, str]:
    """Per app the highest-numbered applied migration (names start with their number)."""
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = max(name, latest.get(app, name))
    return dict(sorted(latest.items()))


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_(ERR_TOOL_MISSING) % {"tool": name})
    return path


def libpq_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq keywords from Django's settings: NAME, USER, PASSWORD, HOST, PORT and the OPTIONS
    libpq knows (sslmode, service, ...); Django-only options (pool, isolation_level) are left."""
    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
    }
    params |= {k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in LIBPQ_ENV}
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    return dict(os.environ) | {LIBPQ_ENV[k]: v for k, v in libpq_params(settings_dict).items()}


def _sqlite_timeout(settings_dict: dict[str, Any]) -> float:
    return float((settings_dict.get("OPTIONS") or {}).get("timeout", 20))


def _sqlite_backup(source, target, settings_dict: dict[str, Any]) -> None:
    """``source.backup(target)`` in one step, given up after the database's lock timeout: Python
    retries a locked database forever, and a cron job must fail instead of hanging."""
    seconds = _sqlite_timeout(settings_dict)
    deadline = time.monotonic() + seconds

    def give_up_when_locked(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(_(ERR_SQLITE_LOCKED) % {"seconds": f"{seconds:g}"})

    source.backup(target, progress=give_up_when_locked, sleep=0.1)


def _fail(tool: str, code: int, stderr: bytes) -> None:
    detail = stderr.decode(errors="replace").strip()
    raise BackupError(_(ERR_TOOL_FAILED) % {"tool": tool, "code": code, "detail": detail})
