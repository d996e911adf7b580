"""Uploading a ledger sheet and downloading its template: the ledger entries' import pages,
kept apart so the shared import framework can replace them in one place."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.tabular import table_response

from ..importer import LEDGER_COLUMNS, ledger_import


class ImportForm(forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_(".xlsx 或 .csv，第一行为表头。"))


class LedgerImportMixin:
    """The import page and template download of the ledger entry admin."""

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="performance_ledgerentry_import",
            ),
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="performance_ledgerentry_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"import_url": reverse("admin:performance_ledgerentry_import")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:performance_ledgerentry_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = ledger_import(source=upload, filename=upload.name, actor=request.user)
            if result.ok:
                self.message_user(
                    request,
                    _t("导入成功：%(n)d 条履职记录（已核实）。") % {"n": result.created},
                    messages.SUCCESS,
                )
                return redirect("admin:performance_ledgerentry_changelist")
        return self._page(
            request,
            "import.html",
            _t("导入履职台账"),
            form=form,
            result=result,
            columns=LEDGER_COLUMNS,
        )

    def import_template_view(self, request):
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        year = timezone.localdate().year
        headers = [c.aliases[0] for c in LEDGER_COLUMNS]
        example = [
            ["D001", f"{year}-03-01", "B01", _t("参加代表小组活动"), _t("东湖社区代表之家"), ""],
            ["D002", f"{year}-03-12", "B03", _t("进站接待选民"), _t("代表联络站"), ""],
        ]
        return table_response(
            fmt, headers, example, filename="ledger-template", title=_t("履职台账")
        )
