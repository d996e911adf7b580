"""The ledger's two cards on the deputy's dashboard, the score card and the capability portrait
(履职画像), written in Python as their templates wrote them: the same HTML,
tests/performance/test_card_html.py compares the two in both languages. Their templates' some
sixty tags, filters and lookups cost ~0.4 ms on the page deputies open most (issue #8); their
repeated parts were already Python's (``panel_rows``).

The cards' fixed words and links are written once per process and language
(``core.compiled.Kept``: fixed text, never a deputy's data). A deputy's value is escaped here;
a translated text is not, as the tags left it (a template's literal is safe text); only the
joined result is marked safe."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import localize
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from core.compiled import Kept
from core.render_env import gettext
from core.texts import escaped
from core.url_memo import reverse_memo

from .panel_rows import _number


def _value(value) -> str:
    """A template variable's text: localized, then escaped (an int is its digits unless
    thousands are grouped: what ``localize`` gives it, without looking up the formats)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return escaped(localize(value))


def _word(text: str) -> str:
    """``{% translate "text" %}``'s output: the translation as it is (a literal of the
    template is safe text, and so is its translation)."""
    return gettext(text).replace("%%", "%")


@dataclass(frozen=True)
class _Fixed:
    ledger: str  # the ledger page's address, escaped
    total: str
    grade: str
    grade_open: str
    duty_days: str
    not_computed: str
    no_rules: str
    buttons: str  # the card's two buttons and its end
    portrait_table: str  # the portrait's chart's label and the table's head
    chart_label: str
    # The cards' phrases with values to fill in (a blocktranslate's text, translated).
    details: str  # the link to the ledger's words
    score_title: str
    among: str
    overall: str
    to_go: str
    portrait_title: str
    compared: str


_FIXED = Kept(limit=16)  # per language and addresses: fixed text only


def _fixed() -> _Fixed:
    ledger, submit = reverse_memo("performance:my_ledger"), reverse_memo("performance:submit")
    key = (get_language(), ledger, submit)
    return _FIXED.get_or_make(key, lambda: _make_fixed(ledger, submit))


def _make_fixed(ledger: str, submit: str) -> _Fixed:
    ledger, submit = escaped(ledger), escaped(submit)
    return _Fixed(
        ledger=ledger,
        total=_word("总分"),
        grade=_word("等次"),
        grade_open=_word("等次（暂评）"),
        duty_days=_word("履职天数"),
        not_computed=_word("本年度积分尚未计算。提交履职记录并经工委核实后，积分将在这里显示。"),
        no_rules=_word("本年度积分规则尚未发布，发布后即可提交履职记录。"),
        buttons=(
            '\n    <div class="d-grid gap-2 d-sm-flex mt-3">\n'
            f'      <a class="btn btn-danger btn-lg flex-sm-grow-1" href="{submit}">＋ '
            f"{_word('记一笔：提交履职记录')}</a>\n"
            f'      <a class="btn btn-outline-danger btn-lg" href="{ledger}">'
            f"{_word('我的履职档案')}</a>\n"
            "    </div>\n  </div>\n</div>"
        ),
        portrait_table=(
            '\n    <table class="table table-sm lv-portrait-table mb-0 mt-2">\n'
            f'      <caption class="visually-hidden">{_word("履职画像各项数据")}</caption>\n'
            "      <thead>\n"
            f'        <tr><th scope="col">{_word("维度")}</th>'
            f'<th scope="col" class="text-end text-nowrap">{_word("本人")}</th>'
            f'<th scope="col" class="text-end text-nowrap">{_word("同级平均")}</th>'
            f'<th scope="col" class="text-end text-nowrap">{_word("指数")}</th></tr>\n'
            "      </thead>\n"
            "      <tbody>\n        "
        ),
        chart_label=_word("履职画像雷达图：本人与同级代表平均"),
        details=_word("积分明细"),
        score_title=gettext("%(year)s 年度履职积分"),
        among=gettext("%(level)s中排名"),
        overall=gettext("全体第 %(rank)s / %(n)s 名"),
        to_go=gettext("距“%(grade)s”分数线还差 <strong>%(points)s</strong> 分。"),
        portrait_title=gettext("%(year)s 年度履职画像"),
        compared=gettext("与%(level)s（%(n)s 人）的平均水平比较：平均为 100。"),
    )


