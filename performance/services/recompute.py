"""Queue the year's score recompute once the writes that changed it are committed.

A bulk action may write hundreds of entries in one transaction; the year is recomputed once
after the commit, not once per write. Each write registers a small ``on_commit`` callback
tied to a per-thread, per-database batch; when the commit runs the callbacks, the first one
for a year queues the task and the rest see the year already in the batch. The batch is
marked flushed as soon as its callbacks run, so the next transaction starts a new one.

No private Django state is read. A rolled-back transaction discards its callbacks and leaves
its batch unflushed; the next transaction simply reuses that batch, which is harmless because
a batch only records years when callbacks actually run (at a commit). Even a duplicate would
do no harm: the task is idempotent (a second run writes nothing).
"""

import logging
import threading
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)


class _Batch:
    """The years queued by one commit's callbacks."""

    def __init__(self) -> None:
        self.queued: set[int] = set()
        self.flushed = False


_local = threading.local()


def _current_batch(using: str) -> _Batch:
    batches: dict[str, _Batch] = _local.__dict__.setdefault("batches", {})
    batch = batches.get(using)
    if batch is None or batch.flushed:
        batch = batches[using] = _Batch()
    return batch


def _queue(year: int) -> None:
    # Imported here: the tasks import the reminders, which import these services.
    from ..tasks import recompute_assessment

    try:
        recompute_assessment.delay(year)
    except Exception:  # broker down: the nightly recompute catches up
        logger.exception("performance: could not queue the %s recompute", year)


def recompute_on_commit(years: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue one recompute per year after the commit, however many writes asked for it."""
    batch = _current_batch(using)
    for year in sorted(set(years)):

        def run(year: int = year) -> None:
            batch.flushed = True
            if year in batch.queued:
                return
            batch.queued.add(year)
            _queue(year)

        run.performance_year = year
        transaction.on_commit(run, using=using)
