from django.core.management.base import BaseCommand, CommandError

from suggestions.importer import suggestions_import


class Command(BaseCommand):
    help = "从 .xlsx/.csv 导入已有的议案建议台账；任何一行出错时整份文件都不导入。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="自动创建表格中出现但系统里没有的类别和承办单位。",
        )

    def handle(self, *args, path, create_missing, **options):
        result = suggestions_import(source=path, filename=path, create_missing=create_missing)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(f"导入失败：{len(result.errors)} 处错误，未导入任何数据。")
        self.stdout.write(self.style.SUCCESS(f"已导入 {result.created} 件议案建议。"))
