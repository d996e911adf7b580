"""Writes to the roster: import, status changes, login accounts."""

from datetime import date
from pathlib import Path
from typing import IO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from core.audit import audit_record
from core.tabular import ImportResult, Row, RowError, TableError, parse_date, read_table

from .models import (
    MOBILE_VALIDATOR,
    Constituency,
    Deputy,
    ProfessionalGroup,
    Status,
    Term,
)
from .roster import CHOICE_COLUMNS, ROSTER_COLUMNS


class DeputyError(Exception):
    """A roster change that breaks a rule; the message is for the user."""


ERR_STATUS_NEEDS_REASON = gettext_noop("离任须填写日期和原因。")
ERR_STATUS_DATE_IN_FUTURE = gettext_noop("离任日期不能晚于今天。")
ERR_DUPLICATE_CODE_IN_FILE = gettext_noop("代表编号 %(code)s 在文件中重复（另见第 %(other)d 行）。")
ERR_DUPLICATE_PHONE_IN_FILE = gettext_noop("手机号 %(phone)s 在文件中重复（另见第 %(other)d 行）。")
ERR_BAD_CHOICE = gettext_noop("“%(value)s”不是有效的值，可选：%(choices)s。")
ERR_UNKNOWN_TERM = gettext_noop("找不到第 %(number)s 届，请先在“届次”中添加。")


def term_current_or_create(*, today: date | None = None) -> Term:
    """The term in office today; on an empty system, the one described in settings."""
    term = Term.current(today)
    if term is not None:
        return term
    term, _created = Term.objects.get_or_create(
        number=settings.LVZHI_DEFAULT_TERM_NUMBER,
        defaults={
            "start_date": settings.LVZHI_DEFAULT_TERM_START,
            "end_date": settings.LVZHI_DEFAULT_TERM_END,
        },
    )
    return term


class _RowForm(forms.Form):
    code = forms.CharField(max_length=32, validators=Deputy._meta.get_field("code").validators)
    name = forms.CharField(max_length=50)
    gender = forms.CharField()
    level = forms.CharField()
    constituency = forms.CharField(max_length=50)
    phone = forms.CharField(validators=[MOBILE_VALIDATOR])
    ethnicity = forms.CharField(max_length=20, required=False)
    birth_date = forms.CharField(required=False)
    political_affiliation = forms.CharField(required=False)
    education = forms.CharField(required=False)
    workplace = forms.CharField(max_length=100, required=False)
    post = forms.CharField(max_length=50, required=False)
    email = forms.EmailField(required=False)
    sector = forms.CharField(required=False)
    specialties = forms.CharField(max_length=200, required=False)
    group = forms.CharField(max_length=50, required=False)
    first_elected_term = forms.IntegerField(required=False, min_value=1)
    status = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        for name, choices in CHOICE_COLUMNS.items():
            value = data.get(name)
            if value:
                data[name] = self._choice(name, value, choices)
        if data.get("birth_date"):
            try:
                data["birth_date"] = parse_date(data["birth_date"])
            except ValueError as exc:
                self.add_error("birth_date", str(exc))
        else:
            data["birth_date"] = None
        return data

    def _choice(self, name, value, choices):
        text = str(value).strip()
        for code, label in choices.choices:
            if text.lower() == str(code).lower() or text == str(label):
                return code
        self.add_error(
            name,
            _(ERR_BAD_CHOICE)
            % {"value": text, "choices": "、".join(str(label) for label in choices.labels)},
        )
        return None


def _label(name: str) -> str:
    column = next(c for c in ROSTER_COLUMNS if c.name == name)
    return column.aliases[0] if column.aliases else name


def _parse_rows(rows: list[Row]) -> tuple[list[tuple[Row, dict]], list[RowError]]:
    parsed, errors = [], []
    seen_codes: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    for row in rows:
        form = _RowForm(data={k: "" if v is None else v for k, v in row.values.items()})
        if not form.is_valid():
            for field, messages in form.errors.items():
                for message in messages:
                    errors.append(
                        RowError(row.line, message, _label(field) if field != "__all__" else "")
                    )
            continue
        data = form.cleaned_data
        code, phone = data["code"], data["phone"]
        if code in seen_codes:
            errors.append(
                RowError(
                    row.line,
                    _(ERR_DUPLICATE_CODE_IN_FILE) % {"code": code, "other": seen_codes[code]},
                    _label("code"),
                )
            )
        if phone in seen_phones:
            errors.append(
                RowError(
                    row.line,
                    _(ERR_DUPLICATE_PHONE_IN_FILE) % {"phone": phone, "other": seen_phones[phone]},
                    _label("phone"),
                )
            )
        seen_codes.setdefault(code, row.line)
        seen_phones.setdefault(phone, row.line)
        parsed.append((row, data))
    return parsed, errors


