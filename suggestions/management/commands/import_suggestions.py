from core.import_command import ImportCommand
from suggestions.importer import SuggestionImporter


class Command(ImportCommand):
    help = (
        "从 .xlsx/.csv 导入已有的议案建议台账；任何一行出错时整份文件都不导入"
        "（--dry-run 只检查，不写入）。"
    )
    importer_class = SuggestionImporter

    def add_import_arguments(self, parser):
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="自动创建表格中出现但系统里没有的类别和承办单位。",
        )

    def importer_options(self, options):
        return {"create_missing": options["create_missing"]}
