"""The deputy's ledger page (我的履职档案) written in Python as its template wrote it: the same
HTML, tests/performance/test_ledger_html.py compares the two in both languages. The page's
rows were Python's already (``page_rows``); its frame, some hundred and fifty tags, filters,
translations and reversals (the year list, the score, the breakdown's three dimensions, the
status chips, the disputes) still cost ~2.5 ms of CPU a visit at district size (issue #8).

Every value of the deputy's is escaped here; a translated text is not, as ``{% translate %}``
and ``{% blocktranslate %}`` left it (a template's literal is safe text, and so is its
translation; a blocktranslate's values are escaped); only the joined result is marked safe."""

from datetime import datetime

from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.url_memo import reverse_memo

from .panel_rows import _number, bars_html

_BADGES = {"accepted": "text-bg-success", "rejected": "text-bg-secondary"}


def _value(value) -> str:
    """A template variable's text: localized, then escaped."""
    return conditional_escape(localize(value))


def _word(text: str) -> str:
    """``{% translate "text" %}``'s output: the translation as it is."""
    return gettext(text)


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
    parts = [_head(c, year, status), _score(c, year, language), _buttons()]
    if c["breakdown"]:
        parts.append(_breakdown(c, language))
    parts.append(_entries(c, year, status))
    if c["commendations"]:
        parts.append(_commendations(c["commendations"]))
    parts.append(_disputes(c["disputes"], c["entry_prefix"]))
    # Safe: every value is escaped, floatformat's or the rows' (safe) HTML, the fixed parts
    # the template's text.
    return mark_safe("".join(parts))


def _head(c: dict, year: int, status: str) -> str:
    hidden = ""
    if status:
        hidden = f'<input type="hidden" name="status" value="{conditional_escape(status)}">'
    label = gettext("%(y)s 年度")
    options = "".join(
        f'<option value="{_value(y)}" {"selected" if y == year else ""}>'
        f"{label % {'y': _value(y)}}</option>"
        for y in c["years"]
    )
    return (
        '\n<div class="d-flex align-items-center justify-content-between gap-2 mb-3">\n'
        f'  <h1 class="h4 mb-0">{_word("我的履职档案")}</h1>\n'
        '  <form method="get" class="d-flex align-items-center gap-1">\n'
        f"    {hidden}\n"
        f'    <label class="visually-hidden" for="year-select">{_word("考核年度")}</label>\n'
        '    <select id="year-select" name="year" class="form-select form-select-sm w-auto" '
        'data-autosubmit style="min-height:40px">\n'
        f"      {options}\n"
        "    </select>\n"
        '    <noscript><button class="btn btn-sm btn-outline-secondary">'
        f"{_word('查看')}</button></noscript>\n"
        "  </form>\n"
        "</div>\n\n"
        '<div class="row g-3">\n'
        '<div class="col-lg-5">\n\n'
        '<section class="card lv-card mb-3">\n'
        '  <div class="card-body">\n    '
    )


def _score(c: dict, year: int, language: str) -> str:
    assessment, rule_set = c["assessment"], c["rule_set"]
    if assessment:
        grade = _word("考核等次") if rule_set.frozen else _word("等次（暂评）")
        figures = (
            '\n    <div class="row g-3 text-center text-sm-start mb-3">\n'
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            '        <div class="lv-stat text-danger">'
            f"{_number(assessment.total, language)}</div>\n"
            f'        <div class="lv-stat-label">{_word("总分")}'
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
            f'        <div class="lv-stat-label">{_word("名次")}</div>\n'
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f'        <div class="lv-stat">{_value(c["duty_days"])}</div>\n'
            f'        <div class="lv-stat-label">{_word("履职天数")}</div>\n'
            "      </div>\n"
            "    </div>\n    "
        )
    elif rule_set:
        words = gettext(
            "%(year)s 年度积分尚未计算。以下按已核实的记录预先列出，以工委计算结果为准。"
        ) % {"year": _value(year)}
        figures = (
            f'\n    <p class="text-muted">{words}</p>\n'
            f'    <p class="mb-3">{_word("履职天数")} '
            f'<strong class="lv-num">{_value(c["duty_days"])}</strong></p>\n    '
        )
    else:
        words = gettext("%(year)s 年度积分规则尚未发布。") % {"year": _value(year)}
        figures = f'\n    <p class="text-muted mb-0">{words}</p>\n    '
    step = ""
    if c["next_step"]:
        to_go = gettext("距“%(grade)s”分数线还差 <strong>%(points)s</strong> 分。") % {
            "grade": _value(c["next_step"]["grade"]),
            "points": _number(c["next_step"]["points"], language),
        }
        step = f'<p class="small mb-2">{to_go}</p>'
    rules = ""
    if rule_set:
        lines = gettext(
            "优秀 ≥ %(e)s 分且名次在前 %(q)s；称职 ≥ %(c)s 分；基本称职 ≥ %(b)s 分。"
        ) % {
            "e": _number(rule_set.excellent_min, language),
            "c": _number(rule_set.competent_min, language),
            "b": _number(rule_set.basic_min, language),
            "q": _value(rule_set.excellence_share),
        }
        open_year = _word("年度未结束，等次随核实情况变化。")
        rules = (
            '\n    <p class="small text-muted mt-2 mb-0">\n'
            f"      {lines}\n"
            f"      {open_year if not rule_set.frozen and assessment else ''}\n"
            f"      {_word('本年度考核已封存。') if rule_set.frozen else ''}\n"
            "    </p>\n    "
        )
    standings = ""
    if c["published"]:
        standings = (
            '<a class="btn btn-link px-0 mt-1" '
            f'href="{conditional_escape(reverse_memo("performance:standings"))}?year={_value(year)}">'
            f"{_word('查看季度亮分（全体代表积分）')} ›</a>"
        )
    return (
        f"{figures}\n{step}\n    {bars_html(c['bars'])}\n    {rules}\n    {standings}\n"
        "  </div>\n</section>\n\n"
    )


