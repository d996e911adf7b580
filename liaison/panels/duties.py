"""A deputy's coming duties on their dashboard and to-do list, and the 我的接待 menu entry."""

from datetime import date, timedelta

from django.db.models import Count, Min
from django.db.models.functions import JSONArray
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import clock
from core.dashboard import Todo, register_panel, register_todo
from core.navigation import register_nav
from core.render_env import gettext
from core.texts import escaped
from core.url_memo import reverse_memo
from deputies.facts import (
    ACTIVITY_FACTS,
    DEPUTY,
    Rows,
    deputy_facts,
    first_rows,
    register_facts,
)

from ..duty_rows import DUTY_ROW, CardDuty, duty_from_row, duty_rows_html
from ..models import Duty, Visit

PANEL_LIMIT = 3
TODO_DAYS = 7  # reception duties this close are on the deputy's to-do list


# What the card shows of each coming duty (``duty_rows_html``), its day and station; the
# day's date and start, then the duty's id, are the order the card lists them in.
NEXT_ROW = DUTY_ROW[:-1]


def duty_panel(request, *, today: date | None = None) -> dict | None:
    """The next few duties; nothing for a login without a deputy profile."""
    known = deputy_facts(request, today=today)
    if known is None:
        return None
    today = today or clock.today()
    coming = next_duties(known["liaison.duties"]["next"])
    # The rows written in Python (``liaison.duty_rows``), as the 我的接待 page writes them.
    panel = {"coming": coming, "today": today, "rows_html": duty_rows_html(coming, today=today)}
    panel["html"] = card_html(panel)
    return panel


def card_html(panel: dict) -> SafeString:
    """The card as its template wrote it, without the template file's last line break
    (``liaison/duty_panel.html`` adds it); the translations are not escaped, as
    ``{% translate %}`` left them (a template's literal is safe text)."""
    none = ""
    if not panel["coming"]:
        words = gettext("近期没有接待安排。")
        none = f'\n    <li class="list-group-item text-muted">{words}</li>\n    '
    mine = escaped(reverse_memo("liaison:my_duties"))
    # Safe: the rows are safe HTML, the address escaped, the words translations.
    return mark_safe(
        '\n<div class="card lv-card mb-3">\n'
        '  <div class="card-header d-flex justify-content-between align-items-center">\n'
        f"    <span>{gettext('接待日值班')}</span>\n"
        f'    <a class="small fw-normal" href="{mine}">{gettext("我的接待")} ›</a>\n'
        "  </div>\n"
        '  <ul class="list-group list-group-flush">\n'
        f"    {escaped(panel['rows_html'])}{none}\n"
        "  </ul>\n"
        "</div>"
    )


def next_duties(rows: list[list]) -> list[CardDuty]:
    """The ``next`` fact's rows as the card's duties with their day and station (the
    attributes of ``coming_duties``'s that the card shows), soonest first."""
    return [duty_from_row(row) for row in sorted(rows, key=lambda row: (row[1], row[2], row[0]))]


def facts(today: date) -> dict:
    """Reception duties in the next ``TODO_DAYS`` days (today included) and the first one's
    date, read with the deputy's other facts (``deputies.facts``) as ``coming``: [number,
    first date], both in one pass over the deputy's duties joined to their days (two
    subqueries read the week's reception days twice, ~0.2 ms each at district size)."""
    coming = Duty.objects.filter(
        deputy=DEPUTY,
        reception_day__date__gte=today,
        reception_day__date__lt=today + timedelta(days=TODO_DAYS),
    )
    return {
        "coming": (coming, JSONArray(Count("*"), Min("reception_day__date"))),
        # The card's next ``PANEL_LIMIT`` duties (``next_duties``), as ``coming_duties``.
        "next": (
            first_rows(
                lambda deputy: Duty.objects.filter(deputy=deputy, reception_day__date__gte=today),
                "reception_day__date",
                "reception_day__starts_at",
                "pk",
                limit=PANEL_LIMIT,
            ),
            Rows(*NEXT_ROW),
        ),
    }


def coming_duties_count(known) -> tuple[int, date | None]:
    """(duties in the next ``TODO_DAYS`` days, the first one's date) from the facts
    (``known``); the date comes as ISO text in the fact's JSON."""
    n, first = known["liaison.duties"]["coming"] or (0, None)
    return n, date.fromisoformat(first) if first else None


def visit_facts(today: date) -> dict:
    """The deputy's count of the activity ``visits`` this year (``activity.visit_counts`` for
    one deputy), read with their other facts for the portrait and the gap rules."""
    return {
        "visits": (
            Visit.deputies.through.objects.filter(
                deputy=DEPUTY, visit__occurred_on__year=today.year
            ),
            Count("pk"),
        )
    }


def duty_todos(request, *, today: date | None = None) -> list[Todo]:
    """Reception duties in the next ``TODO_DAYS`` days and the first one's date: no query of
    its own (``facts``)."""
    known = deputy_facts(request, today=today)
    if known is None:
        return []
    n, first = coming_duties_count(known)
    return [
        Todo(
            label=gettext("近 7 天进站接待"),
            count=n,
            hint=gettext("最近一次：%(day)s") % {"day": date_format(first, "MONTH_DAY_FORMAT")}
            if first
            else "",
            url=reverse("liaison:my_duties"),
        )
    ]


def register() -> None:
    """Register this subject's panels, to-dos and navigation entries."""
    register_panel(Role.DEPUTY, "liaison.duties", "liaison/duty_panel.html", duty_panel, order=15)
    register_todo(Role.DEPUTY, "liaison.duties", duty_todos, order=20)
    register_facts("liaison.duties", facts)
    register_facts(ACTIVITY_FACTS + "visits", visit_facts)
    register_nav(
        "liaison.my_duties", _("我的接待"), "liaison:my_duties", roles=[Role.DEPUTY], order=25
    )
