"""Locks that make a recomputation safe to run twice at once (two workers, a retry beside a
late run, staff pressing the button while the nightly job runs)."""

import zlib

from django.db import connection


def job_lock(name: str, key: int = 0) -> None:
    """Wait until no other transaction holds the lock ``(name, key)``, then hold it until this
    transaction ends. Call it first inside the ``transaction.atomic`` block of the job, so the
    second of two runs reads what the first wrote instead of writing the same rows again.

    On PostgreSQL this is a transaction-level advisory lock (nothing to release, gone with the
    transaction even if the process dies). SQLite needs none: the project opens its
    transactions IMMEDIATE, so writers already run one at a time.
    """
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("job_lock() holds until the transaction ends: call it in atomic()")
    with connection.cursor() as cursor:
        # Two 32-bit keys: the job (a stable CRC of its name, signed) and e.g. the year.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [zlib.crc32(name.encode()) - 2**31, key],
        )
