import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core import clock
from core.scale import ScaleContext, run_scale_generators, scale_models


class Command(BaseCommand):
    help = (
        "生成规模测试数据（代表、履职记录、议案建议，覆盖今年和前两年），可在演示数据之上追加；"
        "同一 --seed 生成相同的数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--deputies", type=int, required=True, help="新增代表人数")
        parser.add_argument(
            "--entries-per-deputy", type=int, required=True, help="每名代表的履职记录条数"
        )
        parser.add_argument("--suggestions", type=int, required=True, help="议案建议件数")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")

    def handle(self, *args, **options):
        sizes = {k: options[k] for k in ("deputies", "entries_per_deputy", "suggestions")}
        if any(value < 0 for value in sizes.values()):
            raise CommandError("人数、条数和件数不能为负数。")
        context = ScaleContext(seed=options["seed"], today=clock.today(), **sizes)
        models = scale_models()
        before = {m: m.objects.count() for m in models}
        started = time.monotonic()
        with transaction.atomic():
            run_scale_generators(context, progress=self.stdout.write)
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner (and a benchmark run next) sees the new sizes
            # instead of waiting for autovacuum.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"规模数据已生成，用时 {elapsed:.1f} 秒。"))
        self.stdout.write(f"{'model':<36} {'added':>9} {'total':>9}")
        for model in models:
            total = model.objects.count()
            if total or before[model]:
                label = model._meta.label
                self.stdout.write(f"{label:<36} {total - before[model]:>9} {total:>9}")
        for year, assessed in sorted(context.data.get("assessed", {}).items()):
            self.stdout.write(f"{year} 年度考核：{assessed} 人参评")
