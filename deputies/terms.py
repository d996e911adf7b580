"""Terms (届次) and the change-over (换届) that carries the committee's work into the next one.

Township and district congresses elect a new term every five years. ``Deputy.term`` holds the
current term only; :class:`~deputies.models.TermMembership` keeps every term a deputy belonged
to, so the old term's years are still assessed against the deputies who served in them after
the change-over (see ``DeputyQuerySet.held_office_between``).

The duty ledger sits above this app and cannot be imported from here; it tells the change-over
whom it recommends for re-election through :func:`register_reelection_advice`, called from its
``AppConfig.ready`` (the way dashboard panels register themselves).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record

from .models import Deputy, Status, Term, TermMembership

TERM_YEARS = 5
# The township and county congresses of the whole country were elected in 2021–2022 and began
# a term in 2022; LVZHI_DEFAULT_TERM_NUMBER numbers that term, and the terms before and after
# it are counted from it in steps of five years.
CYCLE_START_YEAR = 2022

ERR_NOT_STAFF = gettext_noop("只有工委工作人员可以办理换届。")
ERR_NO_TERM = gettext_noop("还没有已开始的届次，无法换届；请先在“届次”中添加本届。")
ERR_ALREADY_CHANGED_OVER = gettext_noop("第 %(number)d 届已经开启，换届已办理过，不能重复办理。")
ERR_NOT_NEXT = gettext_noop("新一届应为第 %(expected)d 届（本届为第 %(current)d 届）。")
ERR_OVERLAP = gettext_noop(
    "新一届的开始日期（%(start)s）必须晚于本届的结束日期（%(end)s），两届任期不能重叠。"
)
ERR_GAP = gettext_noop(
    "新一届须紧接本届，从 %(next)s 开始；如本届实际结束日期不同，请先修改本届的结束日期。"
)
ERR_END_BEFORE_START = gettext_noop("新一届的结束日期必须晚于开始日期。")
ERR_NOT_SERVING = gettext_noop("以下代表不是第 %(number)d 届的在任代表，不能连任：%(names)s。")
REASON_TERM_ENDED = gettext_noop("届满未连任")

# ---------------------------------------------------------------------------------------------
# Which term covers a day


def term_window_for(day: date) -> tuple[int, date, date]:
    """(number, start, end) of the term that covers ``day`` on an empty system.

    Explicit settings win when they cover the day (LVZHI_DEFAULT_TERM_START and _END, e.g. a
    committee whose term does not start on 1 January); otherwise five-year terms from 1
    January, numbered from the term that began in 2022. Works for any day, so the demo and an
    empty system are valid whatever the date (a stale explicit window is not used after it).
    """
    start = getattr(settings, "LVZHI_DEFAULT_TERM_START", None)
    end = getattr(settings, "LVZHI_DEFAULT_TERM_END", None)
    anchor = settings.LVZHI_DEFAULT_TERM_NUMBER
    if start and end and start <= day <= end:
        return anchor, start, end
    steps = (day.year - CYCLE_START_YEAR) // TERM_YEARS
    first_year = CYCLE_START_YEAR + steps * TERM_YEARS
    return (
        anchor + steps,
        date(first_year, 1, 1),
        date(first_year + TERM_YEARS - 1, 12, 31),
    )


def term_current_or_last(*, today: date | None = None) -> Term | None:
    """The term in office ``today``, or (between its end and the change-over) the last term
    that has begun: the one a change-over closes."""
    today = today or clock.today()
    return (
        Term.current(today=today)
        or Term.objects.filter(start_date__lte=today).order_by("-number").first()
    )


def term_next_window(term: Term) -> tuple[int, date, date]:
    """What the admin offers for the next term: number + 1, from the day after ``term``
    ends, for five years (to the day before the fifth anniversary)."""
    start = term.end_date + timedelta(days=1)
    try:
        anniversary = start.replace(year=start.year + TERM_YEARS)
    except ValueError:  # 29 February
        anniversary = date(start.year + TERM_YEARS, 3, 1)
    return term.number + 1, start, anniversary - timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Re-election advice from apps above this one

ReelectionAdvice = Callable[[Term], Iterable[int]]
_REELECTION_ADVICE: dict[str, ReelectionAdvice] = {}


def register_reelection_advice(key: str, advice: ReelectionAdvice) -> None:
    """``advice(term)`` returns the ids of the deputies recommended for re-election at the end
    of ``term`` (the duty ledger's 推荐连任 decisions). Registering a key again replaces it."""
    _REELECTION_ADVICE[key] = advice


def reelection_recommended_ids(term: Term) -> set[int]:
    """Every registered app's recommendations for the term that ends, together."""
    ids: set[int] = set()
    for advice in _REELECTION_ADVICE.values():
        ids.update(advice(term))
    return ids


def change_over_roster(term: Term) -> list[tuple[Deputy, bool]]:
    """The deputies a change-over of ``term`` decides on (serving in it), each with whether
    re-election is recommended; the recommended first, then by code."""
    recommended = reelection_recommended_ids(term)
    deputies = Deputy.objects.serving().filter(term=term).with_relations()
    rows = [(d, d.pk in recommended) for d in deputies]
    return sorted(rows, key=lambda row: (not row[1], row[0].code))


# ---------------------------------------------------------------------------------------------
# The change-over


class TermChangeOverError(Exception):
    """The change-over breaks a rule; the message is for the user."""


@dataclass(frozen=True)
class ChangeOverResult:
    term: Term
    previous: Term
    continued: int
    ended: int


def _require_staff(actor: User | None) -> None:
    if actor is not None and not user_has_role(actor, Role.STAFF):
        raise TermChangeOverError(_(ERR_NOT_STAFF))


def _check_new_term(previous: Term, number: int, start_date: date, end_date: date) -> None:
    if Term.objects.filter(number=number).exists():
        raise TermChangeOverError(_(ERR_ALREADY_CHANGED_OVER) % {"number": number})
    later = Term.objects.filter(number__gt=previous.number).order_by("number").first()
    if later is not None:
        raise TermChangeOverError(_(ERR_ALREADY_CHANGED_OVER) % {"number": later.number})
    if number != previous.number + 1:
        raise TermChangeOverError(
            _(ERR_NOT_NEXT) % {"expected": previous.number + 1, "current": previous.number}
        )
    if start_date <= previous.end_date:
        raise TermChangeOverError(
            _(ERR_OVERLAP) % {"start": start_date.isoformat(), "end": previous.end_date.isoformat()}
        )
    follows = previous.end_date + timedelta(days=1)
    if start_date != follows:
        raise TermChangeOverError(_(ERR_GAP) % {"next": follows.isoformat()})
    if end_date <= start_date:
        raise TermChangeOverError(_(ERR_END_BEFORE_START))


@transaction.atomic
def term_change_over(
    *,
    new_term_number: int,
    start_date: date,
    end_date: date,
    continuing: Iterable[Deputy],
    actor: User | None,
    today: date | None = None,
) -> ChangeOverResult:
    """Open the next term and carry the roster across, all or nothing.

    The term closed is the one in office ``today`` (or the last one begun, when the change-over
    is recorded after the old term ended). ``continuing`` deputies move to the new term (their
    first term is kept, so they count as 连任); every other serving deputy ends with the old
    term (届满离任, dated its last day), so ``serving_on`` is right on both sides of the
    boundary. Memberships of the old term are closed; nothing of the old term's ledger,
    assessments or suggestions is touched: they stay with the years they belong to.
    """
    _require_staff(actor)
    today = today or clock.today()
    previous = term_current_or_last(today=today)
    if previous is None:
        raise TermChangeOverError(_(ERR_NO_TERM))
    previous = Term.objects.select_for_update().get(pk=previous.pk)
    _check_new_term(previous, new_term_number, start_date, end_date)

    outgoing = {
        d.pk: d
        for d in Deputy.objects.select_for_update()
        .filter(status=Status.SERVING, term__number__lte=previous.number)
        .select_related("term")
    }
    continuing_ids = {d.pk for d in continuing}
    refused = continuing_ids - {pk for pk, d in outgoing.items() if d.term_id == previous.pk}
    if refused:
        names = "、".join(
            str(d) for d in Deputy.objects.filter(pk__in=refused).order_by("code")
        ) or "、".join(str(pk) for pk in sorted(refused, key=str))
        raise TermChangeOverError(_(ERR_NOT_SERVING) % {"number": previous.number, "names": names})

    term = Term.objects.create(number=new_term_number, start_date=start_date, end_date=end_date)
    reason = _(REASON_TERM_ENDED)
    for deputy in outgoing.values():
        old_term = deputy.term
        TermMembership.sync(deputy)  # the old term's membership, if the deputy predates it
        if deputy.pk in continuing_ids:
            # Saving moves the membership: the old one closes as continued on the old term's
            # last day, the new one opens on the new term's first.
            deputy.first_elected_term_id = deputy.first_elected_term_id or old_term.pk
            deputy.term = term
            deputy.save(update_fields=["term", "first_elected_term", "updated_at"])
        else:
            deputy.status, deputy.status_date = Status.TERM_ENDED, old_term.end_date
            deputy.status_reason = reason
            deputy.save(update_fields=["status", "status_date", "status_reason", "updated_at"])
    ended = len(outgoing) - len(continuing_ids)
    audit_record(
        actor=actor,
        action="deputies.term_change_over",
        target=term,
        summary=_("换届：开启第 %(number)d 届，连任 %(c)d 名，届满离任 %(e)d 名")
        % {"number": term.number, "c": len(continuing_ids), "e": ended},
        data={
            "previous": previous.number,
            "term": term.number,
            "start": start_date.isoformat(),
            "end": end_date.isoformat(),
            "continued": sorted(continuing_ids),
            "ended": sorted(set(outgoing) - continuing_ids),
        },
    )
    return ChangeOverResult(
        term=term, previous=previous, continued=len(continuing_ids), ended=ended
    )
