"""The annual assessment report: ranked table, grade distribution, consequence lists."""

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.tabular import table_bytes

from .models import Grade, RuleSet
from .scoring import assessment_compute
from .selectors import consequence_lists, reported_deputy_ids, standings

FORMATS = ("csv", "xlsx", "pdf")
ERR_NO_RULE_SET = gettext_noop("%(year)s 年度没有积分规则，无法生成报告。")
PDF_FONT = "STSong-Light"


class ReportError(Exception):
    pass


def report_headers() -> list[str]:
    return [
        _("名次"),
        _("代表编号"),
        _("姓名"),
        _("代表层级"),
        _("基础分"),
        _("创新分"),
        _("贡献分"),
        _("总分"),
        _("等次"),
        _("连任推荐"),
        _("劝辞对象"),
        _("已向选民述职"),
    ]


@dataclass
class AnnualReport:
    year: int
    rule_set: RuleSet
    rows: list[list[Any]]
    grades: list[tuple[str, int, str]]
    reelection: list[list[Any]]
    exits: list[list[Any]]


def annual_report_build(*, year: int, actor=None, today: date | None = None) -> AnnualReport:
    """Collect the report; an open year is recomputed first so it matches the ledger (its
    roster as of ``today`` while the year is running)."""
    rule_set = RuleSet.objects.filter(year=year).first()
    if rule_set is None:
        raise ReportError(_(ERR_NO_RULE_SET) % {"year": year})
    if not rule_set.frozen:
        assessment_compute(year=year, actor=actor, today=today)
    lists = consequence_lists(year)
    reelect_ids = {d.pk for d, _decision in lists["reelection"]}
    exit_ids = {c.deputy.pk for c, _decision in lists["exit"]}
    reported = reported_deputy_ids(year)
    yes, no = _("是"), _("否")
    assessments = list(standings(year))
    rows = [
        [
            a.rank,
            a.deputy.code,
            a.deputy.name,
            a.deputy.get_level_display(),
            a.base,
            a.innovation,
            a.contribution,
            a.total,
            a.get_grade_display(),
            yes if a.deputy_id in reelect_ids else no,
            yes if a.deputy_id in exit_ids else no,
            yes if a.deputy_id in reported else no,
        ]
        for a in assessments
    ]
    counts = Counter(a.grade for a in assessments)
    total = len(assessments) or 1
    grades = [
        (str(grade.label), counts.get(grade.value, 0), f"{counts.get(grade.value, 0) / total:.0%}")
        for grade in Grade
    ]
    reelection = [
        [d.code, d.name, d.get_level_display(), decision.get_decision_display() if decision else ""]
        for d, decision in lists["reelection"]
    ]
    exits = [
        [
            c.deputy.code,
            c.deputy.name,
            c.deputy.get_level_display(),
            c.assessment.total,
            c.reasons,
            decision.get_decision_display() if decision else "",
        ]
        for c, decision in lists["exit"]
    ]
    return AnnualReport(year, rule_set, rows, grades, reelection, exits)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def report_bytes(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "csv":
        return table_bytes("csv", report_headers(), [[_plain(v) for v in r] for r in report.rows])
    if fmt == "xlsx":
        return _xlsx(report)
    if fmt == "pdf":
        return _pdf(report)
    raise ReportError(_("不支持的格式：%(fmt)s") % {"fmt": fmt})


def _xlsx(report: AnnualReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheets = [
        (_("%(year)s年度考核") % {"year": report.year}, report_headers(), report.rows),
        (_("等次分布"), [_("等次"), _("人数"), _("占比")], [list(g) for g in report.grades]),
        (
            _("连任推荐"),
            [_("代表编号"), _("姓名"), _("代表层级"), _("处理决定")],
            report.reelection,
        ),
        (
            _("劝辞对象"),
            [_("代表编号"), _("姓名"), _("代表层级"), _("总分"), _("原因"), _("处理决定")],
            report.exits,
        ),
    ]
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title[:31]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        sheet.freeze_panes = "A2"
        for column, header in zip(sheet.columns, headers, strict=False):
            sheet.column_dimensions[column[0].column_letter].width = max(8, len(header) * 2 + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf(report: AnnualReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    title_style = ParagraphStyle("t", fontName=PDF_FONT, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("h", fontName=PDF_FONT, fontSize=12, leading=18, spaceBefore=6)
    body = ParagraphStyle("b", fontName=PDF_FONT, fontSize=9, leading=13)

    def table(headers, rows, widths=None):
        data = [headers, *[[_plain(v) for v in r] for r in rows]] if rows else [headers, ["—"]]
        t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), PDF_FONT, 8.5),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#b3261e")),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f6f5f3")],
                    ),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return t

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{report.year} 年度代表履职考核报告",
    )
    rs = report.rule_set
    story = [
        Paragraph(
            _("%(c)s %(y)s 年度代表履职考核报告")
            % {"c": settings.LVZHI_COMMITTEE_NAME, "y": report.year},
            title_style,
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            _(
                "计分办法：基础分上限 %(b)s、创新分上限 %(i)s、贡献分上限 %(c)s；优秀须总分不低于 "
                "%(e)s 且名次在前 %(q)s 以内，称职 %(m)s 分以上，基本称职 %(s)s 分以上。%(state)s"
            )
            % {
                "b": rs.base_cap,
                "i": rs.innovation_cap,
                "c": rs.contribution_cap,
                "e": rs.excellent_min,
                "q": rs.excellence_share,
                "m": rs.competent_min,
                "s": rs.basic_min,
                "state": _("本年度已封存。")
                if rs.frozen
                else _("本年度尚未封存，数据截至生成时。"),
            },
            body,
        ),
        Spacer(1, 3 * mm),
        table(report_headers(), report.rows),
        Paragraph(_("等次分布"), heading),
        table([_("等次"), _("人数"), _("占比")], [list(g) for g in report.grades]),
        Paragraph(_("连任推荐（连续三年优秀）"), heading),
        table([_("代表编号"), _("姓名"), _("代表层级"), _("处理决定")], report.reelection),
        Paragraph(_("劝辞对象（连续两年不称职或全年无基础履职记录）"), heading),
        table(
            [_("代表编号"), _("姓名"), _("代表层级"), _("总分"), _("原因"), _("处理决定")],
            report.exits,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
