"""The ``import_*`` management commands, once (see ``core.importing``).

A command is ``class Command(ImportCommand)`` with ``importer_class`` and ``help``; options of
its own are added in ``add_import_arguments`` and handed to the importer by
``importer_options``. Every command takes the file's ``path`` and ``--dry-run``, prints every
file or row error and raises ``CommandError`` when the file is refused, and prints what was
imported (or, in a dry run, what would be) when it is not.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .importing import Importer

ERR_NO_FILE = gettext_noop("找不到文件：%(path)s")
ERR_REFUSED = gettext_noop("导入失败：%(n)d 处错误，未导入任何记录。")


class ImportCommand(BaseCommand):
    importer_class: type[Importer]

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("要导入的文件（.xlsx 或 .csv）"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("逐行检查并列出错误，但不写入任何记录。"),
        )
        self.add_import_arguments(parser)

    def add_import_arguments(self, parser) -> None:
        """Options of this importer (e.g. ``--create-missing``)."""

    def importer_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """Keyword options for the importer, from the parsed command line."""
        return {}

    def handle(self, *args, path: str, dry_run: bool = False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_(ERR_NO_FILE) % {"path": path})
        importer = self.importer_class(**self.importer_options(options))
        result = importer.run(source=file, filename=file.name, dry_run=dry_run)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(_(ERR_REFUSED) % {"n": len(result.errors)})
        self.stdout.write(self.style.SUCCESS(importer.message(result)))
