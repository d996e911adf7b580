"""The dashboard's own parts, the deputy's card (姓名, level, 新任/连任, constituency, group and
term, the 记录履职 button) and the merged to-do list, written in Python as the page's template
(``deputies/dashboard.html``) wrote them: the same HTML, tests/deputies/test_dashboard_html.py
compares the two in both languages. The template's some forty tags, filters and lookups cost
~0.4 ms on the page deputies open most (issue #8).

What depends only on the language (the button's link and words, the list's heading, the icons'
sprite) is written once per process and language (``core.compiled.Kept``: fixed text, never a
deputy's data). Every value of the deputy or a to-do is escaped here; a translated text is not,
as ``{% translate %}`` left it (a template's literal is safe text, and so is its translation);
only the joined result is marked safe."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.compiled import Kept
from core.dashboard import Todo
from core.texts import escaped
from core.url_memo import reverse_memo


@dataclass(frozen=True)
class _Fixed:
    """The parts of the card and the list that depend on the language alone."""

    new: str  # the 新任 badge's word
    reelected: str  # 连任
    button: str  # the 记录履职 button, its line breaks and indents
    heading: str  # the list's card up to its count badge
    empty: str  # the card's end for no to-do
    no_panels: str  # the panels' row when no app shows a panel


_FIXED = Kept(limit=16)  # per language and addresses: fixed text only


def _fixed() -> _Fixed:
    submit = reverse_memo("performance:submit")
    key = (get_language(), submit, settings.STATIC_URL)
    return _FIXED.get_or_make(key, lambda: _make_fixed(submit))


def _make_fixed(submit: str) -> _Fixed:
    sprite = escaped(static("vendor/bootstrap-icons/sprite.svg"))
    record, hint = gettext("记录履职"), gettext("拍照记一笔，工委核实后计分")
    return _Fixed(
        new=gettext("新任"),
        reelected=gettext("连任"),
        button=(
            '  <a class="btn btn-danger btn-lg mt-3 lv-record" '
            f'href="{escaped(submit)}">\n'
            '    <svg aria-hidden="true" focusable="false" width="28" height="28">'
            f'<use href="{sprite}#camera"></use></svg>\n'
            f'    {record}<span class="lv-record-hint">{hint}</span>\n'
            "  </a>\n"
            "</section>\n"
        ),
        heading=(
            '\n<section class="card lv-card mb-3" aria-labelledby="todo-title">\n'
            '  <div class="card-header d-flex justify-content-between align-items-center">\n'
            '    <h2 class="h6 mb-0 fw-semibold" id="todo-title">\n'
            '      <svg aria-hidden="true" focusable="false" width="20" height="20" '
            'class="me-1 align-text-bottom">'
            f'<use href="{sprite}#list-check"></use></svg>'
            f"{gettext('待办事项')}\n"
            "    </h2>\n    "
        ),
        empty=(
            '\n  </div>\n  \n  <div class="card-body lv-muted">'
            f"{gettext('暂无待办事项。')}</div>\n  \n</section>\n"
        ),
        no_panels=(
            '\n  <div class="col-12"><div class="card lv-card"><div class="card-body lv-muted">'
            f"{gettext('履职记录、建议办理等功能将在这里显示。')}</div></div></div>\n"
        ),
    )


def hero_html(deputy) -> SafeString:
    """The deputy's card (its constituency, group and term read with the deputy's facts)."""
    fixed = _fixed()
    name = deputy.name
    group = f" · {escaped(deputy.group)}" if deputy.group else ""
    badge, word = (
        ("text-bg-info", fixed.new) if deputy.is_new else ("text-bg-secondary", fixed.reelected)
    )
    # Safe: every value is escaped, the fixed parts are the template's text.
    return mark_safe(
        '\n\n<section class="lv-hero p-3 p-md-4 mb-3">\n'
        '  <div class="d-flex flex-wrap align-items-center gap-3">\n'
        f'    <div class="lv-avatar" aria-hidden="true">{escaped(name[:1])}</div>\n'
        '    <div class="flex-grow-1">\n'
        f'      <h1 class="h4 mb-1">{escaped(name)} '
        '<span class="badge text-bg-light border align-middle">'
        f"{escaped(deputy.get_level_display())}</span>\n"
        f'        <span class="badge {badge} align-middle">{word}</span></h1>\n'
        f'      <div class="lv-muted">{escaped(deputy.code)} · '
        f"{escaped(deputy.constituency)}{group} · {escaped(deputy.term)}"
        "</div>\n"
        "    </div>\n"
        "  </div>\n" + fixed.button
    )


def todos_html(todos: list[Todo]) -> SafeString:
    """The to-do list's card: each due row (``core.dashboard.todos_for``) with its count (or
    its text), its hint, its link, or the words for none."""
    fixed = _fixed()
    if not todos:
        return mark_safe(fixed.heading + fixed.empty)
    rows = []
    for todo in todos:
        hint = ""
        if todo.hint:
            hint = f'<span class="d-block lv-muted">{escaped(todo.hint)}</span>'
        tone = " lv-todo-danger" if todo.tone == "danger" else ""
        count = escaped(todo.text) if todo.text else int(todo.count)
        rows.append(
            '\n    <li class="list-group-item p-0">\n'
            f'      <a class="lv-todo" href="{escaped(todo.link)}">\n'
            '        <span class="flex-grow-1">\n'
            f'          <span class="d-block fw-semibold">{escaped(todo.label)}</span>\n'
            f"          {hint}\n"
            "        </span>\n"
            f'        <span class="lv-todo-count{tone}">{count}</span>\n'
            '        <span aria-hidden="true" class="lv-chevron">›</span>\n'
            "      </a>\n"
            "    </li>\n    "
        )
    # Safe: every value above is escaped or a number, the fixed parts the template's text.
    return mark_safe(
        f'{fixed.heading}<span class="badge rounded-pill text-bg-danger">{len(todos)}</span>\n'
        '  </div>\n  \n  <ul class="list-group list-group-flush">\n    '
        + "".join(rows)
        + "\n  </ul>\n  \n</section>\n"
    )


def panel_cards(panels: list[tuple[str, dict]]) -> list[tuple[str, dict, SafeString | None]]:
    """``(template, context, card)`` of each panel: ``card`` is the panel's HTML when its
    context holds it already written (``html``, the cards written in Python), as including
    its template (``{{ panel.html }}`` and the file's last line break) wrote it, so the page
    includes only the templates of panels without it (an include cost ~40 µs)."""
    cards = []
    for template, context in panels:
        html = context.get("html")
        # Safe: the panel's HTML is safe text (each panel escapes its values).
        card = mark_safe(f"{escaped(html)}\n") if html is not None else None
        cards.append((template, context, card))
    return cards


def content_html(
    hero: SafeString, todos: SafeString, cards: list[tuple[str, dict, SafeString | None]]
) -> SafeString | None:
    """The page's content block as its template wrote it (the card, the to-do list, then each
    panel's card in its column, or the words for no panel), when every panel's card is
    written already (``panel_cards``); None when a panel's template is still to be included
    (the template then writes the block). The loop over the panels cost ~0.1 ms a visit."""
    if any(card is None for _template, _context, card in cards):
        return None
    if cards:
        columns = "".join(
            f'\n  <div class="col-12 col-lg-6">{card}</div>\n' for _t, _c, card in cards
        )
    else:
        columns = _fixed().no_panels
    # Safe: the card, the list and each panel's card are safe text, the rest fixed text.
    return mark_safe(f'{hero}{todos}\n<div class="row g-0 gx-lg-3">\n{columns}\n</div>\n')


_SCRIPTS = Kept(limit=4)  # the static files' addresses: fixed text


def chart_scripts() -> SafeString:
    """``{% include "core/_chart_scripts.html" %}``'s output (the chart library and its
    drawing script, deferred), rendered once per process and static address: two static file
    lookups a visit."""
    return _SCRIPTS.get_or_make(
        settings.STATIC_URL,
        lambda: mark_safe(get_template("core/_chart_scripts.html").render({})),
    )
