"""The deputy's ledger page (我的履职档案) written in Python as its template wrote it: the same
HTML, tests/performance/test_ledger_html.py compares the two in both languages. The page's
rows were Python's already (``page_rows``); its frame, some hundred and fifty tags, filters,
translations and reversals (the year list, the score, the breakdown's three dimensions, the
status chips, the disputes) still cost ~2.5 ms of CPU a visit at district size (issue #8).

Every value of the deputy's is escaped here; a translated text is not, as ``{% translate %}``
and ``{% blocktranslate %}`` left it (a template's literal is safe text, and so is its
translation; a blocktranslate's values are escaped); only the joined result is marked safe."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from core import texts
from core.compiled import Kept
from core.render_env import gettext
from core.render_env import language as get_language
from core.url_memo import reverse_memo

from .panel_rows import _number, bars_html

_BADGES = {"accepted": "text-bg-success", "rejected": "text-bg-secondary"}


def _value(value) -> str:
    """A template variable's text: localized, then escaped (an int is its digits unless
    thousands are grouped: what ``localize`` gives it, without looking up the formats)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return texts.escaped(localize(value))


class _Words(dict):
    """One language's translations of the page's fixed words and phrases, each looked up in
    the catalogue on first use (``{% translate %}``'s output: the translation as it is; a
    blocktranslate's text, its values to fill in), and the page's fixed links: some forty
    lookups a visit before, ~5 µs each."""

    def __init__(self, standings: str, buttons: str) -> None:
        super().__init__()
        self.standings, self.buttons = standings, buttons

    def __missing__(self, text: str) -> str:
        self[text] = found = gettext(text)
        return found


_WORDS = Kept(limit=16)  # per language and addresses: fixed text only


def _words() -> _Words:
    """The active language's ``_Words`` (made, with the page's links, on first use)."""
    submit = reverse_memo("performance:submit")
    return _WORDS.get_or_make((get_language(), submit), lambda: _make_words(submit))


def _make_words(submit: str) -> _Words:
    words = _Words(texts.escaped(reverse_memo("performance:standings")), "")
    words.buttons = _buttons(words, texts.escaped(submit))
    return words


def _day(value) -> str:
    """``{{ value|date:"Y-m-d" }}``: a time in the current time zone, a date as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _minute(value: datetime | None) -> str:
    """``{{ value|date:"Y-m-d H:i" }}``, in the current time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{_day(value)} {value.hour:02d}:{value.minute:02d}"


def ledger_html(c: dict) -> SafeString:
    """The page's content (the template's ``content`` block) from the view's context ``c``."""
    language = get_language()
    year, status = c["year"], c["status"]
    w = _words()
    parts = [_head(c, w, year, status), _score(c, w, year, language), w.buttons]
    if c["breakdown"]:
        parts.append(_breakdown(c, w, language))
    parts.append(_entries(c, w, year, status))
    if c["commendations"]:
        parts.append(_commendations(c["commendations"], w))
    parts.append(_disputes(c["disputes"], w, c["entry_prefix"]))
    # Safe: every value is escaped, floatformat's or the rows' (safe) HTML, the fixed parts
    # the template's text.
    return mark_safe("".join(parts))


def _head(c: dict, w: _Words, year: int, status: str) -> str:
    hidden = ""
    if status:
        hidden = f'<input type="hidden" name="status" value="{texts.escaped(status)}">'
    label = w["%(y)s 年度"]
    options = "".join(
        f'<option value="{_value(y)}" {"selected" if y == year else ""}>'
        f"{label % {'y': _value(y)}}</option>"
        for y in c["years"]
    )
    return (
        '\n<div class="d-flex align-items-center justify-content-between gap-2 mb-3">\n'
        f'  <h1 class="h4 mb-0">{w["我的履职档案"]}</h1>\n'
        '  <form method="get" class="d-flex align-items-center gap-1">\n'
        f"    {hidden}\n"
        f'    <label class="visually-hidden" for="year-select">{w["考核年度"]}</label>\n'
        '    <select id="year-select" name="year" class="form-select form-select-sm w-auto" '
        'data-autosubmit style="min-height:40px">\n'
        f"      {options}\n"
        "    </select>\n"
        '    <noscript><button class="btn btn-sm btn-outline-secondary">'
        f"{w['查看']}</button></noscript>\n"
        "  </form>\n"
        "</div>\n\n"
        '<div class="row g-3">\n'
        '<div class="col-lg-5">\n\n'
        '<section class="card lv-card mb-3">\n'
        '  <div class="card-body">\n    '
    )


