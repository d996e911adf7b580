from core.import_command import ImportCommand
from deputies.importer import RosterImporter


class Command(ImportCommand):
    help = (
        "从 .csv/.xlsx 导入代表名册（全部成功才写入；--dry-run 只检查）。必需列：code,name,gender,"
        "level,constituency,phone（或 代表编号/姓名/性别/层级/选区/手机）。"
    )
    importer_class = RosterImporter
