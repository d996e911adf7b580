"""Reads shared by the portal pages, the dashboard panel and the reminders."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import clock
from core.compiled import counts_union, rows_once
from core.models import CalendarDay
from core.workdays import working_days_between
from deputies.facts import prepared

from .models import (
    CONCLUDED_STATES,
    OPEN_HANDLING,
    PRE_REGISTRATION,
    Commitment,
    CommitmentStatus,
    ExtensionStatus,
    HandlingUnit,
    Reply,
    ReturnRequest,
    ReturnStatus,
    Status,
    StatusChange,
    Suggestion,
    ToughProject,
)
from .services import reassignable, return_deadline


def deputy_suggestion_ids(deputy) -> QuerySet:
    """Ids of the suggestions ``deputy`` leads or co-signs, as a subquery: two indexed lookups
    (the lead index, the co-signer table's deputy index) joined by UNION, so one deputy's pages
    read that deputy's rows only. ``Q(lead_deputy) | Q(co_signers)`` with ``distinct()`` joins
    every suggestion to the co-signer table first and grows with everyone's suggestions."""
    led = Suggestion.objects.filter(lead_deputy=deputy).order_by().values("pk")
    cosigned = (
        Suggestion.co_signers.through.objects.filter(deputy=deputy)
        .order_by()
        .values("suggestion_id")
    )
    return led.union(cosigned)


def deputy_suggestions(deputy) -> QuerySet[Suggestion]:
    """The suggestions ``deputy`` leads or co-signs (every "my suggestions" list and detail),
    each once, without ``distinct()``."""
    return Suggestion.objects.filter(pk__in=deputy_suggestion_ids(deputy))


#: What a row of the deputy's list ("my suggestions") shows, in this order.
MINE_ROW_FIELDS = (
    "pk",
    "title",
    "status",
    "number",
    "kind",
    "category__name",
    "lead_deputy_id",
    "lead_deputy__name",
    "lead_unit__name",
)


def _deputy_list(deputy: int, status: str) -> QuerySet[Suggestion]:
    shown = Suggestion.objects.filter(pk__in=deputy_suggestion_ids(deputy))
    return shown.filter(status=status) if status else shown


def deputy_list_count(deputy: int, status: str = "") -> int:
    """How many suggestions the deputy ``deputy`` (an id) leads or co-signs, in ``status``
    if given: the deputy's list's size, counted without joining what a row shows. Compiled
    once per state and process (``deputies.facts.prepared``), run with the deputy's id."""
    rows = prepared(
        ("suggestions:mine-count", status),
        lambda deputy: counts_union({"n": _deputy_list(deputy, status)}),
        deputy=deputy,
    )
    return rows[0][1] if rows else 0


def deputy_list_rows(deputy: int, status: str, offset: int, size: int) -> list[tuple]:
    """The deputy's list's page of rows (``MINE_ROW_FIELDS``), newest first, as plain values
    (no model per row and relation). Compiled once per state, page and process
    (``deputies.facts.prepared``), run with the deputy's id."""
    return prepared(
        ("suggestions:mine-rows", status, offset, size),
        lambda deputy: (
            _deputy_list(deputy, status)
            .order_by("-created_at")
            .values_list(*MINE_ROW_FIELDS)[offset : offset + size]
        ),
        deputy=deputy,
    )


# States a unit's lists never show: before registration, and registered but not yet assigned.
UNIT_HIDDEN_STATES = (*PRE_REGISTRATION, Status.REGISTERED)


def unit_scope(user, *, unit_ids: list[int] | None = None) -> tuple[list[int], list[int]]:
    """``user``'s units and the ids of the suggestions they co-handle (two small indexed
    queries; ``unit_ids``: the user's units, when the caller has read them already). The
    co-handled ids are read by a statement compiled once per number of units and process
    (``deputies.facts.prepared``). Read first, they let the portal's statements say
    ``lead_unit IN (…) OR id IN (…)``, which PostgreSQL answers from two indexes
    (BitmapOr); ``id IN (SELECT … co-units …)`` in their place made it read the whole table
    for the portal's 已办结 and 全部 tabs (20k rows, ~25 ms at district size)."""
    if unit_ids is None:
        unit_ids = list(HandlingUnit.objects.filter(users=user).values_list("pk", flat=True))
    co_handled = (
        prepared(
            ("suggestions:co-handled",),
            lambda units: Suggestion.co_units.through.objects.filter(
                handlingunit_id__in=units
            ).values_list("suggestion_id", flat=True),
            units=tuple(unit_ids),
        )
        if unit_ids
        else []
    )
    return unit_ids, co_handled


def unit_scope_suggestions(unit_ids: list[int], co_handled: list[int]) -> QuerySet[Suggestion]:
    """The registered suggestions the units ``unit_ids`` lead or co-handle (``unit_scope``)."""
    return Suggestion.objects.filter(Q(lead_unit_id__in=unit_ids) | Q(pk__in=co_handled)).exclude(
        status__in=UNIT_HIDDEN_STATES
    )


def unit_user_suggestions(user, *, unit_ids: list[int] | None = None) -> QuerySet[Suggestion]:
    """The suggestions one of ``user``'s units leads or co-handles, once registered (the unit
    portal). The unit ids and the co-handled suggestion ids are read first (two small indexed
    queries), so the list is ``lead_unit IN (…) OR id IN (…)``: PostgreSQL combines the two
    indexes with the status filter (BitmapAnd/BitmapOr) and reads only the rows it lists,
    where a subquery or ``Q(lead_unit) | Q(co_units)`` with ``distinct()`` read every one of
    the units' suggestions (or everyone's) first. ``unit_ids``: the user's units, when the
    caller has read them already."""
    return unit_scope_suggestions(*unit_scope(user, unit_ids=unit_ids))


def overdue_working_days(
    deadlines: list[date], today: date, exceptions: dict[date, str] | None = None
) -> list[int]:
    """Working days from each deadline to ``today``, with one read of the calendar for all;
    ``exceptions``: the calendar's days after the earliest deadline up to ``today`` (date ->
    kind), when the caller read them with its rows (the staff page), else read here."""
    past = [d for d in deadlines if d < today]
    if not past:
        return [0] * len(deadlines)
    if exceptions is None:
        exceptions = dict(
            CalendarDay.objects.filter(date__gt=min(past), date__lte=today).values_list(
                "date", "kind"
            )
        )

    counts = {deadline: _working_days_after(deadline, today, exceptions) for deadline in set(past)}
    return [counts.get(d, 0) for d in deadlines]


def _working_days_after(start: date, end: date, exceptions: dict[date, str]) -> int:
    """Working days in (start, end]: Monday to Friday counted by whole weeks, then the
    calendar's exceptions in that span (a weekday off, a weekend day worked) applied. The cost
    does not grow with the span (a district's oldest overdue deadlines are a year or more ago)."""
    weeks, rest = divmod((end - start).days, 7)
    count = 5 * weeks + sum((start + timedelta(days=i)).weekday() < 5 for i in range(1, rest + 1))
    for day, kind in exceptions.items():
        if start < day <= end:
            count += (kind == CalendarDay.Kind.WORKDAY) - (day.weekday() < 5)
    return count


def last_quarter(today: date) -> tuple[int, int]:
    """The most recent quarter that has ended before ``today``."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def quarter_end(year: int, quarter: int) -> date:
    month = 3 * quarter
    return date(year, month, 31 if month in (3, 12) else 30)


def detail_queryset(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "category", "lead_deputy", "lead_unit", "tough", "plan__responsible"
    ).prefetch_related(
        "co_signers",
        "co_units",
        "attachments",
        "meetings__unit",
        "extension_requests",
        Prefetch("return_requests", queryset=ReturnRequest.objects.select_related("unit")),
        Prefetch("history", queryset=StatusChange.objects.select_related("actor")),
        Prefetch("commitments", queryset=Commitment.objects.select_related("owner_unit")),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("unit").prefetch_related(
                "problems", "evaluations"
            ),
        ),
        "checks",
        "plan__milestones",
        "tough__reports",
    )


def detail_context(suggestion: Suggestion, today: date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    overdue_workdays = None
    days_left = None
    if suggestion.status in OPEN_HANDLING and suggestion.reply_deadline:
        if suggestion.reply_deadline < today:
            overdue_workdays = working_days_between(suggestion.reply_deadline, today)
        else:
            days_left = (suggestion.reply_deadline - today).days
    return {
        "suggestion": suggestion,
        "today": today,
        "overdue_workdays": overdue_workdays,
        "days_left": days_left,
        "tough": getattr(suggestion, "tough", None),
        "plan": getattr(suggestion, "plan", None),
        "ratings": suggestion.ratings.aggregate(n=Count("pk"), avg=Avg("score")),
    }


# What a page shows instead of a form that no longer applies (the services refuse the same).
STATE_NOT_OPEN = gettext_noop("此件当前状态为“%(st)s”，已不能办理此项。")
STATE_EXTENSION_PENDING = gettext_noop("已于 %(on)s 申请延期至 %(d)s，等待工委审核。")
STATE_EXTENSION_USED = gettext_noop("答复期限已延长过一次（现为 %(d)s），不能再次申请。")
STATE_RETURN_PENDING = gettext_noop("已于 %(on)s 申请退办，等待工委审核；审核前请继续办理。")
STATE_RETURN_REFUSED = gettext_noop("工委已不同意本单位的退办申请：%(r)s。请按期办理。")
STATE_RETURN_AFTER_REPLY = gettext_noop("已经答复过的议案建议不能退办。")
STATE_RETURN_WINDOW = gettext_noop(
    "退办申请须在交办（或改办）后 %(n)d 个工作日内提出，已于 %(d)s 截止。"
)
STATE_REPLIED = gettext_noop("已于 %(d)s 答复（%(c)s），此件当前状态为“%(st)s”。")
STATE_EVALUATED = gettext_noop("您已于 %(d)s 评价这次答复：%(v)s，落实度 %(n)s。")
STATE_NOT_REPLIED = gettext_noop("此件当前状态为“%(st)s”，收到答复后才能评价。")
STATE_COMMITMENT_SETTLED = gettext_noop("该承诺事项已是“%(st)s”，不能再修改。")


def _not_open(suggestion: Suggestion) -> str:
    return _(STATE_NOT_OPEN) % {"st": suggestion.get_status_display()}


def extension_closed_reason(suggestion: Suggestion) -> str | None:
    """Why the lead unit can no longer ask for an extension, or ``None`` if it can
    (``services.extension_request`` enforces the same); reads the prefetched requests of
    ``detail_queryset``."""
    if suggestion.status not in OPEN_HANDLING:
        return _not_open(suggestion)
    for r in suggestion.extension_requests.all():
        if r.status == ExtensionStatus.PENDING:
            return _(STATE_EXTENSION_PENDING) % {
                "on": timezone.localtime(r.requested_at).date().isoformat(),
                "d": r.requested_deadline.isoformat(),
            }
    if suggestion.extension_count >= 1:
        return _(STATE_EXTENSION_USED) % {"d": suggestion.reply_deadline.isoformat()}
    return None


def extension_open(suggestion: Suggestion) -> bool:
    return extension_closed_reason(suggestion) is None


def return_closed_reason(
    suggestion: Suggestion, unit_id: int, *, today: date | None = None
) -> str | None:
    """Why the lead unit can no longer ask to return ``suggestion``, or ``None`` if it can
    (``services.return_request`` enforces the same); reads the prefetched requests of
    ``detail_queryset``."""
    if suggestion.status not in OPEN_HANDLING:
        return _not_open(suggestion)
    if not reassignable(suggestion):
        return _(STATE_RETURN_AFTER_REPLY)
    for r in suggestion.return_requests.all():
        if r.status == ReturnStatus.PENDING:
            return _(STATE_RETURN_PENDING) % {
                "on": timezone.localtime(r.requested_at).date().isoformat()
            }
        if r.status == ReturnStatus.REFUSED and r.unit_id == unit_id:
            return _(STATE_RETURN_REFUSED) % {"r": r.staff_reason}
    last_day = return_deadline(suggestion)
    if (today or clock.today()) > last_day:
        return _(STATE_RETURN_WINDOW) % {
            "n": settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS,
            "d": last_day.isoformat(),
        }
    return None


def return_open(suggestion: Suggestion, unit_id: int, *, today: date | None = None) -> bool:
    return return_closed_reason(suggestion, unit_id, today=today) is None


def reply_closed_reason(suggestion: Suggestion) -> str | None:
    """Why the lead unit cannot reply now (it already has, or the suggestion is past handling),
    or ``None`` if it can."""
    if suggestion.status in OPEN_HANDLING:
        return None
    reply = suggestion.replies.order_by("-replied_on", "-id").first()
    if reply is None:
        return _not_open(suggestion)
    return _(STATE_REPLIED) % {
        "d": reply.replied_on.isoformat(),
        "c": reply.get_result_class_display(),
        "st": suggestion.get_status_display(),
    }


def evaluation_closed_reason(suggestion: Suggestion, deputy) -> str | None:
    """Why ``deputy`` cannot evaluate now (already evaluated the latest reply, or there is no
    reply to evaluate), or ``None`` if they can (``services.evaluation_submit`` enforces it)."""
    reply = suggestion.replies.order_by("-replied_on", "-id").first()
    mine = reply.evaluations.filter(deputy=deputy).first() if reply is not None else None
    if mine is not None:
        return _(STATE_EVALUATED) % {
            "d": mine.evaluated_on.isoformat(),
            "v": mine.get_verdict_display(),
            "n": mine.implementation_score if mine.implementation_score is not None else "—",
        }
    if suggestion.status != Status.REPLIED:
        return _(STATE_NOT_REPLIED) % {"st": suggestion.get_status_display()}
    return None


# The unit portal's tabs (besides "all") and the states each one lists.
UNIT_TAB_STATES = {
    "open": OPEN_HANDLING,
    "replied": (Status.REPLIED, Status.EVALUATED),
    "done": CONCLUDED_STATES,
}


def _unit_counts_query(unit_ids: list[int], co_handled: list[int], today: date) -> QuerySet:
    late = ExpressionWrapper(Q(reply_deadline__lt=today), output_field=BooleanField())

    def grouped(qs: QuerySet) -> QuerySet:
        return (
            qs.exclude(status__in=UNIT_HIDDEN_STATES)
            .annotate(late=late)
            .values_list("status", "late")
            .annotate(n=Count("*"))
            .order_by()
        )

    led = grouped(Suggestion.objects.filter(lead_unit_id__in=unit_ids))
    # With a lead unit, as every state counted has (a check constraint): said outright, the
    # co-handled rows are read from an index alone (``sugg_unit_page_co``).
    co = grouped(
        Suggestion.objects.filter(pk__in=co_handled, lead_unit__isnull=False).exclude(
            lead_unit_id__in=unit_ids
        )
    )
    return led.union(co, all=True)


def unit_counts(
    unit_ids: list[int], co_handled: list[int], *, today: date | None = None
) -> dict[str, int]:
    """The unit portal's cards and tab sizes for the units ``unit_ids`` and the suggestions
    they co-handle (``unit_scope``): rows by state and whether the reply is late, in one
    statement of two parts. The led suggestions are counted from the index on (lead unit,
    state, reply deadline) alone; only the co-handled ones (not led by the same units) are
    read from the table. ``lead_unit IN (…) OR id IN (…)`` read every row of the unit's
    suggestions from the table (1,036 for a district's unit)."""
    today = today or clock.today()
    counts = dict.fromkeys([*UNIT_TAB_STATES, "overdue", "all"], 0)
    if not unit_ids:  # no unit: no rows (and no query, as before)
        return counts
    tabs = {state: tab for tab, states in UNIT_TAB_STATES.items() for state in states}
    # Compiled once per day, units and co-handled suggestions in a process (the statement
    # names them), planned once per connection; the counts are read afresh.
    key = ("suggestions:unit-counts", today, tuple(unit_ids), tuple(co_handled))
    rows = rows_once(key, lambda: _unit_counts_query(unit_ids, co_handled, today))
    for status, is_late, n in rows:
        counts["all"] += n  # the "all" tab's rows: with the others, what its pages count
        if status in tabs:
            counts[tabs[status]] += n
        if is_late and status in OPEN_HANDLING:
            counts["overdue"] += n
    return counts


#: What a row of the unit portal shows, in this order (the view writes each row from them).
UNIT_ROW_FIELDS = (
    "pk",
    "title",
    "status",
    "number",
    "lead_unit_id",
    "reply_deadline",
    "lead_deputy__name",
)


def _unit_page_ids(
    unit_ids: list[int], co_handled: list[int], tab: str, offset: int, size: int
) -> RawSQL:
    """The ids of the tab's page, as SQL: the first ``offset + size`` of the led suggestions
    and of the co-handled ones (not led by the same units), each by key, then the page of
    those. ``lead_unit IN (…) OR id IN (…)`` made the database walk the tab's rows of every
    unit by deadline until it had found the page's (332 rows for a district unit's first page,
    more as the district's work grows); apart, the led ones are the first entries of the
    unit's range of an index of their states, deadlines and keys (``sugg_unit_page_led``) and
    the co-handled ones a lookup of each in another (``sugg_unit_page_co``). Django cannot
    order a ``UNION`` of sliced querysets used as a subquery, so the two compiled parts are
    joined here."""
    hidden = [s.value for s in UNIT_HIDDEN_STATES]
    # "Has a lead unit" holds for every state the portal shows (a check constraint) and is
    # said outright: it is the condition of the two indexes the parts are read from.
    shown = Suggestion.objects.filter(lead_unit__isnull=False).exclude(status__in=hidden)
    led = shown.filter(lead_unit_id__in=unit_ids)
    co = shown.filter(pk__in=co_handled).exclude(lead_unit_id__in=unit_ids)
    parts, params = [], []
    for part in (led, co) if co_handled else (led,):  # no co-handled ids: no part to compile
        if tab in UNIT_TAB_STATES:
            part = part.filter(status__in=[s.value for s in UNIT_TAB_STATES[tab]])
        part = (
            part.annotate(page_id=F("pk"), page_deadline=F("reply_deadline"))
            .order_by("reply_deadline", "pk")
            .values_list("page_id", "page_deadline")
        )
        sql, part_params = part[: offset + size].query.sql_with_params()
        # Each sliced part as a derived table whose columns its own query names: SQLite takes
        # neither a parenthesised member of a UNION nor column names given to a derived table.
        n = len(parts)
        parts.append(f"SELECT p{n}.page_id, p{n}.page_deadline FROM ({sql}) p{n}")
        params.extend(part_params)
    return RawSQL(
        f"SELECT page.page_id FROM ({' UNION ALL '.join(parts)}) page "
        "ORDER BY page.page_deadline, page.page_id LIMIT %s OFFSET %s",
        (*params, size, offset),
    )


def _unit_page_query(
    unit_ids: list[int], co_handled: list[int], tab: str, offset: int, size: int
) -> QuerySet:
    """The page's rows with what a row shows: the page's ids chosen by key alone
    (``_unit_page_ids``) and only those read, joined to their lead deputy's name, with their
    open commitments counted (joining the tab's every row to the deputies before sorting them
    grew with the district)."""
    open_commitments = (
        Commitment.objects.filter(suggestion=OuterRef("pk"), status=CommitmentStatus.OPEN)
        .values("suggestion")
        .annotate(n=Count("pk"))
        .values("n")
        .order_by()
    )
    return (
        Suggestion.objects.filter(pk__in=_unit_page_ids(unit_ids, co_handled, tab, offset, size))
        .annotate(open_commitments=Subquery(open_commitments, output_field=IntegerField()))
        .order_by("reply_deadline", "pk")
        .values_list(*UNIT_ROW_FIELDS, "open_commitments")
    )


def unit_page_rows(
    unit_ids: list[int], co_handled: list[int], tab: str, offset: int, size: int
) -> list[tuple]:
    """The unit portal's page of rows (``UNIT_ROW_FIELDS`` and the open commitments):
    ``_unit_page_query``'s rows as the database gives them, its statement compiled once
    per process for these units, co-handled suggestions, tab and page (it names them)."""
    if not unit_ids:  # no unit: no rows (and no query, as before)
        return []
    key = ("suggestions:unit-rows", tab, offset, size, tuple(unit_ids), tuple(co_handled))
    return rows_once(key, lambda: _unit_page_query(unit_ids, co_handled, tab, offset, size))


def missing_quarterly_reports(
    today: date | None = None, *, limit: int | None = None
) -> list[tuple[ToughProject, int, int]]:
    """Active tough projects with no report for the last ended quarter they were open in
    (the first ``limit`` of them, by start date, when a limit is given)."""
    today = today or clock.today()
    year, quarter = last_quarter(today)
    return [(p, year, quarter) for p in missing_quarterly_reports_query(today, limit=limit)]


def missing_quarterly_reports_query(today: date, *, limit: int | None = None) -> QuerySet:
    """The projects of ``missing_quarterly_reports``, as a queryset."""
    year, quarter = last_quarter(today)
    end = quarter_end(year, quarter)
    projects = (
        ToughProject.objects.filter(started_on__lte=end, finished_on__isnull=True)
        .exclude(reports__year=year, reports__quarter=quarter)
        .exclude(suggestion__status__in=CONCLUDED_STATES)
        .select_related("suggestion__lead_unit")
        .order_by("started_on", "pk")
    )
    if limit is not None:
        projects = projects[:limit]
    return projects
