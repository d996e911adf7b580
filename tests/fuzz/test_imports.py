"""Fuzz every importer (roster, ledger, suggestions, hotline/grid events, training attendance)
with drawn files: the right headers in any accepted spelling or random ones, coherent lines
with junk cells now and then, ragged lines, BOMs, GB18030, UTF-16 and Latin-1 bytes, real
xlsx, truncated xlsx, zips and bytes that only claim to be spreadsheets, empty files.

The properties, for every drawn file:
- ``run`` returns an ``ImportResult`` and never raises;
- an unreadable file is one file-level error (no line) and nothing else; once the file is read,
  every error names a line of it, and its message can be shown;
- a refused import, and every dry run, changes no table of the project;
- an accepted import wrote its rows: as many rows of the importer's main table as it says it
  created, one per line of the file.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import models
from hypothesis import event, given
from hypothesis import strategies as st

from core.importing import Importer
from core.tabular import ImportResult
from deputies.importer import RosterImporter
from deputies.models import Deputy
from liaison.importer import EventImporter
from liaison.models import ExternalEvent
from performance.importer import LedgerImporter
from performance.models import LedgerEntry
from suggestions.importer import SuggestionImporter
from suggestions.models import Suggestion
from training.importer import AttendanceImporter
from training.models import Attendance

from .strategies import (
    COURSE,
    FULL_COURSE,
    FUZZ,
    NO_NUL_CHAR,
    TODAY,
    bad_dates,
    dates_as_cells,
    mostly,
    uploads,
    usually,
)

pytestmark = pytest.mark.django_db

# --- coherent lines per importer (junk is mixed in by ``sheets``) -----------------------------

short_text = st.one_of(
    st.sampled_from(["参加代表小组活动", "进站接待选民", "关于加装电梯的建议", "东湖社区"]),
    st.text(NO_NUL_CHAR, min_size=1, max_size=30),
)


def _in(*values):
    return st.sampled_from(values)


this_year = dates_as_cells(date(2026, 1, 1), TODAY)
other_dates = st.one_of(
    dates_as_cells(date(2025, 1, 1), date(2025, 12, 31)),
    dates_as_cells(TODAY + timedelta(days=1), date(2027, 12, 31)),
    bad_dates,
)
# Each column: a value the importer takes, now and then one a clerk could plausibly have
# typed that it must refuse (an unknown code, a future date, hours out of range).
RARE = 40  # the roster has many columns: refusals while parsing stay rare per line...
roster_rows = st.fixed_dictionaries(
    {
        "code": usually(
            st.from_regex(r"N[0-9]{3}", fullmatch=True), _in("D001", "N-100", "d1"), RARE
        ),
        "name": st.one_of(_in("张三", "李四"), st.text(NO_NUL_CHAR, min_size=1, max_size=50)),
        "gender": usually(_in("男", "女", "M", "f"), _in("男性", "X"), RARE),
        "level": usually(_in("街道议政代表", "区人大代表", "street", "CITY"), _in("乡镇"), RARE),
        "constituency": _in("第1选区", "新选区"),
        # ...and those found only while writing, after earlier lines were saved (D001's phone,
        # a term the database lacks) are frequent: a refused file must undo those lines.
        "phone": usually(
            usually(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.just("13900000001"), 6),
            _in("1390000000", "２３９００００００１"),
            RARE,
        ),
        "ethnicity": _in("", "汉族", "回族"),
        "birth_date": st.one_of(st.just(""), dates_as_cells(date(1950, 1, 1), date(2005, 1, 1))),
        "political_affiliation": _in("", "中共党员", "群众", "cpc"),
        "education": _in("", "大学本科", "研究生"),
        "workplace": _in("", "东湖街道办事处"),
        "email": usually(_in("", "a@example.cn"), _in("a@", "@@"), RARE),
        "sector": _in("", "工人", "社区工作者"),
        "group": _in("", "专业小组1", "新小组"),
        "first_elected_term": usually(mostly("", "17"), _in("16", "16", "0"), 6),
        "status": usually(_in("", "在任", "serving"), _in("辞职", "离任"), RARE),
    }
)
ledger_rows = st.fixed_dictionaries(
    {
        "deputy_code": usually(_in("D001", "D003"), _in("D002", "D404", "d001")),
        "date": usually(this_year, other_dates),
        "rule_code": usually(_in("B01", "B02", "b03", "B04"), _in("B99", "A01", "B07")),
        "title": short_text,
        "place": _in("", "代表联络站"),
        "description": st.one_of(st.just(""), short_text),
    }
)
event_rows = st.fixed_dictionaries(
    {
        "occurred_on": usually(this_year, other_dates),
        "source": usually(_in("12345", "网格", "其他", "grid", "12345 热线"), _in("热线", "")),
        "category": usually(mostly("教育", "新类别"), _in("类" * 31)),
        "community": usually(mostly("东湖社区", "新社区"), _in("社" * 51)),
        "summary": st.one_of(st.just(""), short_text),
    }
)
training_rows = st.fixed_dictionaries(
    {
        "deputy_code": usually(_in("D001", "D003"), _in("D002", "D404")),
        "course": usually(mostly(COURSE, "新课程"), _in(FULL_COURSE, "课" * 201)),
        "track": usually(_in("基础履职", "basics"), _in("专题提升", "实践攻坚")),
        "format": _in("", "讲座", "lecture", "线上"),
        "date": usually(this_year, other_dates),
        "hours": usually(
            _in("2.5", "3", "1", "12", 2, 2.5), _in("0", "12.5", "1.25", "-1", "NaN", "1e400", "３")
        ),
    }
)


@st.composite
def suggestion_rows(draw) -> dict:
    """A suggestion's line whose dates tell one story, cut at a drawn step (registered,
    assigned, replied, evaluated, concluded), so that most lines can be imported."""

    def later(day: date, most: int) -> date:
        return min(day + timedelta(days=draw(st.integers(0, most))), TODAY)

    def cell(day: date):
        return draw(dates_as_cells(day, day))

    step = draw(st.integers(0, 5))
    registered = draw(st.dates(date(2025, 1, 1), TODAY))
    assigned = later(registered, 30)
    replied = later(assigned, 60)
    concluded = later(replied, 30)
    row = {
        "title": draw(short_text),
        "lead_deputy_code": draw(usually(_in("D001", "D003"), _in("D002", "D404"))),
        "kind": draw(_in("", "建议", "议案", "批评", "proposal")),
        "category": draw(usually(_in("", "教育"), _in("新类别", "类" * 31))),
        "body": draw(st.one_of(st.just(""), short_text)),
    }
    if step >= 1:
        row["registered_on"] = cell(registered)
        number = f"{registered.year}-{draw(st.integers(2, 999))}"
        row["number"] = draw(usually(_in("", number), _in("2026-001", "2026/3", "0000-1")))
    if step >= 2:
        row["assigned_on"] = cell(assigned)
        row["lead_unit"] = draw(usually(st.just("区教育局"), _in("新单位", "")))
        deadline = assigned + timedelta(days=draw(usually(st.integers(1, 150), _in(0, 200))))
        row["deadline"] = draw(_in("", deadline))
    if step >= 3:
        row["replied_on"] = cell(replied)
        row["result_class"] = draw(_in("A", "B", "C", "A 已解决或采纳"))
    if step >= 4:
        row["evaluation"] = draw(_in("满意", "基本满意", "不满意"))
        row["implementation_score"] = draw(_in("", "0", "80", "100"))
    if step >= 5:
        row["concluded_on"] = cell(concluded)
    return row


create_missing = st.fixed_dictionaries({"create_missing": st.booleans()})


@dataclass(frozen=True)
class Spec:
    importer: type[Importer]
    rows: st.SearchStrategy
    main: type[models.Model]  # one row per imported line
    options: st.SearchStrategy = field(default=st.just({}))
    unique_by: object = None  # what two lines of one sheet may not share


def _cells(*names):
    return lambda row: tuple(str(row.get(n, "")).strip().upper() for n in names)


SPECS = {
    "roster": Spec(
        RosterImporter, roster_rows, Deputy, unique_by=(_cells("code"), _cells("phone"))
    ),
    "ledger": Spec(
        LedgerImporter, ledger_rows, LedgerEntry, unique_by=_cells("deputy_code", "date", "title")
    ),
    "suggestions": Spec(
        SuggestionImporter, suggestion_rows(), Suggestion, create_missing, _cells("number")
    ),
    "events": Spec(EventImporter, event_rows, ExternalEvent, create_missing),
    "training": Spec(
        AttendanceImporter,
        training_rows,
        Attendance,
        create_missing,
        _cells("deputy_code", "course", "date"),
    ),
}


def check_result(result, upload, moved: dict[str, int], main_table: str, dry_run: bool):
    assert isinstance(result, ImportResult)
    for error in result.errors:
        assert isinstance(error.message, str) and error.message.strip()
        assert str(error)
        if error.line is not None:
            assert 2 <= error.line <= upload.physical_lines, str(error)
    if result.rows == 0:  # the file could not be read, or held no lines
        assert len(result.errors) == 1 and result.errors[0].line is None
    else:
        unnamed = [str(e) for e in result.errors if e.line is None]
        assert not unnamed, f"errors naming no line: {unnamed}"
    if not result.ok or dry_run:
        assert moved == {}, f"a refused import or a dry run changed tables: {moved}"
    if not result.ok:
        assert result.created == result.updated == 0
    else:
        assert result.created + result.updated == result.rows
        if not dry_run:
            assert moved.get(main_table, 0) == result.created


@pytest.mark.parametrize("hostile", [False, True], ids=["plain", "hostile"])
@pytest.mark.parametrize("kind", sorted(SPECS))
@FUZZ
@given(data=st.data())
def test_import(import_world, isolated, tables, kind, hostile, data):
    """Plain files (clean sheets, most of which import, so writes are exercised) and hostile
    ones (junk cells and headers, broken encodings, fake spreadsheets), 40 of each."""
    spec = SPECS[kind]
    upload = data.draw(
        uploads(spec.importer.columns, spec.rows, spec.unique_by, hostile), label="upload"
    )
    options = data.draw(spec.options, label="options")
    dry_run = data.draw(st.booleans(), label="dry_run")
    with isolated():
        before = tables.snapshot()
        result = spec.importer(**options).run(
            source=BytesIO(upload.data), filename=upload.filename, dry_run=dry_run
        )
        moved = tables.changes(before, tables.snapshot())
    event("imported" if result.ok else "refused")
    check_result(result, upload, moved, spec.main._meta.db_table, dry_run)
