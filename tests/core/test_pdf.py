"""Every PDF embeds its Chinese font (issue #12): it reads the same on a machine with no Chinese
font, and each page names the committee, the generation time and "第 N 页 / 共 M 页"."""

import logging
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from core import pdf

TAKEN = datetime(2026, 12, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "config", "core", "deputies", "liaison", "performance", "suggestions",
        "training")  # fmt: skip
EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def _sample(pages: int = 3) -> bytes:
    import io

    from reportlab.platypus import PageBreak, Paragraph

    styles = pdf.styles()
    story = []
    for page in range(pages):
        story += [Paragraph(f"第{page + 1}部分：代表联系选民工作情况", styles["heading"])]
        story += [
            Paragraph("街道人大工委组织代表进站接待选民，收集意见建议。" * 12, styles["body"])
        ]
        story += [PageBreak()] if page < pages - 1 else []
    buffer = io.BytesIO()
    assert pdf.build(buffer, story, title="测试报告", now=TAKEN) == pages
    return buffer.getvalue()


def _annual_report() -> bytes:
    from performance.report import annual_report_build, report_bytes
    from tests.deputies.factories import DeputyFactory
    from tests.performance.test_report_streaming import _assess

    _assess([DeputyFactory(code="R001", name="欧阳明远"), DeputyFactory(code="R002")])
    return report_bytes(annual_report_build(year=2025), "pdf", now=TAKEN)


def _learning_archive() -> bytes:
    from tests.deputies.factories import DeputyFactory
    from training.pdf import archive_pdf
    from training.selectors_archive import learning_archive

    return archive_pdf(learning_archive(DeputyFactory(name="欧阳明远")), now=TAKEN)


PROJECT_PDFS = {"annual_report": _annual_report, "learning_archive": _learning_archive}


def _pages(content: bytes) -> list[str]:
    """Each page's text, whitespace removed (the layout spaces letters differently)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        return ["".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def _font_names(content: bytes) -> set[str]:
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", content)}


def _assert_embedded(content: bytes) -> None:
    names = _font_names(content)
    # only subsets of the vendored font: no STSong-Light, not even ReportLab's Helvetica
    assert names and all(re.fullmatch(r"[A-Z]{6}\+LvzhiSansSC-Regular", n) for n in names), names
    assert content.count(b"/FontFile2") >= len(names)  # each with its font program inside
    assert b"STSong" not in content


@pytest.fixture(params=sorted(PROJECT_PDFS))
def project_pdf(request, db) -> bytes:
    return PROJECT_PDFS[request.param]()


def test_every_project_pdf_embeds_the_font_and_carries_the_letterhead(project_pdf):
    _assert_embedded(project_pdf)
    pages = _pages(project_pdf)
    for number, text in enumerate(pages, start=1):
        assert settings.LVZHI_COMMITTEE_NAME in text
        assert "生成时间：2026-12-0209:30" in text
        assert f"第{number}页/共{len(pages)}页" in text
    assert "欧阳明远" in "".join(pages)


def test_page_numbers_count_every_page():
    pages = _pages(_sample(pages=3))
    assert [re.search(r"第(\d+)页/共(\d+)页", text).groups() for text in pages] == [
        ("1", "3"),
        ("2", "3"),
        ("3", "3"),
    ]


def test_the_letterhead_follows_the_committee_setting(settings):
    settings.LVZHI_COMMITTEE_NAME = "东湖街道人大工委"
    assert all("东湖街道人大工委" in text for text in _pages(_sample(pages=2)))


def test_a_character_outside_the_font_is_drawn_as_the_placeholder_and_logged(caplog):
    import io

    from reportlab.platypus import Paragraph, Table

    rare = "\U0002070e"  # 𠜎, CJK extension B: not in the subset
    assert pdf.covered(f"王{rare}") == "王〓"
    buffer = io.BytesIO()
    story = [Paragraph(f"代表姓名：王{rare}明", pdf.styles()["body"]), Table([[f"李{rare}"]])]
    with caplog.at_level(logging.WARNING, logger="core.pdf"):
        pdf.build(buffer, story, title=f"档案：王{rare}", now=TAKEN)
    text = "".join(_pages(buffer.getvalue()))
    assert "代表姓名：王〓明" in text and rare not in text
    assert "U+2070E" in caplog.text


def test_no_module_names_a_font_it_does_not_embed():
    """STSong-Light (and any CID font) is only named in the PDF, never embedded: gone for good
    (``core.pdf`` says in its docstring what it replaced)."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "core" / "pdf.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "STSong" in text or "UnicodeCIDFont" in text or "cidfonts" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_font_covers_every_chinese_character_the_code_prints():
    """Labels, headings and messages in the code never fall back to 〓."""
    from reportlab.pdfbase import pdfmetrics

    pdf.register_font()
    glyphs = pdfmetrics.getFont(pdf.FONT).face.charToGlyph
    assert len(glyphs) > 7000  # GB2312's 6,763 hanzi and more
    missing = set()
    for app in (*APPS, "templates"):
        for path in (ROOT / app).rglob("*"):
            if path.suffix in (".py", ".html", ".txt"):
                text = path.read_text(encoding="utf-8")
                missing |= {
                    ch for ch in text if 0x2E80 <= ord(ch) < 0xFFFF and ord(ch) not in glyphs
                }
    assert missing == set()


def _render(content: bytes, tmp_path: Path, name: str, env: dict) -> bytes:
    source = tmp_path / "doc.pdf"
    source.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / name)],
        check=True,
        env=env,
        timeout=60,
    )
    return next(tmp_path.glob(f"{name}*.png")).read_bytes()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_a_machine_without_any_font_renders_the_same_page(project_pdf, tmp_path):
    """With a fontconfig that lists no font at all, the first page renders exactly as with the
    system's fonts: everything it draws comes from the file."""
    import os

    from PIL import Image

    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"))
    bare = {**os.environ, "FONTCONFIG_FILE": str(config)}
    listed = subprocess.run(["fc-list"], env=bare, capture_output=True, text=True, check=False)
    assert listed.stdout.strip() == "" or shutil.which("fc-list") is None
    without_fonts = _render(project_pdf, tmp_path, "bare", bare)
    with_fonts = _render(project_pdf, tmp_path, "system", dict(os.environ))
    assert without_fonts == with_fonts
    # ... and it is a page of text, not of boxes: many distinct shades where glyphs are drawn
    import io

    image = Image.open(io.BytesIO(without_fonts)).convert("L")
    assert len(set(image.tobytes())) > 20
    dark = sum(1 for value in image.tobytes() if value < 128)
    assert dark > 500
