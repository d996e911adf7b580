"""Suggestions' dashboard panels: the deputy's facts and to-do row (their card is in
``deputy_card``) and the to-do cards on the staff desk (the admin index). Reads only, in a fixed
number of queries whatever the amount of data.

The desk's cards are plain counts, counted with the other panels' in one statement; the
checks due and the overdue commitments link to the suggestion list's 督办事项 filter
(``admin.filters.AttentionFilter``), which lists exactly the counted suggestions. The suggestion
admin has no filter for "tough project without last quarter's report", so that card links to
the projects' list filtered by their ids; past ``MAX_IDS_IN_LINK`` ids such a link would
outgrow a request line, so the card links to the staff page's lists instead."""

from datetime import date
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core import clock
from core.compiled import Rows, reads_in_one_query
from core.dashboard import Todo, admin_url, register_todo
from core.navigation import register_tab
from core.render_env import gettext as _
from deputies.facts import ACTIVITY_FACTS, DEPUTY, deputy_facts, register_facts

from .models import (
    OPEN_HANDLING,
    Commitment,
    CommitmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    ReturnRequest,
    ReturnStatus,
    Status,
    Suggestion,
)
from .reviews import flagged_scores
from .selectors import last_quarter, missing_quarterly_reports_query


def activity_facts(today: date) -> dict:
    """The deputy's count of the activity ``suggestions`` this year (``activity.suggestion_counts``
    for one deputy: led plus co-signed), read with their other facts for the portrait and the
    training card's gap rules."""
    return {
        "led": (
            Suggestion.objects.filter(lead_deputy=DEPUTY, submitted_on__year=today.year),
            Count("pk"),
        ),
        "cosigned": (
            Suggestion.co_signers.through.objects.filter(
                deputy=DEPUTY, suggestion__submitted_on__year=today.year
            ),
            Count("pk"),
        ),
    }


def _counts_by_status(status: str = "status") -> JSONObject:
    """``{status: n}`` of the rows, each status counted in the same pass (``status``: the
    lookup to the suggestion's status)."""
    return JSONObject(
        **{value: Count("pk", filter=Q(**{status: value})) for value in Status.values}
    )


def deputy_facts_source(today: date) -> dict:
    """Read with the deputy's other facts (``deputies.facts``): the card's counts by status of
    the suggestions they lead (``led``) or co-sign without leading (``cosigned``), each from
    its own index (as ``deputy_suggestion_ids``, whose UNION a fact cannot hold). The to-do's
    replies waiting for the deputy's evaluation are the led ones ``replied``
    (``to_evaluate``): no subquery of their own."""
    cosigned = Suggestion.co_signers.through.objects.filter(deputy=DEPUTY).exclude(
        suggestion__lead_deputy=DEPUTY
    )
    return {
        "led": (Suggestion.objects.filter(lead_deputy=DEPUTY), _counts_by_status()),
        "cosigned": (cosigned, _counts_by_status("suggestion__status")),
    }


def to_evaluate(known) -> int:
    """Suggestions the deputy led with a reply waiting for their evaluation (满意度测评),
    from the facts (``known``): the led ones ``replied``."""
    return (known["suggestions"]["led"] or {}).get(Status.REPLIED, 0)


def deputy_todos(request) -> list[Todo]:
    """The deputy's to-do row: suggestions they led that have a reply waiting for their
    evaluation (满意度测评); no query of its own (``deputy_facts_source``)."""
    known = deputy_facts(request)
    if known is None:
        return []
    return [
        Todo(
            label=_("建议答复待测评"),
            count=to_evaluate(known),
            hint=_("请对承办单位的答复作出评价"),
            url=f"{reverse('suggestions:mine')}?status={Status.REPLIED}",
        )
    ]


def desk_counts(request, *, today: date | None = None) -> dict[str, QuerySet | Rows] | None:
    """The staff desk's plain counts, counted with the other panels' in one query: suggestions
    to register, overdue replies, pending extension and return requests, units awaiting their
    专题检讨. Each count is a filter on an index (status, status + reply deadline, a unit's year
    score), never a pass over every suggestion. The tough projects lacking last quarter's
    report (``missing``: their ids) are read in the same statement."""
    if not request.user.has_module_perms("suggestions"):
        return None
    today = today or clock.today()
    checks = FollowUpCheck.objects.filter(done_on__isnull=True, due_on__lte=today)
    commitments = Commitment.objects.filter(status=CommitmentStatus.OPEN, due_on__lt=today)
    return {
        "submitted": Suggestion.objects.filter(status=Status.SUBMITTED),
        "overdue": Suggestion.objects.filter(status__in=OPEN_HANDLING, reply_deadline__lt=today),
        "extension": ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING),
        "return": ReturnRequest.objects.filter(status=ReturnStatus.PENDING),
        "review": flagged_scores(),
        # Checks due (三查) and commitments past their date: how many, and on how many
        # suggestions, each pair in one row from one pass over the filter's index (a count
        # each read the ~2,000 overdue checks' index entries twice at district size).
        "checks": Rows(_rows_and_suggestions(checks)),
        "commitments": Rows(_rows_and_suggestions(commitments)),
        "missing": Rows(_missing_reports(today)),
    }