def _score(c: dict, w: _Words, year: int, language: str) -> str:
    assessment, rule_set = c["assessment"], c["rule_set"]
    if assessment:
        grade = w["考核等次"] if rule_set.frozen else w["等次（暂评）"]
        figures = (
            '\n    <div class="row g-3 text-center text-sm-start mb-3">\n'
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            '        <div class="lv-stat text-danger">'
            f"{_number(assessment.total, language)}</div>\n"
            f'        <div class="lv-stat-label">{w["总分"]}'
            '<span class="d-none d-sm-inline"> / '
            f"{_number(rule_set.max_total, language)}</span></div>\n"
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f'        <div class="lv-stat">{_value(assessment.get_grade_display())}</div>\n'
            f'        <div class="lv-stat-label">{grade}</div>\n'
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f'        <div class="lv-stat">{_value(assessment.rank)}'
            '<span class="fs-6 fw-normal text-muted"> / '
            f"{_value(assessment.assessed_count)}</span></div>\n"
            f'        <div class="lv-stat-label">{w["名次"]}</div>\n'
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f'        <div class="lv-stat">{_value(c["duty_days"])}</div>\n'
            f'        <div class="lv-stat-label">{w["履职天数"]}</div>\n'
            "      </div>\n"
            "    </div>\n    "
        )
    elif rule_set:
        words = w["%(year)s 年度积分尚未计算。以下按已核实的记录预先列出，以工委计算结果为准。"] % {
            "year": _value(year)
        }
        figures = (
            f'\n    <p class="text-muted">{words}</p>\n'
            f'    <p class="mb-3">{w["履职天数"]} '
            f'<strong class="lv-num">{_value(c["duty_days"])}</strong></p>\n    '
        )
    else:
        words = w["%(year)s 年度积分规则尚未发布。"] % {"year": _value(year)}
        figures = f'\n    <p class="text-muted mb-0">{words}</p>\n    '
    step = ""
    if c["next_step"]:
        to_go = w["距“%(grade)s”分数线还差 <strong>%(points)s</strong> 分。"] % {
            "grade": _value(c["next_step"]["grade"]),
            "points": _number(c["next_step"]["points"], language),
        }
        step = f'<p class="small mb-2">{to_go}</p>'
    rules = ""
    if rule_set:
        lines = w["优秀 ≥ %(e)s 分且名次在前 %(q)s；称职 ≥ %(c)s 分；基本称职 ≥ %(b)s 分。"] % {
            "e": _number(rule_set.excellent_min, language),
            "c": _number(rule_set.competent_min, language),
            "b": _number(rule_set.basic_min, language),
            "q": _value(rule_set.excellence_share),
        }
        open_year = w["年度未结束，等次随核实情况变化。"]
        rules = (
            '\n    <p class="small text-muted mt-2 mb-0">\n'
            f"      {lines}\n"
            f"      {open_year if not rule_set.frozen and assessment else ''}\n"
            f"      {w['本年度考核已封存。'] if rule_set.frozen else ''}\n"
            "    </p>\n    "
        )
    standings = ""
    if c["published"]:
        standings = (
            '<a class="btn btn-link px-0 mt-1" '
            f'href="{w.standings}?year={_value(year)}">'
            f"{w['查看季度亮分（全体代表积分）']} ›</a>"
        )
    return (
        f"{figures}\n{step}\n    {bars_html(c['bars'])}\n    {rules}\n    {standings}\n"
        "  </div>\n</section>\n\n"
    )


def _buttons(w: _Words, submit: str) -> str:
    missing = texts.escaped(reverse_memo("performance:missing"))
    topics = texts.escaped(reverse_memo("performance:topics"))
    link = "btn btn-outline-danger lv-tap d-flex align-items-center justify-content-center"
    return (
        '<div class="d-grid gap-2 mb-3">\n'
        f'  <a class="btn btn-danger btn-lg" href="{submit}">＋ '
        f"{w['记一笔：提交履职记录']}</a>\n"
        '  <div class="row g-2">\n'
        f'    <div class="col-6 d-grid"><a class="{link}" href="{missing}">'
        f"{w['漏记了？申请补记']}</a></div>\n"
        f'    <div class="col-6 d-grid"><a class="{link}" href="{topics}">'
        f"{w['监督菜单']}</a></div>\n"
        "  </div>\n"
        "</div>\n\n\n"
    )


