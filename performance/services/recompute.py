"""Queue the year's score recompute once the writes that changed it are committed."""

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def recompute_on_commit(years: Iterable[int]) -> None:
    """Queue one recompute per year after the commit, however many writes asked for it."""
    from django.db import connection

    from ..tasks import recompute_assessment

    queued = {getattr(fn, "performance_year", None) for _sp, fn, *_rest in connection.run_on_commit}
    for year in set(years) - queued:

        def run(year=year):
            try:
                recompute_assessment.delay(year)
            except Exception:  # broker down: the nightly recompute catches up
                logger.exception("performance: could not queue the %s recompute", year)

        run.performance_year = year
        transaction.on_commit(run)
