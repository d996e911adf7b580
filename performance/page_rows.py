"""The deputy's ledger and standings pages' long parts, written in Python as their templates
wrote them (the same HTML; tests compare the two): per row, the template's tags, filters,
translations and reversals cost more than the rest of the page (issue #8). Every value is
escaped here, and only the joined result is marked safe."""

from decimal import Decimal
from functools import lru_cache
from html import escape as _escape

from django.template.defaultfilters import floatformat
from django.utils.safestring import mark_safe

from core.render_env import gettext as _
from core.render_env import language as get_language
from core.render_env import ngettext
from core.texts import escaped
from core.url_memo import pk_url_prefix

from .models import EntryStatus, Rule


def label_dates(breakdown: list, entries: list) -> None:
    """The dates and rule points the page shows, written once here: the template's ``date``
    and ``floatformat`` filters cost some 50 µs a call, and the breakdown lists every rule
    (twice) and every verified entry of the year. The date formats are the page's own
    (``n月j日``, ``Y-m-d``), the same in every language; points are ``floatformat:"-1"``,
    remembered per value and language (the rules' few values repeat on every page)."""
    language = get_language()
    for dimension in breakdown:
        for line in dimension.rules:
            _label_points(line.rule, language)
            for entry in line.entries:
                day = entry.occurred_on
                entry.day_label = f"{day.month}月{day.day}日"
    for entry in entries:
        entry.date_label = entry.occurred_on.isoformat()
        _label_points(entry.rule, language)


def write_rule_lists(breakdown: list, entry_prefix: str) -> None:
    """The breakdown's two long lists written here as the template wrote them (the same
    HTML): each rule line's verified entries (``entries_html``: every verified entry of the
    year, some two hundred for a busy deputy) and each dimension's list of all its rules with
    their points (``rules_html``). Per item the template's loop, tags and lookups cost more
    than the rest of the section."""
    # As the template's tags: a translated word escaped, a blocktranslate's text not (its
    # values are).
    per_time = escaped(_("分/次"))
    cap_words, times_words = _("上限 %(cap)s"), _("%(n)s 次")
    for dimension in breakdown:
        items = []
        for line in dimension.rules:
            rule = line.rule
            line.entries_html = mark_safe(
                "".join(
                    f'<li><a href="{entry_prefix}{int(e.pk)}/">'
                    f"{escaped(e.day_label)} {escaped(e.title)}</a></li>"
                    for e in line.entries
                )
            )
            cap = ""
            if rule.yearly_cap is not None:
                cap = "，" + cap_words % {"cap": escaped(rule.cap_text)}
            count = ""
            if line.count:
                count = f" · <strong>{times_words % {'n': int(line.count)}}</strong>"
            items.append(
                f"<li>{escaped(rule.code)} {escaped(rule.name)}："
                f"{'+' if rule.points > 0 else ''}{escaped(rule.points_text)}"
                f" {per_time}{cap}{count}</li>"
            )
        # Safe: every value above is escaped.
        dimension.rules_html = mark_safe("".join(items))


def write_counted_lines(breakdown: list, language: str) -> None:
    """Each dimension's lines of the rules the deputy has verified entries of, written here
    as the template wrote them (``lines_html``, the same HTML) after their entries' lists
    (``write_rule_lists``): a dozen tags, filters and translations per line."""
    # As the template's tags: a translated word escaped, a blocktranslate's text not (its
    # values are).
    entries_word = escaped(_("对应记录"))
    verified_words = _("已核实 %(n)s 次 × %(p)s 分 = %(raw)s 分")
    over_words, cap_words = _("超出年度上限，按 %(cap)s 分计"), _("（上限 %(cap)s 分）")
    for dimension in breakdown:
        lines = []
        for line in dimension.rules:
            if not line.count:
                continue
            rule = line.rule
            cap = {"cap": escaped(rule.cap_text)}
            note = ""
            if line.capped:
                note = (
                    '<span class="badge text-bg-light border text-danger">'
                    f"{over_words % cap}</span>\n              "
                )
            elif rule.yearly_cap is not None:
                note = f'<span class="text-nowrap">{cap_words % cap}</span>'
            details = ""
            if line.entries:
                details = (
                    '\n            <details class="small mt-1">\n'
                    f'              <summary class="text-primary">{entries_word}</summary>\n'
                    '              <ul class="list-unstyled mb-0 mt-1">\n'
                    f"                {line.entries_html}\n"
                    "              </ul>\n"
                    "            </details>\n            "
                )
            verified = verified_words % {
                "n": int(line.count),
                "p": escaped(rule.points_text),
                "raw": _points(line.raw, language),
            }
            lines.append(
                '\n          <div class="lv-rule-line py-2">\n'
                '            <div class="d-flex justify-content-between gap-2">\n'
                f'              <span><span class="text-muted">{escaped(rule.code)}'
                f"</span> {escaped(rule.name)}</span>\n"
                '              <strong class="lv-num text-nowrap '
                f'{"text-danger" if line.score < 0 else ""}">{"+" if line.score > 0 else ""}'
                f"{_points(line.score, language)}</strong>\n"
                "            </div>\n"
                '            <div class="small text-muted">\n'
                f"              {verified}\n"
                f"              {note}\n"
                "            </div>\n"
                f"            {details}\n"
                "          </div>\n          "
            )
        # Safe: every value above is escaped (the points are floatformat's).
        dimension.lines_html = mark_safe("".join(lines))


# The badge of an entry's status on the ledger's list (pending and any other: warning).
STATUS_BADGES = {EntryStatus.VERIFIED: "text-bg-success", EntryStatus.REJECTED: "text-bg-danger"}


