from django.core.management.base import BaseCommand, CommandError

from core import clock
from performance.scoring import ScoringError, assessment_compute


class Command(BaseCommand):
    help = "重新计算某年度的履职考核（已封存的年度会被拒绝）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=clock.today().year)

    def handle(self, *args, **options):
        try:
            result = assessment_compute(year=options["year"])
        except ScoringError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.year} 年度：{result.assessed} 人参评，{result.changed} 条更新，"
                f"{result.removed} 条移除。"
            )
        )
