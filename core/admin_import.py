"""The admin's import pages, once for every importer (see ``core.importing``).

``ImportAdminMixin`` goes before ``admin.ModelAdmin`` and adds to the model's admin:

- ``import/``: the upload page (file, "only check" box, the importer's own options), which lists
  every file and row error of a refused file, or says what a dry run found;
- ``import/template/``: the template with the column headers, ``?format=csv`` for CSV;
- ``import_url`` in the change list's context, for its "导入" button.

URL names are ``admin:<app>_<model>_import`` and ``..._import_template``.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .importing import Importer
from .tabular import table_response

MAX_IMPORT_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".csv")


class ImportFileForm(forms.Form):
    """The upload; subclasses add the importer's options as fields of the same name."""

    file = forms.FileField(
        allow_empty_file=True,  # the importer says "文件是空的" like the command does
        label=_("文件"),
        help_text=_("支持 .xlsx 或 .csv，第一行为表头；有任何一行出错时整份文件都不会导入。"),
    )
    dry_run = forms.BooleanField(
        label=_("只检查，不导入"),
        required=False,
        help_text=_("逐行检查并列出错误，但不写入任何记录。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件不能超过 10 MB。"))
        return upload


class ImportAdminMixin:
    """Upload page, template download and result page for ``importer_class``."""

    importer_class: type[Importer]
    import_form_class: type[ImportFileForm] = ImportFileForm
    import_title = _("导入")
    import_help = ""  # what the page says about the file, beside the column table
    import_template_filename = "import-template"
    import_page_template = "admin/import.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def _import_url_name(self, suffix: str) -> str:
        opts = self.model._meta
        return f"admin:{opts.app_label}_{opts.model_name}_{suffix}"

    def changelist_view(self, request, extra_context=None):
        extra = {"import_url": reverse(self._import_url_name("import"))}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request)

    def import_options(self, request, cleaned_data: dict[str, Any]) -> dict[str, Any]:
        """The importer's keyword options: the form's fields other than the file."""
        return {k: v for k, v in cleaned_data.items() if k not in ("file", "dry_run")}

    def import_view(self, request):
        if not self.has_import_permission(request):
            return redirect(self._import_url_name("changelist"))
        form = self.import_form_class(request.POST or None, request.FILES or None)
        result = importer = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = self.importer_class(
                actor=request.user, **self.import_options(request, form.cleaned_data)
            )
            result = importer.run(
                source=upload, filename=upload.name, dry_run=form.cleaned_data["dry_run"]
            )
            if result.ok and not result.dry_run:
                self.message_user(request, importer.message(result), messages.SUCCESS)
                return redirect(self._import_url_name("changelist"))
        columns = [
            {
                "label": column.label,
                "name": column.name,
                "aliases": [a for a in column.aliases[1:] if a != column.label],
                "required": column.required,
            }
            for column in self.importer_class.columns
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": self.import_title,
            "form": form,
            "result": result,
            "dry_run_message": importer.message(result) if result and result.ok else "",
            "columns": columns,
            "import_help": self.import_help,
            "template_url": reverse(self._import_url_name("import_template")),
        }
        return TemplateResponse(request, self.import_page_template, context)

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            return redirect(self._import_url_name("changelist"))
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        importer = self.importer_class(actor=request.user)
        return table_response(
            fmt,
            importer.headers(),
            importer.template_rows(),
            filename=self.import_template_filename,
            title=str(self.import_title),
            stamped=False,  # a blank form to fill in, not an export
        )
