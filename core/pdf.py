"""Every PDF of the project: its Chinese font, and the committee's letterhead on each page.

The font is ``core/fonts/LvzhiSansSC-Regular.ttf`` (a subset of Noto Sans CJK SC, SIL Open Font
License; ``core/fonts/README.md``). ReportLab embeds the glyphs a document uses, so a PDF reads
the same on a machine with no Chinese font at all; the built-in CID font STSong-Light it
replaces was only named, and such a machine showed every character as a box. A character the
font lacks is drawn as 〓 (U+3013, the typesetters' mark for a missing character) and logged,
never left to the viewer.

``build`` lays a story out on pages that all carry the committee's name and the document's
title at the top, and the generation time and "第 N 页 / 共 M 页" at the bottom. The total is
only known at the end, so every page draws it from one form XObject that is written once the
last page is done: a document is laid out once, however long.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .tabular import GENERATED_AT, generated_at

logger = logging.getLogger(__name__)

FONT = "LvzhiSansSC"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "LvzhiSansSC-Regular.ttf"
MISSING_GLYPH = "\u3013"  # 〓
PAGE = gettext_noop("第 %(page)d 页 / 共 %(pages)s 页")
TOTAL_FORM = "lvzhiPageTotal"
LETTERHEAD_SIZE = 8.5
LETTERHEAD_GREY = 0.4
_PAGES_SLOT = "\x00"  # where the total goes inside the translated page label

_font_lock = threading.Lock()


def _font_class():
    from reportlab.pdfbase.ttfonts import TTFont

    class CoveredFont(TTFont):
        """The vendored font, drawing 〓 for any character it has no glyph for (ReportLab would
        draw the empty ``.notdef`` glyph and say nothing)."""

        def covered(self, text: str, *, report: bool = False) -> str:
            glyphs = self.face.charToGlyph
            if all(ord(ch) < 0x80 or ord(ch) in glyphs for ch in text):
                return text
            missing = sorted({ch for ch in text if ord(ch) >= 0x80 and ord(ch) not in glyphs})
            if report:
                logger.warning(
                    "PDF text has characters outside the font %s, drawn as %s: %s",
                    FONT,
                    MISSING_GLYPH,
                    " ".join(f"U+{ord(ch):04X}" for ch in missing),
                )
            return "".join(MISSING_GLYPH if ch in missing else ch for ch in text)

        def stringWidth(self, text, size, encoding="utf8"):
            if isinstance(text, bytes):
                text = text.decode(encoding)
            return super().stringWidth(self.covered(text), size, encoding)

        def splitString(self, text, doc, encoding="utf-8"):
            if isinstance(text, bytes):
                text = text.decode(encoding)
            return super().splitString(self.covered(text, report=True), doc, encoding)

    return CoveredFont


def register_font() -> str:
    """Register the font once per process (ReportLab keeps one registry); returns its name.
    Bold and italic map to the same face: there is one weight, and ``<b>`` must not fail."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_font_class()(FONT, str(FONT_FILE)))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)
    return FONT


def covered(text: str) -> str:
    """``text`` as the PDFs will draw it: characters outside the font become 〓."""
    from reportlab.pdfbase import pdfmetrics

    register_font()
    return pdfmetrics.getFont(FONT).covered(text)


def styles() -> dict[str, Any]:
    """The paragraph styles every document shares, in the vendored font."""
    from reportlab.lib.styles import ParagraphStyle

    register_font()
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1),
        "heading": ParagraphStyle(
            "heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12),
        "muted": ParagraphStyle(
            "muted", fontName=FONT, fontSize=9, leading=12, textColor="#666666"
        ),
    }


def page_label(page: int) -> tuple[str, str]:
    """The page label in the user's language, split where the total goes: ("第 3 页 / 共 ",
    " 页")."""
    text = _(PAGE) % {"page": page, "pages": _PAGES_SLOT}
    before, _slot, after = text.partition(_PAGES_SLOT)
    return before, after


def canvas_class(base=None):
    """A canvas (subclassing ``base``, ReportLab's by default) that counts its pages and, when
    the document is saved, writes the form every page's label shows the total from."""
    if base is None:
        from reportlab.pdfgen.canvas import Canvas as base

    class LetterheadCanvas(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.lvzhi_pages = 0

        def showPage(self):
            self.lvzhi_pages += 1
            super().showPage()

        def save(self):
            if self._code:  # a page still open: close it as ReportLab's save would
                self.showPage()
            _before, after = page_label(1)
            size = LETTERHEAD_SIZE  # the form clips to its box: leave room for descenders
            self.beginForm(TOTAL_FORM, 0, -size, 40 * size, 2 * size)
            self.setFont(FONT, LETTERHEAD_SIZE)
            self.setFillGray(LETTERHEAD_GREY)
            self.drawString(0, 0, f"{self.lvzhi_pages}{after}")
            self.endForm()
            super().save()

    return LetterheadCanvas


@dataclass(frozen=True)
class Letterhead:
    """What every page says besides its content."""

    title: str
    stamp: str  # the generation time, formatted
    committee: str

    def draw(self, canvas, doc) -> None:
        width, height = doc.pagesize
        left, right = doc.leftMargin, width - doc.rightMargin
        top, bottom = height - doc.topMargin / 2, doc.bottomMargin / 2
        canvas.saveState()
        canvas.setFont(FONT, LETTERHEAD_SIZE)
        canvas.setFillGray(LETTERHEAD_GREY)
        canvas.setStrokeGray(0.7)
        canvas.setLineWidth(0.4)
        canvas.drawString(left, top, self.committee)
        canvas.drawRightString(right, top, self.title)
        canvas.line(left, top - 3, right, top - 3)
        canvas.drawString(left, bottom, _(GENERATED_AT) % {"time": self.stamp})
        before, after = page_label(doc.page)
        reserve = canvas.stringWidth(f"{before}0000{after}", FONT, LETTERHEAD_SIZE)
        x = right - reserve
        canvas.drawString(x, bottom, before)
        canvas.translate(x + canvas.stringWidth(before, FONT, LETTERHEAD_SIZE), bottom)
        canvas.doForm(TOTAL_FORM)
        canvas.restoreState()


def build(
    target: IO[bytes] | str,
    story: list,
    *,
    title: str,
    pagesize: tuple[float, float] | None = None,
    margins: tuple[float, float, float, float] | None = None,
    now: datetime | None = None,
    canvas_base=None,
) -> int:
    """Lay ``story`` out into ``target`` on pages with the letterhead; returns the number of
    pages. ``margins`` are (left, right, top, bottom) in points (18 mm by default; the top and
    bottom ones hold the letterhead); ``canvas_base`` is a Canvas subclass to build on (the
    annual report's spooling canvas)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    register_font()
    left, right, top, bottom = margins or (18 * mm, 18 * mm, 18 * mm, 18 * mm)
    committee = settings.LVZHI_COMMITTEE_NAME
    letterhead = Letterhead(title=title, stamp=generated_at(now), committee=committee)
    doc = SimpleDocTemplate(
        target,
        pagesize=pagesize or A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=committee,
        creator=committee,
        initialFontName=FONT,  # else every page names Helvetica, a font the file lacks
    )
    on_page: Callable = letterhead.draw
    doc.build(
        story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=canvas_class(canvas_base)
    )
    return doc.page
