"""The roster sheet: its columns, shared by the import (admin and command) and the export."""

from core.tabular import Column

from .models import Deputy, Education, Gender, Level, PoliticalAffiliation, Sector, Status

# Order is the export order; the first alias is the Chinese header written on export.
ROSTER_COLUMNS: list[Column] = [
    Column("code", ("代表编号", "编号"), required=True),
    Column("name", ("姓名",), required=True),
    Column("gender", ("性别",), required=True),
    Column("level", ("层级", "代表层级", "级别"), required=True),
    Column("constituency", ("选区",), required=True),
    Column("phone", ("手机", "手机号", "手机号码", "mobile"), required=True),
    Column("ethnicity", ("民族",)),
    Column("birth_date", ("出生日期", "出生年月")),
    Column("political_affiliation", ("政治面貌",)),
    Column("education", ("学历",)),
    Column("workplace", ("工作单位", "单位")),
    Column("post", ("职务",)),
    Column("email", ("电子邮箱", "邮箱")),
    Column("sector", ("代表构成", "界别")),
    Column("specialties", ("专业特长", "特长")),
    Column("group", ("专业代表小组", "专业小组", "小组")),
    Column("first_elected_term", ("首次当选届次", "首次当选")),
    Column("status", ("状态",)),
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
    return [column.aliases[0] for column in ROSTER_COLUMNS]


def roster_row(deputy: Deputy) -> list:
    """One exported line; values as the site shows them, so the file imports back unchanged."""
    return [
        deputy.code,
        deputy.name,
        deputy.get_gender_display(),
        deputy.get_level_display(),
        deputy.constituency.name,
        deputy.mobile,
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
