"""The suggestions' import page and template (``core.admin_import``), with the one option this
importer has: create the units and categories the sheet names but the system lacks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.admin_import import ImportAdminMixin, ImportFileForm

from ..importer import SuggestionImporter


class SuggestionImportForm(ImportFileForm):
    create_missing = forms.BooleanField(label=_("自动创建缺少的类别和承办单位"), required=False)


class SuggestionImportMixin(ImportAdminMixin):
    importer_class = SuggestionImporter
    import_form_class = SuggestionImportForm
    import_title = _("导入议案建议")
    import_template_filename = "suggestions-template"
    import_help = _(
        "每行按所填日期进入相应状态：立案 → 交办 → 答复 → 评价 → 办结。立案、交办、答复、办结日期"
        "不能晚于今天；答复期限可以是将来的日期，不填时按交办日期推算。编号写“年度-序号”"
        "（如 2026-017），不填则按立案年度自动编号。任何一行有错，整份文件都不会导入。"
    )