def entry_rows(entries: list, entry_prefix: str) -> str:
    """The page's entries (``LedgerEntry``s or ``selectors.EntryLine``s with their ``rule``)
    written here as the template wrote them (the same HTML): twenty rows of some fifteen
    tags, lookups and translations each cost more than the rest of the list. Dates and points
    are labelled first (``label_dates``)."""
    # As the template's tags: a translated word escaped, a blocktranslate's text not (its
    # values are).
    points_word, reason_word = escaped(_("分")), escaped(_("未通过理由："))
    # The status labels translated once per page: Django's ``get_status_display`` translates
    # every choice's label on each call (it hashes them all), ~25 µs a row.
    status_labels = {value: escaped(label) for value, label in EntryStatus.choices}
    rows = []
    for entry in entries:
        rule = entry.rule
        sign = "+" if rule.points > 0 else ""
        negative = "text-danger" if rule.points < 0 else ""
        evidence = ""
        if entry.evidence_count:
            n = int(entry.evidence_count)
            evidence = " · " + ngettext("附件 %(n)s", "附件 %(n)s", n) % {"n": n}
        reason = ""
        if entry.status == EntryStatus.REJECTED and entry.review_reason:
            reason = (
                f'\n      <div class="small text-danger mt-1">{reason_word}'
                f"{escaped(entry.review_reason)}</div>\n      "
            )
        rows.append(
            "\n    "
            f'<a class="list-group-item list-group-item-action lv-entry" '
            f'href="{entry_prefix}{int(entry.pk)}/">\n'
            '      <div class="d-flex justify-content-between align-items-start gap-2">\n'
            f'        <span class="lv-entry-title text-break">{escaped(entry.title)}'
            "</span>\n"
            '        <span class="text-nowrap"><span class="badge rounded-pill '
            f'{STATUS_BADGES.get(entry.status, "text-bg-warning")}">'
            f"{status_labels.get(entry.status) or escaped(entry.status)}"
            "</span>\n</span>\n"
            "      </div>\n"
            '      <div class="small text-muted mt-1">\n'
            f"        {escaped(entry.date_label)} · {escaped(rule.code)} "
            f"{escaped(rule.name)}\n"
            f'        · <span class="lv-num text-nowrap {negative}">{sign}'
            f"{escaped(rule.points_text)} {points_word}</span>\n"
            f"        {evidence}\n"
            "      </div>\n"
            f"      {reason}\n"
            "    </a>\n    "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(rows))


def _label_points(rule: Rule, language: str) -> None:
    rule.points_text = _points(rule.points, language)
    cap = rule.yearly_cap
    rule.cap_text = "" if cap is None else _points(cap, language)


@lru_cache(maxsize=1024)
def _points(value: Decimal, language: str) -> str:
    return floatformat(value, "-1")


def entry_prefix() -> str:
    """``/ledger/entries/``: an entry's page is this plus ``<pk>/``; reversed once per page
    instead of once per link (the breakdown lists every verified entry of the year)."""
    return pk_url_prefix("performance:entry_detail")


# A published row's values, as the standings page shows them.
STANDINGS_FIELDS = (
    "rank",
    "name",
    "level",
    "total",
    "base",
    "innovation",
    "contribution",
    "duty_days",
)


def standings_rows(rows: list[dict], own_code: str) -> tuple[str, str]:
    """The published table's rows written here as the template wrote them (the same HTML):
    the phones' cards and the desktop's table rows. A publication lists every deputy (a
    thousand at district size), twice; per row the template's tags and lookups cost more
    than the rest of the page."""
    # As the template's tags: a translated word escaped, each value escaped as text.
    base_w, innovation_w, contribution_w, days_w, me_w = (
        escaped(_(word)) for word in ("基础", "创新", "贡献", "履职天数", "我")
    )
    cards, table = [], []
    for row in rows:
        # The published values are JSON (numbers, text), never safe text: escaped as the
        # template escaped them, without a SafeString made per value (eight a row, twice a
        # thousand rows at district size).
        v = {key: _escape(str(row.get(key, ""))) for key in STANDINGS_FIELDS}
        own = row.get("code", "") == own_code
        card_class, card_id = ("list-group-item-danger", ' id="me"') if own else ("", "")
        me = f' <span class="badge text-bg-danger">{me_w}</span>' if own else ""
        cards.append(
            f'\n  <div class="list-group-item py-3 {card_class}"{card_id}>\n'
            '    <div class="d-flex justify-content-between align-items-center">\n'
            f'      <span><span class="badge text-bg-light border me-2 lv-num">{v["rank"]}</span>'
            f'<strong>{v["name"]}</strong> <span class="small text-muted">{v["level"]}</span>'
            f"{me}</span>\n"
            f'      <strong class="lv-num fs-5">{v["total"]}</strong>\n'
            "    </div>\n"
            f'    <div class="small text-muted lv-num mt-1">{base_w} {v["base"]} · '
            f"{innovation_w} {v['innovation']} · {contribution_w} {v['contribution']} · "
            f"{days_w} {v['duty_days']}</div>\n"
            "  </div>\n  "
        )
        row_class = "table-danger fw-semibold" if own else ""
        table.append(
            f'\n  <tr class="{row_class}">\n'
            f'    <td class="text-end lv-num">{v["rank"]}</td><td>{v["name"]}</td>'
            f"<td>{v['level']}</td>\n"
            f'    <td class="text-end lv-num">{v["base"]}</td><td class="text-end lv-num">'
            f'{v["innovation"]}</td><td class="text-end lv-num">{v["contribution"]}</td>\n'
            f'    <td class="text-end lv-num fw-semibold">{v["total"]}</td>'
            f'<td class="text-end lv-num">{v["duty_days"]}</td>\n'
            "  </tr>\n  "
        )
    # Safe: every value above is escaped.
    return mark_safe("".join(cards)), mark_safe("".join(table))