def _breakdown(c: dict, w: _Words, language: str) -> str:
    stale = ""
    if c["stale"]:
        when = w["下面已含最近核实的记录；总分和名次为 %(when)s 的计算结果，重新计算后更新。"] % {
            "when": texts.escaped(_minute(c["assessment"].computed_at))
        }
        stale = f'<div class="small text-muted px-3 pt-2">{when}</div>'
    summed, over = w["各项合计 %(raw)s 分"], w["，超出维度上限，按 %(cap)s 分计"]
    floored, points = w["，扣分后低于 0，按 0 分计"], w["分"]
    all_rules = w["本维度全部事项及分值"]
    items = []
    for dim in c["breakdown"]:
        key = texts.escaped(dim.dimension)
        score, cap = _number(dim.score, language), _number(dim.cap, language)
        note = ""
        if dim.capped:
            note = f'<span class="text-danger">{over % {"cap": cap}}</span>\n            '
        elif dim.floored:
            note = f'<span class="text-danger">{floored}</span>'
        items.append(
            '\n    <div class="accordion-item">\n'
            '      <h2 class="accordion-header">\n'
            '        <button class="accordion-button collapsed lv-tap" type="button" '
            f'data-bs-toggle="collapse" data-bs-target="#dim-{key}" aria-expanded="false" '
            f'aria-controls="dim-{key}">\n'
            f'          <span class="flex-grow-1">{texts.escaped(dim.label)}</span>\n'
            f'          <span class="lv-num me-2"><strong>{score}</strong> / {cap}</span>\n'
            "        </button>\n"
            "      </h2>\n"
            f'      <div id="dim-{key}" class="accordion-collapse collapse" '
            'data-bs-parent="#breakdown">\n'
            '        <div class="accordion-body pt-0">\n'
            f"          {texts.escaped(dim.lines_html)}\n"
            '          <details class="small text-muted py-2">\n'
            f"            <summary>{all_rules}</summary>\n"
            '            <ul class="list-unstyled mb-0 mt-1">\n'
            f"              {texts.escaped(dim.rules_html)}\n"
            "            </ul>\n"
            "          </details>\n"
            '          <div class="border-top pt-2 small">\n'
            f"            {summed % {'raw': _number(dim.raw, language)}}\n"
            f"            {note}\n"
            f"            → <strong>{score}</strong> {points}\n"
            "          </div>\n"
            "        </div>\n"
            "      </div>\n"
            "    </div>\n    "
        )
    return (
        '\n<section class="card lv-card mb-3">\n'
        f'  <div class="card-header">{w["积分怎么算的"]}</div>\n'
        f"  {stale}\n"
        '  <div class="accordion accordion-flush" id="breakdown">\n    '
        + "".join(items)
        + "\n  </div>\n</section>\n"
    )


def _entries(c: dict, w: _Words, year: int, status: str) -> str:
    y = _value(year)
    chips = "".join(
        '\n    <li class="nav-item"><a class="nav-link lv-tap d-flex align-items-center '
        f'{"active" if value == status else ""}" '
        f'href="?year={y}&status={texts.escaped(value)}#entries">'
        f"{texts.escaped(label)} {_value(n)}</a></li>\n    "
        for value, label, n in c["statuses"]
    )
    if c["entries_html"]:
        rows = texts.escaped(c["entries_html"])
    else:
        if status:
            none = (
                f"\n        {w['没有这种状态的记录。']} "
                f'<a href="?year={y}#entries">{w["查看全部"]}</a>\n      '
            )
        else:
            nothing = w["%(year)s 年度还没有履职记录。"] % {"year": y}
            hint = ""
            if year == c["this_year"]:
                hint = (
                    '<p class="mb-0">'
                    + w[
                        "参加活动、走访群众、接待选民之后，点上方“记一笔”提交，"
                        "附上照片或签到表，工委核实后计入积分。"
                    ]
                    + "</p>"
                )
            none = f'\n        <p class="mb-2">{nothing}</p>\n        {hint}\n      '
        rows = (
            '\n    <div class="list-group-item text-center text-muted py-4">\n'
            f"      {none}\n"
            "    </div>\n    "
        )
    return (
        "\n\n</div>\n"
        '<div class="col-lg-7">\n\n'
        '<section class="mb-3" id="entries">\n'
        f'  <h2 class="h5 mb-2">{w["履职记录"]}</h2>\n'
        '  <ul class="nav nav-pills lv-chips gap-1 mb-2" '
        f'aria-label="{w["按状态筛选"]}">\n'
        '    <li class="nav-item"><a class="nav-link lv-tap d-flex align-items-center '
        f'{"" if status else "active"}" href="?year={y}#entries">{w["全部"]} '
        f"{_value(c['total_entries'])}</a></li>\n    " + chips + "\n  </ul>\n"
        '  <div class="list-group lv-card">\n    '
        + rows
        + "\n  </div>\n  "
        + _pages(c["page"], w, y, status)
        + "\n</section>\n\n"
    )


