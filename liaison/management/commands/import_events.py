from core.import_command import ImportCommand
from liaison.importer import EventImporter


class Command(ImportCommand):
    help = (
        "从 .xlsx/.csv 导入 12345 热线、网格等外部民情事件（日期、来源、类别、社区、摘要），"
        "计入民意指数；任何一行出错时整份文件都不导入（--dry-run 只检查，不写入）。"
    )
    importer_class = EventImporter

    def add_import_arguments(self, parser):
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="自动创建表格中出现但系统里没有的类别和社区。",
        )

    def importer_options(self, options):
        return {"create_missing": options["create_missing"]}
