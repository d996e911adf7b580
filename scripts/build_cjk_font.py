"""Build ``core/fonts/LvzhiSansSC-Regular.ttf``: the Chinese font every PDF embeds.

ReportLab embeds only TrueType outlines (``glyf``); the freely licensed CJK fonts ship as
OpenType/CFF collections. This script takes the Simplified Chinese face of Noto Sans CJK (SIL
Open Font License 1.1), keeps the characters the committee's documents use (ASCII, Latin-1,
common punctuation and symbols, every GB2312 character: its 6,763 hanzi of levels 1 and 2 and
its symbols, plus the extras in ``core/fonts/extra-chars.txt``), converts the cubic CFF outlines
to quadratic TrueType ones, and renames the result: the OFL asks a modified font not to pass
itself off as the original. Run it only to change the font (see ``core/fonts/README.md``); it
needs fontTools, which the project does not install.
"""

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

FAMILY = "Lvzhi Sans SC"
POSTSCRIPT = "LvzhiSansSC-Regular"
SOURCE_FACE = "NotoSansCJKsc-Regular"
MAX_ERROR = 1.0  # font units: how far a quadratic curve may stray from the cubic one
FONTS = Path(__file__).resolve().parent.parent / "core" / "fonts"
RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, ÷, accented letters in names
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x2030, 0x203B),  # per mille, primes, reference mark
    (0x2103, 0x2103),  # ℃
    (0x2116, 0x2116),  # №
    (0x2160, 0x216B),  # Roman numerals
    (0x2190, 0x2193),  # arrows
    (0x2460, 0x2473),  # ① to ⑳
    (0x25A0, 0x25CF),  # squares, triangles, circles
    (0x3000, 0x303F),  # CJK punctuation: 、。〈〉《》「」【】〓〔〕
    (0x3220, 0x3229),  # ㈠ to ㈩
    (0xFF01, 0xFF5E),  # fullwidth forms
    (0xFFE0, 0xFFE5),  # fullwidth ￥ and friends
]


def gb2312_characters() -> set[int]:
    """Every character GB2312 encodes: rows A1-A9 (symbols) and B0-F7 (hanzi)."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                text = bytes([high, low]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            found.add(ord(text))
    return found


def wanted_characters(extras: Path) -> set[int]:
    codes = gb2312_characters()
    for first, last in RANGES:
        codes.update(range(first, last + 1))
    for line in extras.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            codes.update(ord(ch) for ch in line if not ch.isspace())
    return codes


def source_face(path: Path):
    collection = TTCollection(str(path))
    for font in collection.fonts:
        if font["name"].getDebugName(6) == SOURCE_FACE:
            return font
    sys.exit(f"{SOURCE_FACE} is not in {path}")


def to_truetype(font) -> None:
    """Replace the CFF outlines by TrueType ones (cu2qu), in place."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing reads them
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font) -> None:
    names = font["name"]
    keep = {0, 13, 14}  # copyright, licence text, licence URL
    names.names = [record for record in names.names if record.nameID in keep]
    version = "Version 2.004-lvzhi.1"
    for name_id, value in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{POSTSCRIPT};{version}"),
        (4, FAMILY),
        (5, version),
        (6, POSTSCRIPT),
    ):
        names.setName(value, name_id, 3, 1, 0x409)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc")
    parser.add_argument("--output", type=Path, default=FONTS / f"{POSTSCRIPT}.ttf")
    args = parser.parse_args()
    font = source_face(args.source)
    options = subset.Options()
    options.layout_features = ["vert", "vrt2"]  # no shaping is done; vertical forms are cheap
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 13, 14]
    options.name_languages = [0x409]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_characters(FONTS / "extra-chars.txt"))
    subsetter.subset(font)
    to_truetype(font)
    rename(font)
    font.recalcTimestamp = False  # keep the source's dates: the same input gives the same file
    font.save(str(args.output))
    print(
        f"{args.output}: {args.output.stat().st_size:,} bytes, {len(font.getGlyphOrder())} glyphs"
    )


if __name__ == "__main__":
    main()
