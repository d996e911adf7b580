from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import clock
from performance.report import FORMATS, ReportError, annual_report_build, report_bytes
from performance.scoring import ScoringError


class Command(BaseCommand):
    help = "生成年度履职考核报告（排名表；xlsx/pdf 另含等次分布、连任推荐和劝辞名单）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=clock.today().year)
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("--output", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        try:
            report = annual_report_build(year=options["year"])
        except (ReportError, ScoringError) as exc:
            raise CommandError(str(exc)) from exc
        output = Path(options["output"])
        output.write_bytes(report_bytes(report, options["format"]))
        self.stdout.write(self.style.SUCCESS(f"已生成 {output}（{len(report.rows)} 名代表）。"))
