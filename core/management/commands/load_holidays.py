from django.core.management.base import BaseCommand

from core.workdays import calendar_load_from_package


class Command(BaseCommand):
    help = "从 chinesecalendar 包补充法定节假日和调休（不覆盖工作人员已录入的日期）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="只补充指定年份，可重复")

    def handle(self, *args, year=None, **options):
        added = calendar_load_from_package(years=year)
        self.stdout.write(self.style.SUCCESS(f"已补充 {added} 天。"))
