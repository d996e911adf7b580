"""The annual assessment report: ranked table, grade distribution, consequence lists.

The report is written row by row, whatever the number of deputies: ``AnnualReport`` holds
only the year's summary (the grade counts, from one grouped query); its tables are generators
over ``iterator()`` queries that flag each row in SQL (re-election, exit, reported to voters)
instead of holding id sets in memory. CSV is written line by line, xlsx in openpyxl's
write-only mode, the PDF a page at a time (``_StreamedTable``). Every format says whose report
it is and when it was generated: the CSV and the first sheet on their first line
(``core.tabular.title_line``), the PDF on every page (``core.pdf``, which also embeds the font).
"""

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock, pdf
from core.tabular import (
    STREAM_CHUNK,
    Sheet,
    csv_chunks,
    dated_filename,
    formula_safe,
    spooled_file_response,
    stream_response,
    title_line,
    write_csv,
    write_xlsx,
)
from deputies.models import Level

from .models import (
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Grade,
    ReportStatus,
    RuleSet,
    VoterReport,
)
from .scoring import assessment_compute
from .selectors import ExitCandidate, exit_subqueries, reelection_candidates, standings

FORMATS = ("csv", "xlsx", "pdf")
ERR_NO_RULE_SET = gettext_noop("%(year)s 年度没有积分规则，无法生成报告。")
ERR_FORMAT = gettext_noop("不支持的格式：%(fmt)s")
REPORT_TITLE = gettext_noop("%(year)s 年度代表履职考核报告")
PDF_ROWS_PER_BATCH = 60  # rows read ahead while a PDF page is laid out


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


def _reelection_headers() -> list[str]:
    return [_("代表编号"), _("姓名"), _("代表层级"), _("处理决定")]


def _exit_headers() -> list[str]:
    return [_("代表编号"), _("姓名"), _("代表层级"), _("总分"), _("原因"), _("处理决定")]


def _grade_headers() -> list[str]:
    return [_("等次"), _("人数"), _("占比")]


def _decision(year: int, kind: str, deputy: str) -> Subquery:
    """The committee's decision on the ``kind`` list for the deputy in ``deputy`` (at most one:
    a constraint says so)."""
    return Subquery(
        ConsequenceDecision.objects.filter(deputy=OuterRef(deputy), year=year, kind=kind).values(
            "decision"
        )[:1]
    )


def _with_exit_flags(qs: QuerySet[Assessment], year: int) -> QuerySet[Assessment]:
    """The two 劝辞 criteria of ``selectors.exit_candidates`` as columns of each row."""
    incompetent_before, no_base = exit_subqueries(year)
    return qs.annotate(
        incompetent_twice=ExpressionWrapper(
            Q(Exists(incompetent_before)) & Q(grade=Grade.INCOMPETENT),
            output_field=BooleanField(),
        ),
        has_base=ExpressionWrapper(~no_base, output_field=BooleanField()),
    )


@dataclass
class AnnualReport:
    """The year's report: the summary is here, the tables are read while they are written."""

    year: int
    rule_set: RuleSet
    grades: list[tuple[str, int, str]]
    deputies: int

    def rows(self) -> Iterator[list[Any]]:
        """The ranked table, one list per deputy, flags answered by the database per row."""
        year = self.year
        reported = VoterReport.objects.filter(
            deputy=OuterRef("deputy"),
            plan__year=year,
            status__in=[ReportStatus.HELD, ReportStatus.VERIFIED],
        )
        reelect = reelection_candidates(year).filter(pk=OuterRef("deputy"))
        qs = (
            _with_exit_flags(standings(year), year)
            .annotate(reelect=Exists(reelect), reported=Exists(reported))
            .values_list(
                "rank",
                "deputy__code",
                "deputy__name",
                "deputy__level",
                "base",
                "innovation",
                "contribution",
                "total",
                "grade",
                "reelect",
                "incompetent_twice",
                "has_base",
                "reported",
            )
        )
        yes, no = _("是"), _("否")
        levels, grades = dict(Level.choices), dict(Grade.choices)
        for row in qs.iterator(chunk_size=STREAM_CHUNK):
            rank, code, name, level, base, innovation, contribution, total, grade = row[:9]
            reelected, incompetent_twice, has_base, reported_to_voters = row[9:]
            yield [
                rank,
                code,
                name,
                str(levels.get(level, level)),
                base,
                innovation,
                contribution,
                total,
                str(grades.get(grade, grade)),
                yes if reelected else no,
                yes if incompetent_twice or not has_base else no,
                yes if reported_to_voters else no,
            ]

    def reelection(self) -> Iterator[list[Any]]:
        """连任推荐: the deputies of ``selectors.reelection_candidates`` with the decision."""
        qs = reelection_candidates(self.year).annotate(
            decision_value=_decision(self.year, ConsequenceKind.REELECTION, "pk")
        )
        decisions = dict(Decision.choices)
        for deputy in qs.iterator(chunk_size=STREAM_CHUNK):
            yield [
                deputy.code,
                deputy.name,
                deputy.get_level_display(),
                str(decisions.get(deputy.decision_value, "")),
            ]

    def exits(self) -> Iterator[list[Any]]:
        """劝辞对象 with their reasons and the decision, in rank order."""
        qs = (
            _with_exit_flags(Assessment.objects.filter(rule_set__year=self.year), self.year)
            .filter(Q(incompetent_twice=True) | Q(has_base=False))
            .annotate(decision_value=_decision(self.year, ConsequenceKind.EXIT, "deputy"))
            .order_by("rank", "deputy__code")
            .values_list(
                "deputy__code",
                "deputy__name",
                "deputy__level",
                "total",
                "incompetent_twice",
                "has_base",
                "decision_value",
            )
        )
        levels, decisions = dict(Level.choices), dict(Decision.choices)
        for code, name, level, total, incompetent_twice, has_base, decision in qs.iterator(
            chunk_size=STREAM_CHUNK
        ):
            reasons = ExitCandidate(None, None, incompetent_twice, not has_base).reasons
            yield [
                code,
                name,
                str(levels.get(level, level)),
                total,
                reasons,
                str(decisions.get(decision, "")),
            ]


