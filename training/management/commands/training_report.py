"""``training_report --year Y [--format csv|xlsx] --output FILE``: each serving deputy's
learning hours of the year by track, in total, and the courses they attended."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.privacy import export_record
from training.reports import FORMATS, report_format, report_year, training_report_write
from training.services import TrainingError

ERR_NO_FOLDER = gettext_noop("输出目录不存在：%(path)s")
ERR_UNWRITABLE = gettext_noop("无法写入 %(path)s（没有写入权限，或该路径是一个目录）。")
DONE = gettext_noop("%(year)d 年度培训学时共 %(n)d 名代表，已写入 %(path)s。")


class Command(BaseCommand):
    help = (
        "导出某年度每位在任代表的培训学时（按基础履职、专题提升、实践攻坚分列及合计）"
        "和参加课程数，为 CSV 或 Excel；格式默认按输出文件的扩展名。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="年度，例如 2026。")
        parser.add_argument(
            "--format", choices=FORMATS, help="csv 或 xlsx；默认按输出文件的扩展名。"
        )
        parser.add_argument("--output", required=True, help="输出文件路径。")

    def handle(self, *args, year: str, output: str, format: str | None = None, **options):
        try:
            year_number = report_year(year)
            fmt = report_format(format, output)
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_(ERR_NO_FOLDER) % {"path": path.parent})
        try:
            with path.open("wb") as target:
                count = training_report_write(year=year_number, fmt=fmt, target=target)
        except OSError as exc:
            raise CommandError(_(ERR_UNWRITABLE) % {"path": output}) from exc
        export_record(
            actor=None,
            export="training.report_export",
            count=count,
            filters={"year": year_number, "format": fmt, "output": str(path)[:200]},
        )
        self.stdout.write(
            self.style.SUCCESS(_(DONE) % {"year": year_number, "n": count, "path": path})
        )
