"""Time the annual scoring against the floor: one hand-written GROUP BY over the same rows.

Builds ``--deputies`` x ``--entries`` ledger rows with INSERT ... SELECT generate_series in a
transaction that is rolled back at the end, so the database is left as it was. PostgreSQL only.
"""

import statistics
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from deputies.models import Constituency, Deputy, Term
from performance.models import Assessment, LedgerEntry, Rule
from performance.scoring import assessment_compute
from performance.services import rule_set_load_defaults

YEAR = 2090
FLOOR_SQL = """
SELECT e.deputy_id, SUM(r.points)
FROM performance_ledgerentry e JOIN performance_rule r ON r.id = e.rule_id
WHERE e.status = 'verified' AND r.rule_set_id = %s
GROUP BY e.deputy_id
"""


class _Rollback(Exception):
    pass


def _copy_sql(model, varying: dict[str, str], source: str, where: str = "") -> str:
    """``INSERT … SELECT`` copies of the template row, the ``varying`` columns computed from
    ``source``. Parameters in order: the varying columns', ``source``'s, the template's id,
    ``where``'s."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [varying.get(column, f"t.{column}") for column in columns]
    condition = f" AND {where}" if where else ""
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {table} t CROSS JOIN {source} WHERE t.id = %s{condition}"
    )


class Command(BaseCommand):
    help = "基准测试：年度积分计算与一条手写 GROUP BY 的耗时之比（仅 PostgreSQL，测试数据会回滚）。"

    def add_arguments(self, parser):
        parser.add_argument("--deputies", type=int, default=10_000)
        parser.add_argument("--entries", type=int, default=100, help="每名代表的履职记录数")
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--no-half", action="store_true", help="不再以一半规模运行")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_scoring 需要 PostgreSQL（设置 DATABASE_URL）。")
        sizes = [options["deputies"]]
        if not options["no_half"]:
            sizes.insert(0, options["deputies"] // 2)
        results = []
        for size in sizes:
            results.append(self._run(size, options["entries"], options["repeat"]))
        self.stdout.write("")
        self.stdout.write(
            f"{'deputies':>9} {'rows':>10} {'floor s':>9} {'score s':>9} {'ratio':>6} "
            f"{'rescore s':>10} {'build s':>8}"
        )
        for r in results:
            self.stdout.write(
                f"{r['deputies']:>9} {r['rows']:>10} {r['floor']:>9.3f} {r['score']:>9.3f} "
                f"{r['score'] / r['floor']:>6.2f} {r['rescore']:>10.3f} {r['build']:>8.1f}"
            )
        if len(results) == 2:
            small, big = results
            self.stdout.write(
                f"growth x{big['rows'] / small['rows']:.1f} rows: floor x"
                f"{big['floor'] / small['floor']:.2f}, scoring x{big['score'] / small['score']:.2f}"
            )

    def _run(self, deputies: int, entries: int, repeat: int) -> dict:
        result: dict = {"deputies": deputies}
        try:
            with transaction.atomic():
                started = time.perf_counter()
                rule_set = self._build(deputies, entries)
                result["build"] = time.perf_counter() - started
                result["rows"] = LedgerEntry.objects.filter(rule__rule_set=rule_set).count()
                floors, scores, rescores = [], [], []
                for _i in range(repeat):
                    floors.append(self._time(lambda: self._floor(rule_set.pk)))
                    Assessment.objects.filter(rule_set=rule_set).delete()
                    scores.append(self._time(lambda: assessment_compute(year=YEAR)))
                    rescores.append(self._time(lambda: assessment_compute(year=YEAR)))
                assert Assessment.objects.filter(rule_set=rule_set).count() == deputies
                result["floor"] = statistics.median(floors)
                result["score"] = statistics.median(scores)
                result["rescore"] = statistics.median(rescores)
                self.stdout.write(
                    f"{deputies} deputies x {entries}: floor {result['floor']:.3f}s, "
                    f"scoring {result['score']:.3f}s, ratio {result['score'] / result['floor']:.2f}"
                )
                raise _Rollback
        except _Rollback:
            pass
        # The rolled-back rows stay in the heap as dead tuples until vacuumed; without this the
        # next (larger) size would also scan the previous size's leftovers.
        with connection.cursor() as cursor:
            for model in (LedgerEntry, Deputy, Assessment):
                cursor.execute(f"VACUUM {model._meta.db_table}")
        return result

    @staticmethod
    def _time(fn) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    @staticmethod
    def _floor(rule_set_id: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [rule_set_id])
            return len(cursor.fetchall())

    def _build(self, deputies: int, entries: int):
        """One deputy and one ledger entry made through the ORM, then copied in SQL: every
        column a later migration adds gets the template's value, so the bench keeps working as
        the models grow (a hand-listed INSERT broke on the first new NOT NULL column)."""
        rule_set = rule_set_load_defaults(year=YEAR)
        term = Term.objects.create(
            number=9000 + deputies % 1000,
            start_date=date(YEAR, 1, 1),
            end_date=date(YEAR + 4, 12, 31),
        )
        constituency = Constituency.objects.create(name=f"基准测试选区{deputies}")
        rule_ids = list(Rule.objects.filter(rule_set=rule_set).values_list("pk", flat=True))
        template = Deputy.objects.create(
            code="BENCH0",
            name="代表0",
            gender="M",
            ethnicity="汉族",
            mobile="1" + "0" * 10,
            level="street",
            constituency=constituency,
            term=term,
        )
        entry = LedgerEntry.objects.create(
            deputy=template, rule_id=rule_ids[0], occurred_on=date(YEAR, 1, 1), title="基准测试"
        )
        d, e = Deputy._meta.db_table, LedgerEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                _copy_sql(
                    Deputy,
                    {
                        "code": "'BENCH' || g",
                        "name": "'代表' || g",
                        "mobile": "'1' || lpad(g::text, 10, '0')",
                        "created_at": "now()",
                        "updated_at": "now()",
                    },
                    "generate_series(1, %s) g",
                ),
                [deputies - 1, template.pk],
            )
            cursor.execute(
                _copy_sql(
                    LedgerEntry,
                    {
                        "deputy_id": "dep.id",
                        "rule_id": "(%s::bigint[])[1 + (dep.id + g) %% %s]",
                        "occurred_on": "%s::date + ((dep.id * 7 + g * 3) %% 365)::int",
                        "status": "CASE WHEN g %% 10 = 0 THEN 'pending' ELSE 'verified' END",
                        "reviewed_at": "now()",
                        "created_at": "now()",
                    },
                    f"{d} dep CROSS JOIN generate_series(1, %s) g",
                    where="dep.term_id = %s",
                ),
                [rule_ids, len(rule_ids), date(YEAR, 1, 1), entries, entry.pk, term.pk],
            )
            cursor.execute(f"DELETE FROM {e} WHERE id = %s", [entry.pk])
            cursor.execute(f"ANALYZE {d}")
            cursor.execute(f"ANALYZE {e}")
        return rule_set