def _pages(page, w: _Words, y: str, status: str) -> str:
    if not page.has_other_pages():
        return ""
    also = f"&status={texts.escaped(status)}" if status else ""
    link = "page-link lv-tap d-flex align-items-center"
    previous = following = ""
    if page.has_previous():
        previous = (
            f'<li class="page-item"><a class="{link}" href="?year={y}{also}'
            f'&page={_value(page.previous_page_number())}#entries">{w["上一页"]}</a></li>'
        )
    if page.has_next():
        following = (
            f'<li class="page-item"><a class="{link}" href="?year={y}{also}'
            f'&page={_value(page.next_page_number())}#entries">{w["下一页"]}</a></li>'
        )
    return (
        f'\n  <nav class="mt-3" aria-label="{w["分页"]}">\n'
        '    <ul class="pagination justify-content-center">\n'
        f"      {previous}\n"
        f'      <li class="page-item disabled"><span class="{link}">'
        f"{_value(page.number)} / {_value(page.paginator.num_pages)}</span></li>\n"
        f"      {following}\n"
        "    </ul>\n"
        "  </nav>\n  "
    )


def _commendations(rows: list, w: _Words) -> str:
    items = "".join(
        '\n    <li class="list-group-item py-3">\n'
        f'      <div class="fw-semibold">{texts.escaped(row.commendation.title)}</div>\n'
        '      <div class="small text-muted">'
        f"{texts.escaped(row.commendation.deciding_body)} · "
        f"{texts.escaped(row.commendation.document_no)} · "
        f"{_day(row.commendation.decided_on)}</div>\n"
        "    </li>\n    "
        for row in rows
    )
    return (
        '\n<section class="card lv-card mb-3">\n'
        f'  <div class="card-header">{w["获得表彰"]}</div>\n'
        '  <ul class="list-group list-group-flush">\n    ' + items + "\n  </ul>\n</section>\n"
    )


def _disputes(disputes: list, w: _Words, entry_prefix: str) -> str:
    items = []
    for d in disputes:
        about = ""
        if d.entry:
            about = (
                f' · <a href="{texts.escaped(entry_prefix)}{_value(d.entry.pk)}/">'
                f"{texts.escaped(d.entry.title)}</a>"
            )
        elif d.title:
            about = f" · {texts.escaped(d.title)}"
        resolution = ""
        if d.resolution:
            text = texts.escaped(d.resolution)
            resolution = f'<div class="small mt-1">{w["工委意见："]}{text}</div>'
        items.append(
            '\n    <div class="list-group-item py-3">\n'
            '      <div class="d-flex justify-content-between gap-2">\n'
            f"        <span>{_value(d.get_kind_display())}{about}</span>\n"
            '        <span class="badge rounded-pill text-nowrap '
            f'{_BADGES.get(d.status, "text-bg-warning")}">'
            f"{_value(d.get_status_display())}</span>\n"
            "      </div>\n"
            f'      <div class="small text-muted mt-1">{_day(d.created_at)} · '
            f"{texts.escaped(texts.chars(d.note, 60))}</div>\n"
            f"      {resolution}\n"
            "    </div>\n    "
        )
    if not items:
        items.append(
            '\n    <div class="list-group-item small text-muted py-3">'
            + w[
                "记录有错、重复或遗漏时，可在记录详情页点“提出异议”，或点“申请补记”，"
                "工委核查后更正。"
            ]
            + "</div>\n    "
        )
    return (
        '\n\n\n<section class="card lv-card mb-3">\n'
        f'  <div class="card-header">{w["我提出的异议（错、重、漏）"]}</div>\n'
        '  <div class="list-group list-group-flush">\n    '
        + "".join(items)
        + "\n  </div>\n</section>\n</div>\n</div>\n"
    )
