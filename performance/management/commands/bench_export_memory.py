"""Peak memory of the exports at two sizes: issue 8 asks that it not grow with the rows.

Builds (bulk insert, into the database of ``DATABASE_URL``: use a database of its own, never
the shared scale one) ``--sizes`` deputies with three years of assessments each (a tenth of
them excellent every year, so the re-election list grows with the roster; no ledger, so every
deputy is on the exit list: the longest report there can be), then runs each export in a child
process of its own and reads that child's peak resident memory (``VmHWM``, else
``ru_maxrss``) and, with ``--tracemalloc``, the peak of Python allocations. Each export
writes to a temporary file or drains the streamed response, as a download would.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lvzhi_exp \\
        python manage.py bench_export_memory --sizes 10000 100000
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core import clock

EXPORTS = [
    "annual_report.csv",
    "annual_report.xlsx",
    "annual_report.pdf",
    "admin_roster.csv",
    "admin_roster.xlsx",
]
BATCH = 5000
CODE_PREFIX = "X"  # bench deputies: X000001...
LIMIT_MB = 50


class Command(BaseCommand):
    help = "测量导出（年度考核报告 csv/xlsx/pdf、后台代表名册导出）在两种规模下的峰值内存。"

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
        parser.add_argument("--exports", nargs="+", choices=EXPORTS, default=EXPORTS)
        parser.add_argument("--tracemalloc", action="store_true", help="同时记录 Python 分配峰值")
        parser.add_argument("--child", choices=EXPORTS, help=argparse.SUPPRESS)
        parser.add_argument("--year", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, sizes, exports, tracemalloc: bool, child, year, **options):
        if child:
            self._child(child, year, tracemalloc)
            return
        if connection.vendor != "postgresql":
            raise CommandError("请在 PostgreSQL 上测量（DATABASE_URL 指向一个专用数据库）。")
        if settings.DATABASES["default"]["NAME"] == "lvzhi_scale":
            raise CommandError("不要写入共享的 lvzhi_scale：先 createdb -T lvzhi_scale 复制一份。")
        year = clock.today().year
        results: dict[str, dict[int, dict]] = {name: {} for name in exports}
        for size in sorted(sizes):
            started = time.monotonic()
            _populate(size, year)
            self.stdout.write(f"{size} 名代表（{time.monotonic() - started:.0f} 秒建数据）")
            for name in exports:
                results[name][size] = measured = self._run_child(name, year, tracemalloc)
                self.stdout.write(
                    f"  {name:<20} 峰值 {measured['maxrss_mb']:7.1f} MB"
                    + (
                        f"（Python 分配 {measured['traced_peak_mb']:.1f} MB）"
                        if tracemalloc
                        else ""
                    )
                    + f"  {measured['seconds']:6.1f} 秒  {measured['bytes'] / 1e6:7.1f} MB 文件"
                )
        self._summary(results, sorted(sizes))

    def _summary(self, results, sizes):
        if len(sizes) < 2:
            return
        small, large = sizes[0], sizes[-1]
        self.stdout.write(f"\n| 导出 | {small} 名 | {large} 名 | 差 |")
        self.stdout.write("|---|---:|---:|---:|")
        worst = 0.0
        for name, by_size in results.items():
            growth = by_size[large]["maxrss_mb"] - by_size[small]["maxrss_mb"]
            worst = max(worst, growth)
            self.stdout.write(
                f"| {name} | {by_size[small]['maxrss_mb']:.1f} MB | "
                f"{by_size[large]['maxrss_mb']:.1f} MB | {growth:+.1f} MB |"
            )
        verdict = "达标" if worst < LIMIT_MB else "超标"
        self.stdout.write(f"\n最大增长 {worst:.1f} MB（上限 {LIMIT_MB} MB）：{verdict}")

    def _run_child(self, name: str, year: int, traced: bool) -> dict:
        command = [sys.executable, "manage.py", "bench_export_memory", "--child", name]
        command += ["--year", str(year)] + (["--tracemalloc"] if traced else [])
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False
        )
        if done.returncode:
            raise CommandError(f"{name} 失败：\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _child(self, name: str, year: int, traced: bool) -> None:
        if traced:
            tracemalloc.start()
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as folder:
            written = _export(name, year, Path(folder))
        result = {
            "export": name,
            "seconds": time.monotonic() - started,
            "bytes": written,
            "maxrss_mb": _peak_rss_mb(),
        }
        if traced:
            result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        self.stdout.write(json.dumps(result))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` belongs to the address space, which
    ``exec`` replaces; ``ru_maxrss`` would carry over the parent's peak into the child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _export(name: str, year: int, folder: Path) -> int:
    """Run one export as its user would and return the bytes it produced."""
    kind, fmt = name.split(".")
    if kind == "annual_report":
        from django.core.management import call_command

        path = folder / f"report.{fmt}"
        call_command("annual_report", "--year", str(year), "--format", fmt, "--output", str(path))
        return path.stat().st_size
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from accounts.models import User
    from deputies.models import Deputy

    request = RequestFactory().post("/admin/deputies/deputy/")
    request.user = User(is_staff=True, is_superuser=True)
    model_admin = site._registry[Deputy]
    action = model_admin.export_csv if fmt == "csv" else model_admin.export_xlsx
    response = action(request, Deputy.objects.all())
    written = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return written


def _populate(size: int, year: int) -> None:
    """Top the bench deputies up to ``size``, each with assessments in ``year`` and the two
    years before (rule sets frozen, so the report reads them as they are)."""
    from deputies.models import Constituency, Deputy, Level, Term
    from performance.models import (
        Assessment,
        ConsequenceDecision,
        ConsequenceKind,
        Decision,
        RuleSet,
    )
    from performance.services import rule_set_load_defaults

    years = [year - 2, year - 1, year]
    with transaction.atomic():
        term = Term.objects.order_by("-number").first() or Term.objects.create(
            number=1, start_date=date(year - 3, 1, 1), end_date=date(year + 2, 12, 31)
        )
        constituency, _created = Constituency.objects.get_or_create(name="基准测试选区")
        rule_sets = {y: rule_set_load_defaults(year=y) for y in years}
        RuleSet.objects.filter(year__in=years).update(frozen=True, frozen_at=clock.now())
        have = Deputy.objects.filter(code__startswith=CODE_PREFIX).count()
        levels = list(Level.values)
        now = clock.now()
        for start in range(have, size, BATCH):
            deputies = Deputy.objects.bulk_create(
                [
                    Deputy(
                        code=f"{CODE_PREFIX}{i:06d}",
                        name=f"代表{i:06d}",
                        gender="M" if i % 2 else "F",
                        mobile=f"139{i:08d}",
                        level=levels[i % len(levels)],
                        constituency=constituency,
                        term=term,
                    )
                    for i in range(start, min(size, start + BATCH))
                ]
            )
            assessments, decisions = [], []
            for deputy in deputies:
                i = int(deputy.code[1:])
                for y in years:
                    grade, total = _grade(i, y)
                    assessments.append(
                        Assessment(
                            rule_set=rule_sets[y],
                            deputy=deputy,
                            base=min(total, Decimal("60")),
                            innovation=Decimal("0"),
                            contribution=max(total - Decimal("60"), Decimal("0")),
                            total=total,
                            rank=i + 1,
                            assessed_count=size,
                            grade=grade,
                            level=deputy.level,
                            computed_at=now,
                        )
                    )
                if i % 50 == 0:
                    decisions.append(
                        ConsequenceDecision(
                            deputy=deputy,
                            year=year,
                            kind=ConsequenceKind.EXIT,
                            decision=Decision.TALKED,
                            decided_on=clock.today(),
                        )
                    )
            Assessment.objects.bulk_create(assessments, batch_size=BATCH)
            ConsequenceDecision.objects.bulk_create(decisions, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _grade(index: int, year: int) -> tuple[str, Decimal]:
    from performance.models import Grade

    if index % 10 == 0:
        return Grade.EXCELLENT, Decimal("90.0")
    if index % 7 == 0:
        return Grade.INCOMPETENT, Decimal("40.0")
    return (
        (Grade.COMPETENT, Decimal("75.0"))
        if (index + year) % 3
        else (
            Grade.BASIC,
            Decimal("65.0"),
        )
    )