def _buttons() -> str:
    submit = conditional_escape(reverse_memo("performance:submit"))
    missing = conditional_escape(reverse_memo("performance:missing"))
    topics = conditional_escape(reverse_memo("performance:topics"))
    link = "btn btn-outline-danger lv-tap d-flex align-items-center justify-content-center"
    return (
        '<div class="d-grid gap-2 mb-3">\n'
        f'  <a class="btn btn-danger btn-lg" href="{submit}">＋ '
        f"{_word('记一笔：提交履职记录')}</a>\n"
        '  <div class="row g-2">\n'
        f'    <div class="col-6 d-grid"><a class="{link}" href="{missing}">'
        f"{_word('漏记了？申请补记')}</a></div>\n"
        f'    <div class="col-6 d-grid"><a class="{link}" href="{topics}">'
        f"{_word('监督菜单')}</a></div>\n"
        "  </div>\n"
        "</div>\n\n\n"
    )


def _breakdown(c: dict, language: str) -> str:
    stale = ""
    if c["stale"]:
        when = gettext(
            "下面已含最近核实的记录；总分和名次为 %(when)s 的计算结果，重新计算后更新。"
        ) % {"when": conditional_escape(_minute(c["assessment"].computed_at))}
        stale = f'<div class="small text-muted px-3 pt-2">{when}</div>'
    summed, over = gettext("各项合计 %(raw)s 分"), gettext("，超出维度上限，按 %(cap)s 分计")
    floored, points = _word("，扣分后低于 0，按 0 分计"), _word("分")
    all_rules = _word("本维度全部事项及分值")
    items = []
    for dim in c["breakdown"]:
        key = conditional_escape(dim.dimension)
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
            f'          <span class="flex-grow-1">{conditional_escape(dim.label)}</span>\n'
            f'          <span class="lv-num me-2"><strong>{score}</strong> / {cap}</span>\n'
            "        </button>\n"
            "      </h2>\n"
            f'      <div id="dim-{key}" class="accordion-collapse collapse" '
            'data-bs-parent="#breakdown">\n'
            '        <div class="accordion-body pt-0">\n'
            f"          {conditional_escape(dim.lines_html)}\n"
            '          <details class="small text-muted py-2">\n'
            f"            <summary>{all_rules}</summary>\n"
            '            <ul class="list-unstyled mb-0 mt-1">\n'
            f"              {conditional_escape(dim.rules_html)}\n"
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
        f'  <div class="card-header">{_word("积分怎么算的")}</div>\n'
        f"  {stale}\n"
        '  <div class="accordion accordion-flush" id="breakdown">\n    '
        + "".join(items)
        + "\n  </div>\n</section>\n"
    )