def annual_report_build(*, year: int, actor=None, today: date | None = None) -> AnnualReport:
    """Collect the report's summary; an open year is recomputed first so it matches the
    ledger (its roster as of ``today`` while the year is running). The tables are read later,
    row by row, as they are written."""
    rule_set = RuleSet.objects.filter(year=year).first()
    if rule_set is None:
        raise ReportError(_(ERR_NO_RULE_SET) % {"year": year})
    if not rule_set.frozen:
        assessment_compute(year=year, actor=actor, today=today)
    counts = dict(
        Assessment.objects.filter(rule_set=rule_set)
        .values_list("grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assessed = sum(counts.values())
    share = assessed or 1
    grades = [
        (str(grade.label), counts.get(grade.value, 0), f"{counts.get(grade.value, 0) / share:.0%}")
        for grade in Grade
    ]
    return AnnualReport(year, rule_set, grades, assessed)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportError(_(ERR_FORMAT) % {"fmt": fmt})


def _title(report: AnnualReport) -> str:
    return _(REPORT_TITLE) % {"year": report.year}


def write_report(
    report: AnnualReport, fmt: str, target: IO[bytes], *, now: datetime | None = None
) -> None:
    """Write the report to a binary file, row by row: CSV holds the ranked table; xlsx and
    PDF add the grade distribution and the two consequence lists. ``now`` is the generation
    time the file states."""
    _check_format(fmt)
    moment = now or clock.now()
    if fmt == "csv":
        caption = title_line(_title(report), now=moment)
        write_csv(target, report_headers(), report.rows(), caption=caption)
    elif fmt == "xlsx":
        _xlsx(report, target, moment)
    else:
        _pdf(report, target, moment)


def report_bytes(report: AnnualReport, fmt: str, *, now: datetime | None = None) -> bytes:
    """The whole file in memory: for tests and small years; downloads use ``report_response``."""
    import io

    buffer = io.BytesIO()
    write_report(report, fmt, buffer, now=now)
    return buffer.getvalue()


def report_filename(report: AnnualReport, fmt: str, *, now: datetime | None = None) -> str:
    return dated_filename(f"assessment-{report.year}", fmt, now=now)


def report_response(report: AnnualReport, fmt: str, *, now: datetime | None = None):
    """The report as a download named with the moment it was taken (which its first line or
    its pages state too): CSV streamed while it is sent, xlsx and PDF written to a temporary
    file first (both need the whole file)."""
    _check_format(fmt)
    moment = now or clock.now()
    filename = report_filename(report, fmt, now=moment)
    if fmt == "csv":
        caption = title_line(_title(report), now=moment)
        return stream_response(
            csv_chunks(report_headers(), report.rows(), caption=caption), filename
        )
    return spooled_file_response(
        lambda target: write_report(report, fmt, target, now=moment), filename
    )


def _xlsx(report: AnnualReport, target: IO[bytes], now: datetime) -> None:
    def sheet(title: str, headers: list[str], rows, caption=None) -> Sheet:
        widths = [max(8, len(header) * 2 + 2) for header in headers]
        return Sheet(
            title,
            headers,
            rows,
            bold_header=True,
            widths=widths,
            freeze_header=True,
            caption=caption,
        )

    write_xlsx(
        target,
        [
            sheet(
                _("%(year)s年度考核") % {"year": report.year},
                report_headers(),
                report.rows(),
                caption=title_line(_title(report), now=now),
            ),
            sheet(_("等次分布"), _grade_headers(), [list(g) for g in report.grades]),
            sheet(_("连任推荐"), _reelection_headers(), report.reelection()),
            sheet(_("劝辞对象"), _exit_headers(), report.exits()),
        ],
    )


def _pdf_table_style():
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), pdf.FONT, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#b3261e")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f5f3")]),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )


def _pdf_table(headers: list[str], rows: list[list[Any]]):
    from reportlab.platypus import Table

    data = [headers, *rows] if rows else [headers, ["—"]]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(_pdf_table_style())
    return table


def _streamed_table(headers: list[str], rows: Iterator[list[Any]]):
    """A table flowable fed by an iterator: it reads only the rows of the page being laid out
    (plus a batch), so a report of any length keeps one page of rows in memory."""
    from reportlab.platypus import Flowable

    class StreamedTable(Flowable):
        def __init__(self, pending: list[list[Any]], source: Iterator[list[Any]], started: bool):
            super().__init__()
            self.hAlign = "LEFT"
            self._pending, self._source, self._started = pending, source, started
            self._exhausted = False
            self._table = None

        def _read(self) -> bool:
            """Read one more batch; False once the source is empty."""
            before = len(self._pending)
            for row in self._source:
                self._pending.append([_plain(formula_safe(v)) for v in row])
                if len(self._pending) - before >= PDF_ROWS_PER_BATCH:
                    return True
            self._exhausted = True
            return len(self._pending) > before

        def wrap(self, avail_width, avail_height):
            # Read until the rows overflow the space left, or there are no more rows.
            while True:
                if not self._pending and not self._exhausted:
                    self._read()
                self._table = _pdf_table(headers, self._pending)
                width, height = self._table.wrap(avail_width, avail_height)
                if height > avail_height or self._exhausted:
                    self.width, self.height = width, height
                    return width, height
                self._read()

        def split(self, avail_width, avail_height):
            parts = _pdf_table(headers, self._pending).split(avail_width, avail_height)
            if not parts:
                return []
            shown = len(parts[0]._cellvalues) - 1  # its data rows, after the header
            if shown < 1 or (shown >= len(self._pending) and self._exhausted):
                return [] if shown < 1 else parts[:1]
            rest = StreamedTable(self._pending[shown:], self._source, True)
            rest._exhausted = self._exhausted
            return [parts[0], rest]

        def draw(self):
            self._table.drawOn(self.canv, 0, 0)

    return StreamedTable([], iter(rows), False)


_PDF_SAVE_LOCK = threading.Lock()


@contextmanager
def _pdf_spooled(target: IO[bytes]):
    """Keep a long PDF out of memory. ReportLab holds every page's drawing operators until it
    saves, and then assembles the whole file in a list of strings: thousands of pages of a
    district's report would cost hundreds of megabytes. Here each finished page's stream is
    compressed into a temporary file at once (the page keeps only where it lies), and while
    saving, the file is written straight to ``target`` instead of being collected. Yields the
    canvas class to build with. The save step swaps ReportLab's file collector, so one build
    at a time (a lock)."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfgen.canvas import Canvas

    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed below

    class SpooledStream(pdfdoc.PDFStream):
        def __init__(self, offset: int, length: int):
            super().__init__(filters=[])
            self.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            self._where = (offset, length)

        @property
        def content(self):
            offset, length = self._where
            spool.seek(offset)
            return spool.read(length)

        @content.setter
        def content(self, value):  # PDFStream.__init__ sets it; the bytes live in the spool
            pass

    class SpoolingCanvas(Canvas):
        def showPage(self):
            super().showPage()
            page = self._doc.Pages.pages[-1]
            if page.stream and not page.Contents:
                data = pdfdoc.PDFZCompress.encode(page.stream)
                spool.seek(0, 2)
                offset = spool.tell()
                spool.write(data)
                page.Contents = SpooledStream(offset, len(data))
                page.stream = None

    class WritingFile(pdfdoc.PDFFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for chunk in self.strings:
                target.write(chunk)
            self.strings = []
            self.write = target.write

        def format(self, document):
            return b""  # already written

    try:
        with _PDF_SAVE_LOCK:
            collector, pdfdoc.PDFFile = pdfdoc.PDFFile, WritingFile
            try:
                yield SpoolingCanvas
            finally:
                pdfdoc.PDFFile = collector
    finally:
        spool.close()


def _pdf(report: AnnualReport, target: IO[bytes], now: datetime) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    styles = pdf.styles()
    title_style, heading, body = styles["title"], styles["heading"], styles["small"]
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
        _streamed_table(report_headers(), report.rows()),
        Paragraph(_("等次分布"), heading),
        _pdf_table(_grade_headers(), [list(g) for g in report.grades]),
        Paragraph(_("连任推荐（连续三年优秀）"), heading),
        _streamed_table(_reelection_headers(), report.reelection()),
        Paragraph(_("劝辞对象（连续两年不称职或全年无基础履职记录）"), heading),
        _streamed_table(_exit_headers(), report.exits()),
    ]
    with _pdf_spooled(target) as canvas_class:
        pdf.build(
            target,
            story,
            title=_title(report),
            pagesize=landscape(A4),
            margins=(12 * mm, 12 * mm, 16 * mm, 16 * mm),
            now=now,
            canvas_base=canvas_class,
        )
