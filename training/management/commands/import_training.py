from core.import_command import ImportCommand
from training.importer import AttendanceImporter


class Command(ImportCommand):
    help = (
        "从 .xlsx/.csv 导入培训出勤（代表编号、课程、类别、形式、日期、学时），每行一次到课；"
        "课次和报名按需补建，随后结业并记入 B05。任何一行出错时整份文件都不导入"
        "（--dry-run 只检查，不写入）。"
    )
    importer_class = AttendanceImporter

    def add_import_arguments(self, parser):
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="自动创建表格中出现但系统里没有的课程（按日期所在年度，未发布）。",
        )

    def importer_options(self, options):
        return {"create_missing": options["create_missing"]}
