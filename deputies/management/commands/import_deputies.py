from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.services import deputies_import


class Command(BaseCommand):
    help = (
        "从 .csv/.xlsx 导入代表名册（全部成功才写入）。必需列：code,name,gender,level,"
        "constituency,phone（或 代表编号/姓名/性别/层级/选区/手机）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="名册文件路径（.csv 或 .xlsx）")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        result = deputies_import(source=file, filename=file.name)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"导入失败：{len(result.errors)} 处错误，未导入任何记录。")
        self.stdout.write(
            self.style.SUCCESS(f"导入成功：新增 {result.created} 名，更新 {result.updated} 名。")
        )
