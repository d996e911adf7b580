"""The roster sheet: its columns, shared by the import (admin and command) and the export.

The export masks phones (``138****5678``) unless staff ask for the full numbers (the admin's
"含完整手机号" actions); only a full export imports back unchanged. Every export, masked or
not, leaves one audit row: who, how many deputies, the list's filters, whether full phones
were in it (the roster also carries dates of birth)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core.privacy import export_record, mask_phone
from core.tabular import Column

from .models import Deputy, Education, Gender, Level, PoliticalAffiliation, Sector, Status
from .services import DeputyError

# Order is the export order. Each column: the English header, then the Chinese header (written on
# the template and exports, in the user's language), then other headers accepted on import.
ROSTER_COLUMNS: list[Column] = [
    Column("code", (gettext_noop("代表编号"), "编号"), required=True),
    Column("name", (gettext_noop("姓名"),), required=True),
    Column("gender", (gettext_noop("性别"),), required=True),
    Column("level", (gettext_noop("层级"), "代表层级", "级别"), required=True),
    Column("constituency", (gettext_noop("选区"),), required=True),
    Column("phone", (gettext_noop("手机"), "手机号", "手机号码", "mobile"), required=True),
    Column("ethnicity", (gettext_noop("民族"),)),
    Column("birth_date", (gettext_noop("出生日期"), "出生年月")),
    Column("political_affiliation", (gettext_noop("政治面貌"),)),
    Column("education", (gettext_noop("学历"),)),
    Column("workplace", (gettext_noop("工作单位"), "单位")),
    Column("post", (gettext_noop("职务"),)),
    Column("email", (gettext_noop("电子邮箱"), "邮箱")),
    Column("sector", (gettext_noop("代表构成"), "界别")),
    Column("specialties", (gettext_noop("专业特长"), "特长")),
    Column("group", (gettext_noop("专业代表小组"), "专业小组", "小组")),
    Column("first_elected_term", (gettext_noop("首次当选届次"), "首次当选")),
    Column("status", (gettext_noop("状态"),)),
]

CHOICE_COLUMNS = {
    "gender": Gender,
    "level": Level,
    "political_affiliation": PoliticalAffiliation,
    "education": Education,
    "sector": Sector,
    "status": Status,
}


def roster_headers() -> list[str]:
    return [column.label for column in ROSTER_COLUMNS]


ERR_FULL_PHONES_STAFF_ONLY = gettext_noop("只有工委工作人员可以导出完整手机号。")


def roster_export_record(
    *,
    actor: User | None,
    count: int,
    fmt: str,
    full_phones: bool,
    filters: dict[str, Any] | None = None,
) -> None:
    """Record one roster export before it is written. Full phones only for committee staff
    (``DeputyError`` otherwise)."""
    if full_phones and actor is not None and not user_has_role(actor, Role.STAFF):
        raise DeputyError(_(ERR_FULL_PHONES_STAFF_ONLY))
    export_record(
        actor=actor,
        export="deputies.roster_export_full_phones" if full_phones else "deputies.roster_export",
        count=count,
        full_phones=full_phones,
        filters={**(filters or {}), "format": fmt},
        summary=_("导出代表名册 %(n)d 人%(full)s")
        % {"n": count, "full": _("（含完整手机号）") if full_phones else ""},
    )


def roster_row(deputy: Deputy, *, full_phone: bool = False) -> list:
    """One exported line; values as the site shows them, so a full-phone file imports back
    unchanged."""
    return [
        deputy.code,
        deputy.name,
        deputy.get_gender_display(),
        deputy.get_level_display(),
        deputy.constituency.name,
        deputy.mobile if full_phone else mask_phone(deputy.mobile),
        deputy.ethnicity,
        deputy.birth_date.isoformat() if deputy.birth_date else "",
        deputy.get_political_affiliation_display() if deputy.political_affiliation else "",
        deputy.get_education_display() if deputy.education else "",
        deputy.workplace,
        deputy.post,
        deputy.email,
        deputy.get_sector_display() if deputy.sector else "",
        deputy.specialties,
        deputy.group.name if deputy.group else "",
        deputy.first_elected_term.number if deputy.first_elected_term else "",
        deputy.get_status_display(),
    ]