def _entries(c: dict, year: int, status: str) -> str:
    y = _value(year)
    chips = "".join(
        '\n    <li class="nav-item"><a class="nav-link lv-tap d-flex align-items-center '
        f'{"active" if value == status else ""}" '
        f'href="?year={y}&status={conditional_escape(value)}#entries">'
        f"{conditional_escape(label)} {_value(n)}</a></li>\n    "
        for value, label, n in c["statuses"]
    )
    if c["entries_html"]:
        rows = conditional_escape(c["entries_html"])
    else:
        if status:
            none = (
                f"\n        {_word('没有这种状态的记录。')} "
                f'<a href="?year={y}#entries">{_word("查看全部")}</a>\n      '
            )
        else:
            nothing = gettext("%(year)s 年度还没有履职记录。") % {"year": y}
            hint = ""
            if year == c["this_year"]:
                hint = (
                    '<p class="mb-0">'
                    + _word(
                        "参加活动、走访群众、接待选民之后，点上方“记一笔”提交，"
                        "附上照片或签到表，工委核实后计入积分。"
                    )
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
        f'  <h2 class="h5 mb-2">{_word("履职记录")}</h2>\n'
        '  <ul class="nav nav-pills lv-chips gap-1 mb-2" '
        f'aria-label="{_word("按状态筛选")}">\n'
        '    <li class="nav-item"><a class="nav-link lv-tap d-flex align-items-center '
        f'{"" if status else "active"}" href="?year={y}#entries">{_word("全部")} '
        f"{_value(c['total_entries'])}</a></li>\n    " + chips + "\n  </ul>\n"
        '  <div class="list-group lv-card">\n    '
        + rows
        + "\n  </div>\n  "
        + _pages(c["page"], y, status)
        + "\n</section>\n\n"
    )


def _pages(page, y: str, status: str) -> str:
    if not page.has_other_pages():
        return ""
    also = f"&status={conditional_escape(status)}" if status else ""
    link = "page-link lv-tap d-flex align-items-center"
    previous = following = ""
    if page.has_previous():
        previous = (
            f'<li class="page-item"><a class="{link}" href="?year={y}{also}'
            f'&page={_value(page.previous_page_number())}#entries">{_word("上一页")}</a></li>'
        )
    if page.has_next():
        following = (
            f'<li class="page-item"><a class="{link}" href="?year={y}{also}'
            f'&page={_value(page.next_page_number())}#entries">{_word("下一页")}</a></li>'
        )
    return (
        f'\n  <nav class="mt-3" aria-label="{_word("分页")}">\n'
        '    <ul class="pagination justify-content-center">\n'
        f"      {previous}\n"
        f'      <li class="page-item disabled"><span class="{link}">'
        f"{_value(page.number)} / {_value(page.paginator.num_pages)}</span></li>\n"
        f"      {following}\n"
        "    </ul>\n"
        "  </nav>\n  "
    )


def _commendations(rows: list) -> str:
    items = "".join(
        '\n    <li class="list-group-item py-3">\n'
        f'      <div class="fw-semibold">{conditional_escape(row.commendation.title)}</div>\n'
        '      <div class="small text-muted">'
        f"{conditional_escape(row.commendation.deciding_body)} · "
        f"{conditional_escape(row.commendation.document_no)} · "
        f"{_day(row.commendation.decided_on)}</div>\n"
        "    </li>\n    "
        for row in rows
    )
    return (
        '\n<section class="card lv-card mb-3">\n'
        f'  <div class="card-header">{_word("获得表彰")}</div>\n'
        '  <ul class="list-group list-group-flush">\n    ' + items + "\n  </ul>\n</section>\n"
    )


def _disputes(disputes: list, entry_prefix: str) -> str:
    items = []
    for d in disputes:
        about = ""
        if d.entry:
            about = (
                f' · <a href="{conditional_escape(entry_prefix)}{_value(d.entry.pk)}/">'
                f"{conditional_escape(d.entry.title)}</a>"
            )
        elif d.title:
            about = f" · {conditional_escape(d.title)}"
        resolution = ""
        if d.resolution:
            resolution = (
                f'<div class="small mt-1">{_word("工委意见：")}'
                f"{conditional_escape(d.resolution)}</div>"
            )
        items.append(
            '\n    <div class="list-group-item py-3">\n'
            '      <div class="d-flex justify-content-between gap-2">\n'
            f"        <span>{_value(d.get_kind_display())}{about}</span>\n"
            '        <span class="badge rounded-pill text-nowrap '
            f'{_BADGES.get(d.status, "text-bg-warning")}">'
            f"{_value(d.get_status_display())}</span>\n"
            "      </div>\n"
            f'      <div class="small text-muted mt-1">{_day(d.created_at)} · '
            f"{conditional_escape(truncatechars(d.note, 60))}</div>\n"
            f"      {resolution}\n"
            "    </div>\n    "
        )
    if not items:
        items.append(
            '\n    <div class="list-group-item small text-muted py-3">'
            + _word(
                "记录有错、重复或遗漏时，可在记录详情页点“提出异议”，或点“申请补记”，"
                "工委核查后更正。"
            )
            + "</div>\n    "
        )
    return (
        '\n\n\n<section class="card lv-card mb-3">\n'
        f'  <div class="card-header">{_word("我提出的异议（错、重、漏）")}</div>\n'
        '  <div class="list-group list-group-flush">\n    '
        + "".join(items)
        + "\n  </div>\n</section>\n</div>\n</div>\n"
    )
