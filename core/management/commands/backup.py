from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_run


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）和上传文件，"
        "写成一个带日期的 .tar.gz（默认目录为设置 LVZHI_BACKUP_DIR）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="备份目录（默认 LVZHI_BACKUP_DIR）")

    def handle(self, *args, output=None, **options):
        try:
            result = backup_run(output_dir=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = result.manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份：{result.path}（{result.size / 1_048_576:.1f} MB，"
                f"数据库 {result.manifest['vendor']}，上传文件 {len(media)} 个）"
            )
        )
