"""The roster import (代表名册): one sheet, one row per deputy, all rows or none.

Rows are matched on 代表编号: an existing deputy is updated, a new code creates one.
Constituencies and professional groups named in the sheet are created when missing. The
columns are ``deputies.roster.ROSTER_COLUMNS``, shared with the export.
"""

from datetime import date
from pathlib import Path
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.importing import Importer, RowForm, SheetChoiceField, SheetDateField
from core.tabular import ImportResult, Row, RowError

from .models import MOBILE_VALIDATOR, Constituency, Deputy, ProfessionalGroup, Status, Term
from .roster import CHOICE_COLUMNS, ROSTER_COLUMNS
from .services import term_current_or_create

ERR_DUPLICATE_CODE_IN_FILE = gettext_noop("代表编号 %(code)s 在文件中重复（另见第 %(other)d 行）。")
ERR_DUPLICATE_PHONE_IN_FILE = gettext_noop("手机号 %(phone)s 在文件中重复（另见第 %(other)d 行）。")
ERR_UNKNOWN_TERM = gettext_noop("找不到第 %(number)s 届，请先在“届次”中添加。")

OPTIONAL_TEXT_FIELDS = (
    "ethnicity",
    "political_affiliation",
    "education",
    "workplace",
    "post",
    "email",
    "sector",
    "specialties",
)
# Model fields whose errors (from full_clean) belong to a differently named column.
MODEL_FIELD_COLUMNS = {"mobile": "phone"}


class RosterRowForm(RowForm):
    code = forms.CharField(max_length=32, validators=Deputy._meta.get_field("code").validators)
    name = forms.CharField(max_length=50)
    gender = SheetChoiceField(CHOICE_COLUMNS["gender"])
    level = SheetChoiceField(CHOICE_COLUMNS["level"])
    constituency = forms.CharField(max_length=50)
    phone = forms.CharField(validators=[MOBILE_VALIDATOR])
    ethnicity = forms.CharField(max_length=20, required=False)
    birth_date = SheetDateField(required=False)
    political_affiliation = SheetChoiceField(
        CHOICE_COLUMNS["political_affiliation"], required=False
    )
    education = SheetChoiceField(CHOICE_COLUMNS["education"], required=False)
    workplace = forms.CharField(max_length=100, required=False)
    post = forms.CharField(max_length=50, required=False)
    email = forms.EmailField(required=False)
    sector = SheetChoiceField(CHOICE_COLUMNS["sector"], required=False)
    specialties = forms.CharField(max_length=200, required=False)
    group = forms.CharField(max_length=50, required=False)
    first_elected_term = forms.IntegerField(required=False, min_value=1, max_value=1000)
    status = SheetChoiceField(CHOICE_COLUMNS["status"], required=False)


class RosterImporter(Importer):
    columns = ROSTER_COLUMNS
    audit_action = "deputies.import"
    audit_summary = gettext_noop("导入代表名册：新增 %(created)d，更新 %(updated)d")
    success_message = gettext_noop("导入成功：新增 %(created)d 名，更新 %(updated)d 名。")

    def __init__(self, *, term: Term | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.term = term
        self.seen_codes: dict[str, int] = {}
        self.seen_phones: dict[str, int] = {}

    def parse_row(self, row: Row) -> tuple[int, dict] | None:
        form = RosterRowForm.for_row(row, today=self.today)
        if not form.is_valid():
            self.form_errors(row.line, form)
            return None
        data = form.cleaned_data
        code, phone = data["code"], data["phone"]
        if code in self.seen_codes:
            message = _(ERR_DUPLICATE_CODE_IN_FILE) % {"code": code, "other": self.seen_codes[code]}
            self.error(row.line, message, "code")
        if phone in self.seen_phones:
            message = _(ERR_DUPLICATE_PHONE_IN_FILE) % {
                "phone": phone,
                "other": self.seen_phones[phone],
            }
            self.error(row.line, message, "phone")
        self.seen_codes.setdefault(code, row.line)
        self.seen_phones.setdefault(phone, row.line)
        return row.line, data

    def write(self, parsed: list[tuple[int, dict]], result: ImportResult) -> None:
        term = self.term or term_current_or_create(today=self.today)
        terms = {t.number: t for t in Term.objects.all()}
        existing = {
            d.code: d for d in Deputy.objects.filter(code__in=[data["code"] for _l, data in parsed])
        }
        constituencies = {c.name: c for c in Constituency.objects.all()}
        groups = {g.name: g for g in ProfessionalGroup.objects.all()}
        for line, data in parsed:
            deputy = existing.get(data["code"]) or Deputy(code=data["code"], term=term)
            is_new = deputy.pk is None
            first_term = None
            if data.get("first_elected_term"):
                first_term = terms.get(data["first_elected_term"])
                if first_term is None:
                    message = _(ERR_UNKNOWN_TERM) % {"number": data["first_elected_term"]}
                    self.error(line, message, "first_elected_term")
                    continue
            if data["constituency"] not in constituencies:
                constituencies[data["constituency"]] = Constituency.objects.create(
                    name=data["constituency"]
                )
            group = None
            if data.get("group"):
                if data["group"] not in groups:
                    groups[data["group"]] = ProfessionalGroup.objects.create(name=data["group"])
                group = groups[data["group"]]
            deputy.name = data["name"]
            deputy.gender = data["gender"]
            deputy.level = data["level"]
            deputy.constituency = constituencies[data["constituency"]]
            deputy.mobile = data["phone"]
            deputy.group = group
            deputy.first_elected_term = first_term
            for field in OPTIONAL_TEXT_FIELDS:
                if data.get(field):
                    setattr(deputy, field, data[field])
            if data.get("birth_date"):
                deputy.birth_date = data["birth_date"]
            if data.get("status") == Status.SERVING:
                deputy.status, deputy.status_date, deputy.status_reason = Status.SERVING, None, ""
            try:
                deputy.full_clean(exclude=["user"])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.errors.append(RowError(line, message, self._model_field_label(field)))
                continue
            deputy.save()
            existing[deputy.code] = deputy
            if is_new:
                result.created += 1
            else:
                result.updated += 1

    def _model_field_label(self, field: str) -> str:
        """The column a model error belongs to, else the model field's own name."""
        if field == "__all__":
            return ""
        return self.label(MODEL_FIELD_COLUMNS.get(field, field)) or str(
            Deputy._meta.get_field(field).verbose_name
        )


def deputies_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    actor: User | None = None,
    term: Term | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update deputies from a roster sheet, all or nothing (see the module)."""
    importer = RosterImporter(actor=actor, term=term, today=today)
    return importer.run(source=source, filename=filename, dry_run=dry_run)
