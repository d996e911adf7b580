"""The printable learning archive (学习档案, A4 portrait, in Chinese).

Laid out by ``core.pdf``, like every PDF of the project: the embedded Chinese font, and on
every page the committee's name, the deputy's name, the moment the record was generated and
"第 N 页 / 共 M 页".
"""

import io
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock, pdf
from core.tabular import dated_filename
from deputies.models import Deputy

from .selectors_archive import LearningArchive, track_labels

NONE_SHOWN = "—"
TITLE = gettext_noop("%(committee)s 代表学习档案")
HEADER = gettext_noop("代表学习档案：%(name)s")


def _text(value: Any) -> str:
    if value is None or value == "":
        return NONE_SHOWN
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return str(value)


def _table(headers: list[str], rows: list[list[Any]], widths: list[float], styles):
    """A grid with a shaded header row repeated on each page; cells are paragraphs (escaped:
    a course title may hold ``<`` or ``&``) so long titles wrap instead of overflowing."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    def cell(value: Any):
        return Paragraph(escape(_text(value)), styles["cell"])

    data = [[cell(h) for h in headers], *[[cell(v) for v in row] for row in rows]]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1e3e1")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _section(title: str, headers, rows, widths, styles, empty: str) -> list:
    from reportlab.platypus import Paragraph

    flow = [Paragraph(escape(title), styles["heading"])]
    if rows:
        flow.append(_table(headers, rows, widths, styles))
    else:
        flow.append(Paragraph(escape(empty), styles["muted"]))
    return flow


def _story(archive: LearningArchive) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    styles = pdf.styles()
    deputy = archive.deputy
    title = _(TITLE) % {"committee": settings.LVZHI_COMMITTEE_NAME}
    facts = "　".join(
        f"{label}：{value}"
        for label, value in (
            (_("姓名"), deputy.name),
            (_("代表编号"), deputy.code),
            (_("代表层级"), deputy.get_level_display()),
            (_("届次"), deputy.term),
        )
    )
    hours_rows = [[str(row.year), *row.cells, row.total] for row in archive.years]
    if archive.years:
        hours_rows.append([_("合计"), *archive.total.cells, archive.total.total])
    story: list = [
        Paragraph(escape(title), styles["title"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(facts), styles["body"]),
        Spacer(1, 2 * mm),
    ]
    story += _section(
        _("学时统计"),
        [_("年度"), *track_labels(), _("合计")],
        hours_rows,
        [30 * mm, 36 * mm, 36 * mm, 36 * mm, 36 * mm],
        styles,
        _("暂无出勤学时。"),
    )
    story += _section(
        _("已结业课程"),
        [_("课程"), _("类别"), _("形式"), _("结业日期"), _("学时")],
        [
            [c.title, c.track, c.format, f"{c.completed_on:%Y-%m-%d}", c.hours]
            for c in archive.completed
        ],
        [74 * mm, 26 * mm, 26 * mm, 30 * mm, 18 * mm],
        styles,
        _("暂无已结业课程。"),
    )
    story += _section(
        _("在学课程"),
        [_("课程"), _("类别"), _("出勤课次"), _("学时")],
        [
            [c.title, c.track, f"{c.sessions_attended}/{c.sessions_total}", c.hours]
            for c in archive.in_progress
        ],
        [90 * mm, 30 * mm, 32 * mm, 22 * mm],
        styles,
        _("暂无在学课程。"),
    )
    story += _section(
        _("测试成绩"),
        [_("课程"), _("已用/允许次数"), _("最高得分"), _("是否通过")],
        [
            [
                q.title,
                f"{q.attempts_used}/{q.attempts_allowed}",
                q.best_score,
                _("通过") if q.passed else (_("未通过") if q.attempts_used else _("未作答")),
            ]
            for q in archive.quizzes
        ],
        [90 * mm, 32 * mm, 26 * mm, 26 * mm],
        styles,
        _("暂无测试记录。"),
    )
    return story


def archive_pdf(archive: LearningArchive, *, now: datetime | None = None) -> bytes:
    """The archive as a PDF file in memory (a few pages at most: one deputy's record)."""
    from reportlab.lib.units import mm

    buffer = io.BytesIO()
    pdf.build(
        buffer,
        _story(archive),
        title=_(HEADER) % {"name": archive.deputy.name},
        margins=(18 * mm, 18 * mm, 18 * mm, 18 * mm),
        now=now or clock.now(),
    )
    return buffer.getvalue()


def archive_pdf_filename(deputy: Deputy, *, now: datetime | None = None) -> str:
    """``learning-archive-<code>-<YYYYMMDD>-<HHMM>.pdf`` (a code is letters, digits and
    hyphens)."""
    return dated_filename(f"learning-archive-{deputy.code}", "pdf", now=now)
