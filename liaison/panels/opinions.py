"""Residents' opinions and the visit log on the dashboards: the staff desk's to-do cards (new
opinions, those past the triage deadline, open visits) and the deputy's card (opinions
assigned or addressed to them, their visits), plus the 接待记录 menu entry for deputies."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core import clock
from core.admin_lists import counts_in_one_query
from core.dashboard import Todo, admin_url, register_panel
from core.navigation import register_nav
from core.render_env import gettext as _
from core.texts import escaped
from core.url_memo import reverse_memo
from deputies.facts import ACTIVITY_FACTS, DEPUTY, deputy_facts, register_facts

from ..models import Opinion, OpinionStatus, Visit, VisitStatus
from ..selectors_visits import deputy_opinions

OPEN_VISIT = [VisitStatus.OPEN, VisitStatus.IN_PROGRESS]
OPEN_OPINION = [OpinionStatus.NEW, OpinionStatus.ASSIGNED]


def _triage_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.LVZHI_OPINION_TRIAGE_DAYS)


def desk_counts(request, *, now: datetime | None = None) -> dict[str, QuerySet] | None:
    """The cards' counts, counted with the other panels' in one query (each on the status
    index)."""
    if not request.user.has_module_perms("liaison"):
        return None
    new = Opinion.objects.filter(status=OpinionStatus.NEW)
    return {
        "new": new,
        "late": new.filter(submitted_at__lt=_triage_cutoff(now or clock.now())),
        "visits": Visit.objects.filter(status__in=OPEN_VISIT),
    }


def staff_panel(
    request, *, now: datetime | None = None, counts: dict[str, int] | None = None
) -> dict[str, Any] | None:
    """Three cards; ``counts`` are ``desk_counts``'s, counted by the desk (else here)."""
    if not request.user.has_module_perms("liaison"):
        return None
    now = now or clock.now()
    cutoff = _triage_cutoff(now)
    if counts is None:
        counts = counts_in_one_query(**desk_counts(request, now=now))
    opinions = counts
    open_visits = counts["visits"]
    changelist = "liaison_opinion_changelist"
    return {
        "items": [
            Todo(
                label=_("群众意见待分办"),
                count=opinions["new"],
                url=admin_url(changelist, status__exact=OpinionStatus.NEW),
            ),
            Todo(
                label=_("群众意见超期未分办"),
                count=opinions["late"],
                hint=_("超过 %(n)d 天") % {"n": settings.LVZHI_OPINION_TRIAGE_DAYS},
                url=admin_url(
                    changelist,
                    status__exact=OpinionStatus.NEW,
                    submitted_at__lt=cutoff.isoformat(timespec="seconds"),
                ),
                tone="danger",
            ),
            Todo(
                label=_("接待记录待处理"),
                count=open_visits,
                url=admin_url("liaison_visit_changelist", status__in=",".join(OPEN_VISIT)),
            ),
        ]
    }


def deputy_facts_source(today) -> dict:
    """The deputy card's open opinions assigned or addressed to them, read with the deputy's
    other facts (``deputies.facts``); their visits this year are the activity's count the
    facts read already (``duties.visit_facts``)."""
    return {"opinions": (deputy_opinions(DEPUTY).filter(status__in=OPEN_OPINION), Count("pk"))}


def deputy_panel(request) -> dict[str, Any] | None:
    """The deputy's open opinions and their visits this year: no query of its own."""
    known = deputy_facts(request)
    if known is None:
        return None
    visits = known[ACTIVITY_FACTS + "visits"]["visits"]
    opinions = known["liaison.opinions"]["opinions"]
    panel = {"opinions": opinions, "visits": visits, "year": clock.today().year}
    panel["html"] = card_html(panel)
    return panel


def card_html(panel: dict) -> SafeString:
    """The card as its template wrote it, without the template file's last line break
    (``liaison/opinion_panel.html`` adds it); the translations are not escaped, as the
    template's tags left them, their numbers are."""
    new, mine, visits = (
        escaped(reverse_memo(name))
        for name in ("liaison:visit_new", "liaison:my_opinions", "liaison:visits")
    )
    waiting = _("待办群众意见 %(n)s 条") % {"n": int(panel["opinions"])}
    logged = _("%(y)s 年接待记录 %(n)s 条") % {
        "n": int(panel["visits"]),
        "y": int(panel["year"]),
    }
    # Safe: the numbers are numbers, the addresses escaped, the words translations.
    return mark_safe(
        '\n<div class="card lv-card mb-3" id="panel-liaison-opinions">\n'
        '  <div class="card-header d-flex justify-content-between align-items-center">\n'
        f"    <span>{_('接待与群众意见')}</span>\n"
        f'    <a class="btn btn-sm btn-danger" href="{new}">{_("登记接待")}</a>\n'
        "  </div>\n"
        '  <div class="card-body d-flex flex-wrap gap-3 small">\n'
        f'    <a href="{mine}">{waiting}</a>\n'
        f'    <a href="{visits}">{logged}</a>\n'
        "  </div>\n"
        "</div>"
    )


def register() -> None:
    """Register this subject's panels and navigation entries."""
    register_panel(
        Role.STAFF,
        "liaison.opinions",
        "liaison/opinion_desk.html",
        staff_panel,
        order=44,
        counts=desk_counts,
    )
    register_panel(
        Role.DEPUTY, "liaison.opinions", "liaison/opinion_panel.html", deputy_panel, order=16
    )
    register_facts("liaison.opinions", deputy_facts_source)
    register_nav(
        "liaison.visits", gettext_lazy("接待记录"), "liaison:visits", roles=[Role.DEPUTY], order=26
    )
