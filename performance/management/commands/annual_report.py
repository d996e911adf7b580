from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import clock
from core.privacy import export_record
from performance.report import FORMATS, ReportError, annual_report_build, write_report
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
        # Written row by row straight into the file: memory stays flat however many deputies.
        with output.open("wb") as target:
            write_report(report, options["format"], target)
        export_record(  # named deputies' grades and the exit list: the file is recorded
            actor=None,
            export="performance.annual_report_export",
            count=report.deputies,
            filters={"year": options["year"], "format": options["format"], "output": str(output)},
        )
        self.stdout.write(self.style.SUCCESS(f"已生成 {output}（{report.deputies} 名代表）。"))