def score_card_html(panel: dict) -> SafeString:
    """The score card of ``panel`` (``deputy_panels.score_panel``'s context), without the
    template file's last line break (``performance/_panel.html`` adds it)."""
    fixed, language = _fixed(), get_language()
    title = fixed.score_title % {"year": _value(panel["year"])}
    parts = [
        '\n<div class="card lv-card mb-3">\n'
        '  <div class="card-header d-flex justify-content-between align-items-center">\n'
        f"    <span>{title}</span>\n"
        f'    <a class="small fw-normal" href="{fixed.ledger}">{fixed.details} ›</a>\n'
        "  </div>\n"
        '  <div class="card-body">\n    '
    ]
    assessment = panel["assessment"]
    if assessment:
        level = ""
        if panel["level_rank"]:
            rank, assessed = panel["level_rank"][0], panel["level_rank"][1]
            among = fixed.among % {"level": _value(panel["level_label"])}
            level = (
                f'\n        <div class="lv-stat">{_value(rank)}'
                f'<span class="fs-6 fw-normal text-muted"> / {_value(assessed)}</span></div>\n'
                f'        <div class="lv-stat-label">{among}</div>\n        '
            )
        overall = fixed.overall % {
            "rank": _value(assessment.rank),
            "n": _value(assessment.assessed_count),
        }
        grade_label = fixed.grade if panel["rule_set"].frozen else fixed.grade_open
        parts.append(
            '\n    <div class="row g-3 mb-3">\n'
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            '        <div class="lv-stat text-danger">'
            f"{_number(assessment.total, language)}</div>\n"
            f'        <div class="lv-stat-label">{fixed.total}</div>\n'
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f'        <div class="lv-stat">{_value(assessment.get_grade_display())}</div>\n'
            f'        <div class="lv-stat-label">{grade_label}</div>\n'
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f"        {level}\n"
            f'        <div class="lv-stat-label">{overall}</div>\n'
            "      </div>\n"
            '      <div class="col-6 col-sm-3 col-lg-6">\n'
            f'        <div class="lv-stat">{_value(assessment.duty_days)}</div>\n'
            f'        <div class="lv-stat-label">{fixed.duty_days}</div>\n'
            "      </div>\n"
            "    </div>\n    "
        )
    else:
        words = fixed.not_computed if panel["rule_set"] else fixed.no_rules
        parts.append(f'\n    <p class="text-muted mb-3">{words}</p>\n    ')
    parts.append("\n")
    step = panel["next_step"]
    if step:
        to_go = fixed.to_go % {
            "grade": _value(step["grade"]),
            "points": _number(step["points"], language),
        }
        parts.append(f'<p class="small mb-2">{to_go}</p>')
    parts.append(f"\n    {escaped(panel['bars_html'])}\n    ")
    pending = panel["pending"]
    if pending:
        waiting = ngettext("%(n)s 条履职记录待工委核实", "%(n)s 条履职记录待工委核实", pending) % {
            "n": _value(pending)
        }
        parts.append(
            '\n    <a class="d-block alert alert-warning py-2 mt-3 mb-0 text-decoration-none" '
            f'href="{fixed.ledger}?status=pending">\n'
            f"      {waiting} ›\n"
            "    </a>\n    "
        )
    parts.append(fixed.buttons)
    # Safe: every value above is escaped, floatformat's or the bars' (safe) HTML, the fixed
    # parts the template's text.
    return mark_safe("".join(parts))


def portrait_card_html(panel: dict) -> SafeString:
    """The portrait card of ``panel`` (``deputy_panels.portrait_panel``'s context): the
    radar's option as JSON data (``core/_chart.html``) and the table's rows; without the
    template file's last line break (``performance/_portrait.html`` adds it)."""
    fixed, portrait = _fixed(), panel["portrait"]
    title = fixed.portrait_title % {"year": _value(portrait.year)}
    compared = fixed.compared % {
        "level": _value(portrait.level_label),
        "n": _value(portrait.peers),
    }
    # Safe: every value is escaped, json_script's or the rows' (safe) HTML.
    return mark_safe(
        '\n<section class="card lv-card mb-3" aria-labelledby="portrait-title">\n'
        '  <div class="card-header">\n'
        f'    <h2 class="h6 mb-0 fw-semibold" id="portrait-title">{title}</h2>\n'
        "  </div>\n"
        '  <div class="card-body">\n'
        f'    <p class="lv-muted mb-2">{compared}</p>\n'
        "    \n"
        f"    \n{json_script(panel['chart'], 'portrait-radar')}\n"
        '<div class="lvzhi-chart" data-chart="portrait-radar" role="img" '
        f'aria-label="{fixed.chart_label}" style="height: 300px"></div>\n'
        f"{fixed.portrait_table}{escaped(panel['rows_html'])}\n"
        "      </tbody>\n"
        "    </table>\n"
        "  </div>\n"
        "</section>\n"
    )
