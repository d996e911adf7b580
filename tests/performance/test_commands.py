"""Management commands: load_default_rules, compute_assessment, import_ledger, annual_report."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from deputies.models import Status
from performance.defaults import DEFAULT_RULES
from performance.models import Assessment, EntryStatus, Grade, LedgerEntry, Rule, RuleSet
from performance.scoring import ERR_YEAR_FROZEN, rule_set_freeze
from performance.services import rule_set_load_defaults
from tests.deputies.factories import DeputyFactory
from tests.performance.conftest import FULL_MARKS

pytestmark = pytest.mark.django_db

# --- load_default_rules ----------------------------------------------------------------------

ISSUE_TABLE = """
B01 参加代表小组/工委会议及集中活动 base 2 16
B02 视察、调研、执法检查 base 3 15
B03 进站接待选民 base 2 12
B04 走访联系群众 base 1 6
B05 参加履职培训 base 1 6
B06 向选民述职 base 5 5
B07 无故缺席集中活动 base -3 none
I01 自选动作：自主开展调研、视察 innovation 4 12
I02 牵头专业小组活动、传帮带 innovation 3 6
I03 代表讲坛主讲 innovation 3 6
I04 履职方式创新（直播问政、线上议事等） innovation 4 8
C01 提出建议、议案并被立案 contribution 2 8
C02 所提建议办理结果为已解决（A类） contribution 4 12
C03 推动解决群众急难愁盼问题 contribution 3 12
C04 获得表彰、经验被推广 contribution 5 10
"""


def test_load_default_rules_installs_the_issue_table_exactly():
    out = io.StringIO()
    call_command("load_default_rules", "2026", stdout=out)
    rule_set = RuleSet.objects.get(year=2026)
    got = [
        (r.code, r.name, r.dimension, r.points, r.yearly_cap)
        for r in rule_set.rules.order_by("code")
    ]
    expected = []
    for line in ISSUE_TABLE.strip().splitlines():
        code, name, dimension, points, cap = line.split()
        expected.append(
            (code, name, dimension, Decimal(points), None if cap == "none" else Decimal(cap))
        )
    assert sorted(got) == sorted(expected)
    assert (rule_set.base_cap, rule_set.innovation_cap, rule_set.contribution_cap) == (60, 20, 20)
    assert (rule_set.excellent_min, rule_set.competent_min, rule_set.basic_min) == (85, 70, 60)
    assert rule_set.excellence_quota == Decimal("0.20")
    assert "15 条积分规则" in out.getvalue()


def test_load_default_rules_is_idempotent_and_keeps_staff_edits():
    call_command("load_default_rules", "2026", stdout=io.StringIO())
    Rule.objects.filter(rule_set__year=2026, code="B04").update(points=Decimal("1.5"))
    Rule.objects.filter(rule_set__year=2026, code="C04").delete()
    call_command("load_default_rules", "2026", stdout=io.StringIO())
    call_command("load_default_rules", "2026", stdout=io.StringIO())
    assert RuleSet.objects.count() == 1
    assert Rule.objects.filter(rule_set__year=2026).count() == len(DEFAULT_RULES)
    assert Rule.objects.get(rule_set__year=2026, code="B04").points == Decimal("1.5")


def test_load_default_rules_refuses_to_add_to_a_frozen_year():
    rule_set_load_defaults(year=2025)
    rule_set_freeze(year=2025)
    Rule.objects.filter(rule_set__year=2025, code="C04").delete()
    with pytest.raises(CommandError, match="已封存"):
        call_command("load_default_rules", "2025", stdout=io.StringIO())


# --- compute_assessment ----------------------------------------------------------------------


def test_compute_assessment_scores_and_reports(give):
    rule_set_load_defaults(year=2025)
    deputy = DeputyFactory()
    give(deputy, B02=2)
    out = io.StringIO()
    call_command("compute_assessment", "--year", "2025", stdout=out)
    assert Assessment.objects.get(deputy=deputy).base == Decimal("6")
    assert "1 人参评" in out.getvalue()
    out = io.StringIO()
    call_command("compute_assessment", "--year", "2025", stdout=out)
    assert "0 条更新" in out.getvalue()


def test_compute_assessment_refuses_a_frozen_year():
    rule_set_load_defaults(year=2025)
    rule_set_freeze(year=2025)
    with pytest.raises(CommandError) as exc:
        call_command("compute_assessment", "--year", "2025")
    assert str(exc.value) == ERR_YEAR_FROZEN % {"year": 2025}


def test_compute_assessment_without_rules_is_a_clear_error():
    with pytest.raises(CommandError, match="尚未设置积分规则"):
        call_command("compute_assessment", "--year", "2019")


# --- import_ledger ---------------------------------------------------------------------------


def _csv(tmp_path, rows, header=("deputy_code", "date", "rule_code", "title")):
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _xlsx(tmp_path, rows, header):
    workbook = Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(list(row))
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def two_deputies(db):
    rule_set_load_defaults(year=2025)
    return DeputyFactory(code="D001"), DeputyFactory(code="D002")


def test_import_csv_with_english_headers_creates_verified_entries(tmp_path, two_deputies):
    a, b = two_deputies
    path = _csv(
        tmp_path,
        [
            ("D001", "2025-03-01", "B01", "工委例会"),
            ("D002", "2025/4/2", "b02", "视察老旧小区改造"),
        ],
    )
    out = io.StringIO()
    call_command("import_ledger", str(path), stdout=out)
    assert "已导入 2 条" in out.getvalue()
    entries = LedgerEntry.objects.order_by("deputy__code")
    assert [(e.deputy, e.rule.code, e.occurred_on) for e in entries] == [
        (a, "B01", date(2025, 3, 1)),
        (b, "B02", date(2025, 4, 2)),
    ]
    assert {e.status for e in entries} == {EntryStatus.VERIFIED}
    assert all(e.reviewed_at for e in entries)


def test_import_xlsx_with_chinese_headers(tmp_path, two_deputies):
    header = ("代表编号", "履职日期", "规则编号", "事项", "地点")
    path = _xlsx(
        tmp_path, [("D001", date(2025, 6, 1), "C03", "协调解决停车难", "东湖社区")], header
    )
    call_command("import_ledger", str(path), stdout=io.StringIO())
    entry = LedgerEntry.objects.get()
    assert (entry.rule.code, entry.place, entry.status) == ("C03", "东湖社区", "verified")


def test_import_is_all_or_nothing_with_line_numbered_errors(tmp_path, two_deputies):
    DeputyFactory(
        code="D003", status=Status.RESIGNED, status_date=date(2025, 5, 1), status_reason="迁出"
    )
    path = _csv(
        tmp_path,
        [
            ("D001", "2025-03-01", "B01", "工委例会"),  # line 2: fine
            ("D999", "2025-03-01", "B01", "例会"),  # 3: unknown deputy
            ("D001", "2025-03-01", "X99", "例会"),  # 4: unknown rule
            ("D001", "2025-13-01", "B01", "例会"),  # 5: bad date
            ("D002", "", "B01", "例会"),  # 6: missing date
            ("D003", "2025-06-01", "B01", "例会"),  # 7: after resignation
            ("D001", "2025-03-01", "B01", "工委例会"),  # 8: duplicate of line 2
            ("D001", "1999-03-01", "B01", "例会"),  # 9: implausible year
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="7 处错误"):
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split("：")[0][:5] for line in lines] == [
        f"第 {n} 行" for n in (3, 4, 5, 6, 7, 8, 9)
    ]
    text = err.getvalue()
    assert "D999" in text and "X99" in text and "离任" in text and "第 2 行重复" in text
    assert LedgerEntry.objects.count() == 0


def test_import_refuses_rows_already_in_the_ledger(tmp_path, two_deputies):
    path = _csv(tmp_path, [("D001", "2025-03-01", "B01", "工委例会")])
    call_command("import_ledger", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert LedgerEntry.objects.count() == 1


def test_import_missing_column_and_missing_file(tmp_path, two_deputies):
    path = _csv(tmp_path, [("D001", "2025-03-01", "工委例会")], header=("代表编号", "日期", "事项"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=err)
    assert "rule_code" in err.getvalue()
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_ledger", str(tmp_path / "nope.csv"))


def test_import_into_a_frozen_year_is_refused(tmp_path, two_deputies):
    rule_set_freeze(year=2025)
    path = _csv(tmp_path, [("D001", "2025-03-01", "B01", "工委例会")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=err)
    assert "已封存" in err.getvalue()


# --- annual_report ---------------------------------------------------------------------------


@pytest.fixture
def year_2025(give):
    rule_set_load_defaults(year=2025)
    star = DeputyFactory(code="D001", name="欧阳明远")
    middle = DeputyFactory(code="D002", name="李秀英")
    idle = DeputyFactory(code="D003", name="王建国")
    give(star, **FULL_MARKS)  # 98
    give(middle, B01=5, B02=5, B03=6, B04=6, I01=1, C01=2)  # 10+15+12+6+4+4 = 51
    give(idle, I03=1)  # 3, and no base entry
    return star, middle, idle


def _report(tmp_path, fmt, year=2025):
    path = tmp_path / f"report.{fmt}"
    out = io.StringIO()
    call_command("annual_report", "--year", str(year), "--format", fmt, "--output", str(path),
                 stdout=out)  # fmt: skip
    assert "3 名代表" in out.getvalue()
    return path


def _csv_table(path):
    """The report's rows below its title line (the committee's name and when it was made)."""
    title, *rows = csv.reader(path.read_text(encoding="utf-8-sig").splitlines())
    assert title[0] == settings.LVZHI_COMMITTEE_NAME and title[-1].startswith("生成时间：")
    return rows


def test_annual_report_csv_recomputes_an_open_year(tmp_path, year_2025):
    assert not Assessment.objects.exists()
    rows = _csv_table(_report(tmp_path, "csv"))
    assert rows[0][:4] == ["名次", "代表编号", "姓名", "代表层级"]
    assert rows[1][:9] == ["1", "D001", "欧阳明远", "街道议政代表", "60.0", "18.0", "20.0",
                           "98.0", "优秀"]  # fmt: skip
    assert rows[2][1] == "D002" and rows[2][7] == "51.0" and rows[2][8] == "不称职"
    assert rows[3][1] == "D003" and rows[3][10] == "是"  # exit candidate: no base entry
    assert Assessment.objects.count() == 3


def test_annual_report_of_an_open_year_follows_the_ledger(tmp_path, year_2025, give):
    _report(tmp_path, "csv")
    idle = year_2025[2]
    give(idle, B02=5)
    rows = _csv_table(_report(tmp_path, "csv"))
    assert [r[1] for r in rows[1:]] == ["D001", "D002", "D003"]
    assert rows[3][7] == "18.0"


def test_annual_report_of_a_frozen_year_is_not_recomputed(tmp_path, year_2025, give):
    rule_set_freeze(year=2025)
    idle = year_2025[2]
    give(idle, B02=5)  # behind the freeze's back
    rows = _csv_table(_report(tmp_path, "csv"))
    assert rows[3][7] == "3.0"


def test_annual_report_xlsx_has_distribution_and_consequence_sheets(tmp_path, year_2025):
    workbook = load_workbook(_report(tmp_path, "xlsx"))
    assert workbook.sheetnames == ["2025年度考核", "等次分布", "连任推荐", "劝辞对象"]
    title, _header, *table = workbook["2025年度考核"].values
    assert title[0] == settings.LVZHI_COMMITTEE_NAME
    assert table[0][:3] == (1, "D001", "欧阳明远") and table[0][7] == 98
    distribution = {row[0]: row[1] for row in list(workbook["等次分布"].values)[1:]}
    assert distribution == {"优秀": 1, "称职": 0, "基本称职": 0, "不称职": 2}
    exits = list(workbook["劝辞对象"].values)[1:]
    assert [row[0] for row in exits] == ["D003"]
    assert "全年无基础履职记录" in exits[0][4]


def test_annual_report_pdf_shows_chinese(tmp_path, year_2025):
    import pypdfium2 as pdfium

    path = _report(tmp_path, "pdf")
    pdf = pdfium.PdfDocument(str(path))
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    for word in ("欧阳明远", "李秀英", "王建国", "优秀", "不称职", "年度代表履职考核报告"):
        assert word in text, word
    image = page.render(scale=1.5).to_pil()
    image.save(tmp_path / "page1.png")
    # Glyphs were drawn: a page of only boxes or blanks would be near-uniform.
    assert len(set(image.convert("L").tobytes())) > 20
    pdf.close()


def test_annual_report_unknown_year_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="没有积分规则"):
        call_command("annual_report", "--year", "2019", "--format", "csv",
                     "--output", str(tmp_path / "x.csv"))  # fmt: skip


def test_report_grades_match_the_scoring(year_2025, tmp_path):
    _report(tmp_path, "csv")
    grades = dict(Assessment.objects.values_list("deputy__code", "grade"))
    assert grades == {"D001": Grade.EXCELLENT, "D002": Grade.INCOMPETENT, "D003": Grade.INCOMPETENT}
