"""Uploading a ledger sheet and downloading its template: the ledger entries' import pages,
from the shared import framework (``core.admin_import``)."""

from django.utils.translation import gettext_lazy as _

from core.admin_import import ImportAdminMixin

from ..importer import LedgerImporter


class LedgerImportMixin(ImportAdminMixin):
    """The import page and template download of the ledger entry admin."""

    importer_class = LedgerImporter
    import_title = _("导入履职台账")
    import_template_filename = "ledger-template"
    import_help = _(
        "规则编号为当年积分规则的编号（如 B01、I02、C03）。导入的记录直接记为“已核实”；"
        "任何一行有误（代表编号不存在、日期不在规则年度内、离任后的日期、与台账重复等）"
        "则全部不导入，并逐行列出错误。"
    )
