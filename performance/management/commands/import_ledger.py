from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from performance.importer import ledger_import


class Command(BaseCommand):
    help = (
        "从 .xlsx/.csv 导入履职台账（代表编号、日期、规则编号、事项），作为已核实记录；"
        "任何一行有误则全部不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"找不到文件 {path}。")
        result = ledger_import(source=path, filename=path.name)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"导入失败：{len(result.errors)} 处错误，未导入任何记录。")
        self.stdout.write(self.style.SUCCESS(f"已导入 {result.created} 条履职记录。"))
