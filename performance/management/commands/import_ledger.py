from core.import_command import ImportCommand
from performance.importer import LedgerImporter


class Command(ImportCommand):
    help = (
        "从 .xlsx/.csv 导入履职台账（代表编号、日期、规则编号、事项），作为已核实记录；"
        "任何一行有误则全部不导入（--dry-run 只检查）。"
    )
    importer_class = LedgerImporter