def _rows_and_suggestions(rows: QuerySet) -> QuerySet:
    """One row: the number of ``rows`` and of their distinct suggestions (no GROUP BY: a
    constant is not grouped on, so an empty filter still gives its row of zeros)."""
    return (
        rows.order_by()
        .values(_one=Value(1))
        .annotate(n=Count("*"), on=Count("suggestion", distinct=True))
        .values_list("n", "on")
    )


def _pending(model, kind: str):
    # GROUP BY the filtered status: one row at most, labelled so the union can tell them apart.
    # No ORDER BY (the models' default ordering): SQLite refuses it inside a compound statement.
    return (
        model.objects.filter(status="pending")
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), kind=Value(kind, output_field=CharField()))
        .values_list("kind", "n")
    )


def pending_requests() -> dict[str, int]:
    """Extension and return requests waiting for staff, in one query."""
    rows = dict(
        _pending(ExtensionRequest, "extension").union(_pending(ReturnRequest, "return"), all=True)
    )
    return {"extension": rows.get("extension", 0), "return": rows.get("return", 0)}


def _missing_reports(today: date) -> QuerySet:
    """The ids of ``missing_quarterly_reports``'s projects (the card shows their number)."""
    return missing_quarterly_reports_query(today).select_related(None).values_list("pk", flat=True)


MAX_IDS_IN_LINK = 300


def _by_ids(name: str, ids: list[int]) -> str:
    if len(ids) > MAX_IDS_IN_LINK:
        return reverse("suggestions:staff_home")
    return admin_url(name, id__in=",".join(str(i) for i in ids))


def staff_panel(
    request, *, today: date | None = None, counts: dict[str, int] | None = None
) -> dict[str, Any] | None:
    """The cards; ``counts`` are ``desk_counts``'s, counted by the desk (else here)."""
    if not request.user.has_module_perms("suggestions"):
        return None
    today = today or clock.today()
    if counts is None:
        counts = reads_in_one_query(desk_counts(request, today=today))
    missing = [pk for (pk,) in counts["missing"]]
    (checks, checked), (commitments, committed) = counts["checks"][0], counts["commitments"][0]
    year, quarter = last_quarter(today)
    changelist = "suggestions_suggestion_changelist"
    items = [
        Todo(
            label=_("待立案"),
            count=counts["submitted"],
            url=admin_url(changelist, status__exact=Status.SUBMITTED),
        ),
        Todo(
            label=_("延期申请待审核"),
            count=counts["extension"],
            url=admin_url(
                "suggestions_extensionrequest_changelist", status__exact=ExtensionStatus.PENDING
            ),
        ),
        Todo(
            label=_("退办申请待审核"),
            count=counts["return"],
            url=admin_url(
                "suggestions_returnrequest_changelist", status__exact=ReturnStatus.PENDING
            ),
        ),
        Todo(
            label=_("超期未答复"),
            count=counts["overdue"],
            url=admin_url(
                changelist,
                status__in=",".join(OPEN_HANDLING),
                reply_deadline__lt=today.isoformat(),
            ),
            tone="danger",
        ),
        Todo(
            label=_("办结后检查到期"),
            count=checked,
            hint=_("共 %(n)d 项检查") % {"n": checks} if checks else "",
            url=admin_url(changelist, attention="checks"),
        ),
        Todo(
            label=_("攻坚项目缺季度述职"),
            count=len(missing),
            hint=_("%(y)s 年第 %(q)s 季度") % {"y": year, "q": quarter} if missing else "",
            url=_by_ids("suggestions_toughproject_changelist", missing),
        ),
        Todo(
            label=_("承诺事项逾期"),
            count=committed,
            hint=_("共 %(n)d 项承诺") % {"n": commitments} if commitments else "",
            url=admin_url(changelist, attention="commitments"),
            tone="danger",
        ),
        Todo(
            label=_("专题检讨待登记"),
            count=counts["review"],
            hint=_("承办单位连续两年低于 60 分") if counts["review"] else "",
            url=reverse("admin:suggestions_unitreview_flagged"),
            tone="danger",
        ),
    ]
    return {"items": items}


def register_deputy_home() -> None:
    """The deputy's to-do row and the 建议 tab of the bottom tab bar."""
    register_todo(Role.DEPUTY, "suggestions", deputy_todos, order=30)
    register_facts("suggestions", deputy_facts_source)
    register_facts(ACTIVITY_FACTS + "suggestions", activity_facts)
    register_tab(
        "suggestions.mine",
        gettext_lazy("建议"),
        "suggestions:mine",
        "lightbulb",
        roles=[Role.DEPUTY],
        order=40,
    )
