from datetime import date

from django.core.management.base import BaseCommand, CommandError

from core import clock
from core.tabular import write_table
from suggestions.statistics import REPORT_HEADERS, report_rows, suggestion_statistics


class Command(BaseCommand):
    help = "按立案年度输出议案建议统计（合计、各主办单位、各类别）为 CSV 或 Excel。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of", help="统计截至日期 YYYY-MM-DD，默认今天。")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
        parser.add_argument("--output", required=True)

    def handle(self, *args, year, as_of, format, output, **options):
        try:
            as_of_date = date.fromisoformat(as_of) if as_of else clock.today()
        except ValueError as exc:
            raise CommandError("--as-of 应为 YYYY-MM-DD。") from exc
        if not output.lower().endswith(f".{format}"):
            raise CommandError(f"--output 的扩展名应为 .{format}。")
        rows = suggestion_statistics(year=year, as_of=as_of_date)
        write_table(output, REPORT_HEADERS, report_rows(rows), title=f"{year}年议案建议统计")
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}（{len(rows)} 行）。"))
