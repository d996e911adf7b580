import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_read_manifest, restore_run

REFUSED_NO_TTY = "恢复会覆盖当前数据库和全部上传文件。非交互运行时请加 --yes 确认。"
CANCELLED = "已取消，没有做任何改动。"


class Command(BaseCommand):
    help = (
        "从 backup 生成的备份恢复数据库和上传文件，覆盖当前内容。恢复前请停止 web、worker 和 beat。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="备份文件（lvzhi-backup-*.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args, archive, yes=False, **options):
        if not archive.is_file():
            raise CommandError(f"找不到备份文件 {archive}。")
        try:
            manifest = backup_read_manifest(archive)
            if not yes:
                self._confirm(archive, manifest)
            result = restore_run(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"已从 {archive.name} 恢复，用时 {result.seconds:.1f} 秒。")
        )
        if result.migrate_needed:
            self.stdout.write(
                self.style.WARNING(
                    "备份早于当前代码，请运行 python manage.py migrate（涉及："
                    + "、".join(result.migrate_needed)
                    + "）。"
                )
            )

    def _confirm(self, archive: Path, manifest: dict) -> None:
        """Restoring destroys today's data: ask a person, and refuse a cron job or a pipe."""
        if not sys.stdin.isatty():
            raise CommandError(REFUSED_NO_TTY)
        self.stdout.write(
            f"备份 {archive.name}：生成于 {manifest['created_at']}，"
            f"数据库 {manifest['vendor']}，上传文件 {len(manifest['media'])} 个。"
        )
        self.stdout.write("恢复会覆盖当前数据库和全部上传文件，且不能撤销。")
        if input("输入 yes 继续，其他任何输入取消：").strip().lower() != "yes":
            raise CommandError(CANCELLED)