def deputies_import(
    *,
    source: str | Path | IO[bytes],
    filename: str = "",
    actor: User | None = None,
    term: Term | None = None,
) -> ImportResult:
    """Create or update deputies from a roster sheet, all or nothing.

    Rows are matched on 代表编号: an existing deputy is updated, a new code creates one.
    Constituencies and professional groups named in the sheet are created when missing.
    """
    result = ImportResult()
    try:
        rows = read_table(source, ROSTER_COLUMNS, filename=filename)
    except TableError as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    parsed, result.errors = _parse_rows(rows)
    if result.errors:
        return result

    with transaction.atomic():
        term = term or term_current_or_create()
        terms = {t.number: t for t in Term.objects.all()}
        existing = {
            d.code: d for d in Deputy.objects.filter(code__in=[d["code"] for _r, d in parsed])
        }
        constituencies = {c.name: c for c in Constituency.objects.all()}
        groups = {g.name: g for g in ProfessionalGroup.objects.all()}
        for row, data in parsed:
            deputy = existing.get(data["code"]) or Deputy(code=data["code"], term=term)
            is_new = deputy.pk is None
            first_term = None
            if data.get("first_elected_term"):
                first_term = terms.get(data["first_elected_term"])
                if first_term is None:
                    result.errors.append(
                        RowError(
                            row.line,
                            _(ERR_UNKNOWN_TERM) % {"number": data["first_elected_term"]},
                            _label("first_elected_term"),
                        )
                    )
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
            for field in (
                "ethnicity",
                "political_affiliation",
                "education",
                "workplace",
                "post",
                "email",
                "sector",
                "specialties",
            ):
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
                        result.errors.append(RowError(row.line, message, _field_label(field)))
                continue
            deputy.save()
            existing[deputy.code] = deputy
            if is_new:
                result.created += 1
            else:
                result.updated += 1
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = 0
            return result
        audit_record(
            actor=actor,
            action="deputies.import",
            summary=_("导入代表名册：新增 %(c)d，更新 %(u)d")
            % {"c": result.created, "u": result.updated},
            data={
                "file": filename or str(source),
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result


def _field_label(field: str) -> str:
    mapping = {"mobile": "phone", "constituency": "constituency", "code": "code"}
    name = mapping.get(field, field)
    if any(c.name == name for c in ROSTER_COLUMNS):
        return _label(name)
    if field == "__all__":
        return ""
    return str(Deputy._meta.get_field(field).verbose_name)


@transaction.atomic
def deputy_set_status(
    *, deputy: Deputy, status: str, on: date | None, reason: str = "", actor: User | None = None
) -> Deputy:
    """Record that a deputy resigned or was terminated (or returns to serving)."""
    from django.utils import timezone

    if status == Status.SERVING:
        deputy.status, deputy.status_date, deputy.status_reason = Status.SERVING, None, ""
    else:
        if on is None or not reason.strip():
            raise DeputyError(_(ERR_STATUS_NEEDS_REASON))
        if on > timezone.localdate():
            raise DeputyError(_(ERR_STATUS_DATE_IN_FUTURE))
        deputy.status, deputy.status_date, deputy.status_reason = status, on, reason.strip()
    deputy.save(update_fields=["status", "status_date", "status_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="deputies.set_status",
        target=deputy,
        summary=f"{deputy} → {deputy.get_status_display()}",
        data={"status": status, "on": on.isoformat() if on else None, "reason": reason},
    )
    return deputy


@transaction.atomic
def deputy_account_create(
    *, deputy: Deputy, password: str, username: str | None = None, actor: User | None = None
) -> User:
    """Give a deputy a login (username defaults to the deputy code) in the deputy role."""
    from django.contrib.auth.models import Group

    if deputy.user_id:
        raise DeputyError(_("该代表已有登录账号。"))
    user = User.objects.create_user(
        username=username or deputy.code.lower(),
        password=password,
        full_name=deputy.name,
        phone=deputy.mobile,
        email=deputy.email,
    )
    user.groups.add(Group.objects.get(name=Role.DEPUTY.value))
    deputy.user = user
    deputy.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action="deputies.account_create", target=deputy, summary=str(deputy))
    return user
