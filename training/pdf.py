"""The printable learning archive (学习档案, A4 portrait, in Chinese).

ReportLab's built-in CID font STSong-Light draws the Chinese text without shipping a font file
(the reader's PDF viewer supplies the glyphs), as the annual report does. Every page carries a
footer with the moment the record was generated and "第 N 页 / 共 M 页": the total is only
known once the document is laid out, so the story is laid out twice, first to count pages
(an archive is a few pages; the cost is small and no private canvas state is touched).
"""

import io
import threading
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.tabular import dated_filename
from deputies.models import Deputy

from .selectors_archive import LearningArchive, track_labels

FONT = "STSong-Light"
NONE_SHOWN = "—"
TIME_FORMAT = "%Y-%m-%d %H:%M"
TITLE = gettext_noop("%(committee)s 代表学习档案")
FOOTER = gettext_noop("生成时间：%(time)s")
PAGE = gettext_noop("第 %(page)d 页 / 共 %(pages)d 页")

_font_lock = threading.Lock()


def register_font() -> None:
    """Register the CID font once per process (ReportLab keeps a global registry)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1),
        "heading": ParagraphStyle(
            "heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12),
        "muted": ParagraphStyle(
            "muted", fontName=FONT, fontSize=9, leading=12, textColor="#666666"
        ),
    }


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

    styles = _styles()
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


def _footer(stamp: str, pages: int) -> Callable:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    width, _height = A4

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        canvas.drawString(18 * mm, 10 * mm, _(FOOTER) % {"time": stamp})
        canvas.drawRightString(
            width - 18 * mm, 10 * mm, _(PAGE) % {"page": doc.page, "pages": pages}
        )
        canvas.restoreState()

    return draw


def _build(archive: LearningArchive, target, stamp: str, pages: int) -> int:
    """Lay the archive out into ``target``; returns the number of pages it took."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    doc = SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=_(TITLE) % {"committee": settings.LVZHI_COMMITTEE_NAME},
        author=settings.LVZHI_COMMITTEE_NAME,
    )
    footer = _footer(stamp, pages)
    doc.build(_story(archive), onFirstPage=footer, onLaterPages=footer)
    return doc.page


def archive_pdf(archive: LearningArchive, *, now: datetime | None = None) -> bytes:
    """The archive as a PDF file in memory (a few pages at most: one deputy's record)."""
    register_font()
    moment = now or clock.now()
    stamp = timezone.localtime(moment, timezone.get_default_timezone()).strftime(TIME_FORMAT)
    pages = _build(archive, io.BytesIO(), stamp, 0)
    buffer = io.BytesIO()
    _build(archive, buffer, stamp, pages)
    return buffer.getvalue()


def archive_pdf_filename(deputy: Deputy, *, now: datetime | None = None) -> str:
    """``learning-archive-<code>-<YYYYMMDD>.pdf`` (a code is letters, digits and hyphens)."""
    return dated_filename(
        f"learning-archive-{deputy.code}", "pdf", today=clock.day_of(now or clock.now())
    )
