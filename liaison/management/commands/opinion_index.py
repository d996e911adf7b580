"""``opinion_index --week 2026-W48 --output FILE``: the week's public-opinion index as a sheet
(``--output -`` writes CSV to standard output), under the title line every export has (the
committee, the week, when it was generated)."""

import codecs
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.tabular import Sheet, csv_chunks, title_line, write_csv, write_xlsx
from liaison.selectors_index import (
    EXPORT_HEADERS,
    WeekError,
    current_week,
    index_export_rows,
    week_label,
    week_parse,
)

FORMATS = ("csv", "xlsx")


class Command(BaseCommand):
    help = (
        "导出某一 ISO 周的民意指数：每个（社区、类别）一行，含本周件数、前 8 周周均、倍数和"
        "是否预警。--week 默认本周；--output - 输出 CSV 到标准输出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO 周，例如 2026-W48；默认本周。")
        parser.add_argument(
            "--format", choices=FORMATS, help="csv 或 xlsx；默认按输出文件的扩展名，否则 csv。"
        )
        parser.add_argument("--output", required=True, help="输出文件；“-”表示标准输出（CSV）。")

    def handle(self, *args, week=None, format=None, output: str, **options):
        try:
            monday = week_parse(week) if week is not None else current_week()
        except WeekError as exc:
            raise CommandError(str(exc)) from exc
        fmt = format or ("xlsx" if output.lower().endswith(".xlsx") else "csv")
        rows = index_export_rows(week=monday)
        title = week_label(monday)
        caption = title_line(_("%(week)s 民意指数") % {"week": title})
        if output == "-":
            if fmt != "csv":
                raise CommandError(_("xlsx 文件不能输出到标准输出，请用 --output 指定文件名。"))
            for chunk in csv_chunks(EXPORT_HEADERS, rows, caption=caption):
                if chunk != codecs.BOM_UTF8:
                    self.stdout.write(chunk.decode("utf-8"), ending="")
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_("输出目录不存在：%(path)s") % {"path": path.parent})
        if fmt == "csv":
            with path.open("wb") as target:
                count = write_csv(target, EXPORT_HEADERS, rows, caption=caption)
        else:
            sheet = Sheet(title, EXPORT_HEADERS, rows, caption=caption)
            count = write_xlsx(path, [sheet])[0]
        self.stdout.write(
            self.style.SUCCESS(
                _("%(week)s 民意指数共 %(n)d 行，已写入 %(path)s")
                % {"week": week_label(monday), "n": count, "path": path}
            )
        )
