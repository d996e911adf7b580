"""Time the suggestion statistics and the unit scores against their floors, side by side.

The floor of each is one hand-written single-pass GROUP BY over the same rows, returning what
the page needs (the counts per lead unit, category and days to the first reply; the unit
averages). Uses the data already in the database (``generate_scale_data`` builds it), so the
figures are those of the pages. PostgreSQL only.
"""

import statistics
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count

from core import clock
from suggestions.models import CONCLUDED_STATES, Suggestion
from suggestions.scoring import unit_scores
from suggestions.statistics import suggestion_statistics

STATS_FLOOR_SQL = """
SELECT lead_unit_id, category_id,
       CASE WHEN first_replied_on <= %(as_of)s AND assigned_on IS NOT NULL
            THEN first_reply_days END AS days,
       COUNT(*),
       COUNT(*) FILTER (WHERE status = ANY(%(concluded)s) AND concluded_on <= %(as_of)s),
       COUNT(*) FILTER (WHERE latest_evaluated_on <= %(as_of)s),
       COUNT(*) FILTER (WHERE latest_evaluated_on <= %(as_of)s AND latest_verdict = 'satisfied'),
       COUNT(*) FILTER (WHERE CASE
           WHEN first_replied_on <= %(as_of)s
           THEN first_replied_on > COALESCE(first_reply_deadline, reply_deadline)
           ELSE COALESCE(first_reply_deadline, reply_deadline) < %(as_of)s END)
FROM suggestions_suggestion
WHERE year = %(year)s AND registered_on <= %(as_of)s
GROUP BY 1, 2, 3
"""
SCORES_FLOOR_SQL = """
SELECT s.lead_unit_id, COUNT(*), AVG(s.latest_implementation_score), AVG(r.benefit)
FROM suggestions_suggestion s
LEFT JOIN (SELECT suggestion_id, AVG(score) AS benefit FROM suggestions_publicrating
           GROUP BY suggestion_id) r ON r.suggestion_id = s.id
WHERE s.status = ANY(%(concluded)s) AND s.concluded_on >= %(start)s AND s.concluded_on < %(end)s
  AND s.lead_unit_id IS NOT NULL
GROUP BY 1
"""


class Command(BaseCommand):
    help = (
        "基准测试：议案建议统计与承办单位得分各自与一条手写 GROUP BY 的耗时之比"
        "（仅 PostgreSQL，使用库中现有数据，可先运行 generate_scale_data）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="立案/办结年度，默认数据最多的年度。")
        parser.add_argument("--as-of", dest="as_of", help="统计截至日期 YYYY-MM-DD，默认今天。")
        parser.add_argument("--repeat", type=int, default=7)

    def handle(self, *args, year, as_of, repeat, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_statistics 需要 PostgreSQL（设置 DATABASE_URL）。")
        as_of_date = date.fromisoformat(as_of) if as_of else clock.today()
        if year is None:
            busiest = (
                Suggestion.objects.filter(year__isnull=False)
                .values("year")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .first()
            )
            if busiest is None:
                raise CommandError("库中没有已立案的议案建议：请先运行 generate_scale_data。")
            year = busiest["year"]
        concluded = [str(s) for s in CONCLUDED_STATES]
        stats_args = {"year": year, "as_of": as_of_date, "concluded": concluded}
        scores_args = {
            "concluded": concluded,
            "start": date(year, 1, 1),
            "end": date(year + 1, 1, 1),
        }
        rows = Suggestion.objects.filter(year=year, registered_on__lte=as_of_date).count()
        self.stdout.write(f"year {year}, as of {as_of_date}: {rows} registered suggestions")
        timings = {name: [] for name in ("stats floor", "stats", "scores floor", "scores")}
        # Interleaved so that a busy moment of the machine weighs on both sides alike.
        for _i in range(repeat):
            timings["stats floor"].append(
                self._time(lambda: self._sql(STATS_FLOOR_SQL, stats_args))
            )
            timings["stats"].append(
                self._time(lambda: suggestion_statistics(year=year, as_of=as_of_date))
            )
            timings["scores floor"].append(
                self._time(lambda: self._sql(SCORES_FLOOR_SQL, scores_args))
            )
            timings["scores"].append(self._time(lambda: unit_scores(year)))
        median = {name: statistics.median(values) for name, values in timings.items()}
        self.stdout.write(f"{'computation':<12} {'floor ms':>9} {'ours ms':>9} {'ratio':>6}")
        for name in ("stats", "scores"):
            floor, ours = median[f"{name} floor"], median[name]
            self.stdout.write(
                f"{name:<12} {floor * 1000:>9.1f} {ours * 1000:>9.1f} {ours / floor:>6.2f}"
            )

    @staticmethod
    def _time(fn) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    @staticmethod
    def _sql(sql: str, params: dict) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())
