"""The handling unit's steps: signing for a suggestion, the feasibility note, meetings (面商),
commitments, the reply (which settles the unit's pending requests) and quarterly reports."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from core.notifications import notification_send_many

from ..models import (
    OPEN_HANDLING,
    UNDER_HANDLING,
    Commitment,
    CommitmentStatus,
    CoreProblem,
    ExtensionRequest,
    ExtensionStatus,
    HandlingUnit,
    Meeting,
    ProblemKind,
    QuarterlyReport,
    Reply,
    ResultClass,
    ReturnRequest,
    ReturnStatus,
    Status,
    Suggestion,
    ToughProject,
)
from ..workflow import (
    SuggestionError,
    add_months,
    deputy_url,
    deputy_users,
    suggestion_transition,
)
from .common import (
    ERR_BAD_PROBLEM_KIND,
    ERR_COMMITMENT_CLOSED,
    ERR_COMMITMENT_DATE,
    ERR_MEETING_STATE,
    ERR_NOT_HANDLING_UNIT,
    ERR_NOT_IN_HANDLING,
    ERR_PROBLEMS_REQUIRED,
    ERR_QUARTER_BEFORE_PROJECT,
    ERR_QUARTER_FUTURE,
    ERR_QUARTER_RANGE,
    ERR_REASON_REQUIRED,
    ERR_REPORT_EXISTS,
    NOTE_WITHDRAWN_BY_REPLY,
    _handling_unit_ids,
    _is_staff,
    _require_lead_unit,
    _require_today_or_past,
    _user_units,
)

# --- handling-unit steps -------------------------------------------------------------------


def suggestion_accept(
    *, suggestion: Suggestion, actor: User | None, today: date | None = None
) -> Suggestion:
    """The lead unit signs for an assigned suggestion (签收) and starts handling it."""
    return suggestion_transition(
        suggestion=suggestion, to=Status.IN_HANDLING, actor=actor, today=today
    )


@transaction.atomic
def feasibility_note_set(
    *, suggestion: Suggestion, unit: HandlingUnit, note: str, actor: User | None
) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    if suggestion.status not in OPEN_HANDLING:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    suggestion.feasibility_note = note.strip()
    suggestion.save(update_fields=["feasibility_note", "updated_at"])
    audit_record(
        actor=actor, action="suggestions.feasibility", target=suggestion, summary=str(suggestion)
    )
    return suggestion


@transaction.atomic
def meeting_record(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    held_on: date,
    participants: str,
    summary: str,
    place: str = "",
    actor: User | None,
    today: date | None = None,
) -> Meeting:
    if unit.pk not in _handling_unit_ids(suggestion):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if not _is_staff(actor) and unit.pk not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if suggestion.status not in UNDER_HANDLING:
        raise SuggestionError(_(ERR_MEETING_STATE))
    _require_today_or_past(held_on, today or clock.today())
    meeting = Meeting.objects.create(
        suggestion=suggestion,
        unit=unit,
        held_on=held_on,
        place=place,
        participants=participants,
        summary=summary,
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action="suggestions.meeting", target=suggestion, summary=f"面商 {held_on}"
    )
    return meeting


@transaction.atomic
def commitment_add(
    *,
    suggestion: Suggestion,
    owner_unit: HandlingUnit,
    content: str,
    due_on: date,
    actor: User | None,
) -> Commitment:
    if owner_unit.pk not in _handling_unit_ids(suggestion):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if not _is_staff(actor) and owner_unit.pk not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if suggestion.status in (Status.CLOSED, Status.CONCLUDED) or suggestion.assigned_on is None:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    commitment = Commitment.objects.create(
        suggestion=suggestion, owner_unit=owner_unit, content=content.strip(), due_on=due_on
    )
    audit_record(
        actor=actor, action="suggestions.commitment_add", target=suggestion, summary=content[:100]
    )
    return commitment


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    status: str,
    completed_on: date | None = None,
    note: str = "",
    actor: User | None,
    today: date | None = None,
) -> Commitment:
    commitment = (
        Commitment.objects.select_for_update().select_related("suggestion").get(pk=commitment.pk)
    )
    if not _is_staff(actor) and commitment.owner_unit_id not in _user_units(actor):
        raise SuggestionError(_(ERR_NOT_HANDLING_UNIT))
    if commitment.status != CommitmentStatus.OPEN:
        raise SuggestionError(_(ERR_COMMITMENT_CLOSED))
    status = CommitmentStatus(status)
    if status == CommitmentStatus.MET:
        if completed_on is None or completed_on > (today or clock.today()):
            raise SuggestionError(_(ERR_COMMITMENT_DATE))
        commitment.completed_on = completed_on
    elif status == CommitmentStatus.MISSED and not note.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    commitment.status = status
    commitment.note = note.strip()[:200]
    commitment.save()
    suggestion = commitment.suggestion
    audit_record(
        actor=actor,
        action="suggestions.commitment_update",
        target=suggestion,
        summary=f"{commitment.content[:80]} → {commitment.get_status_display()}",
    )
    if status != CommitmentStatus.OPEN:
        notification_send_many(
            recipients=deputy_users(suggestion),
            kind="suggestion.commitment",
            title=_("承诺事项%(st)s：%(c)s")
            % {"st": commitment.get_status_display(), "c": commitment.content[:60]},
            body=str(suggestion) + (f"\n{commitment.note}" if commitment.note else ""),
            url=deputy_url(suggestion),
            dedupe_key=f"commitment:{commitment.pk}:{status}",
        )
    return commitment


@transaction.atomic
def reply_submit(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    result_class: str,
    content: str,
    problems: Sequence[tuple[str, str]] = (),
    replied_on: date | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Reply:
    """The lead unit's reply; B and C need a core problem list. An assigned suggestion the unit
    never signed for is taken into handling first.

    A reply settles the unit's requests still waiting for staff: asking for a later deadline or
    to hand the matter on makes no sense once it has answered, so pending extension and return
    requests are withdrawn, with the reason, and nothing stays 待审核 for ever."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    if suggestion.status not in OPEN_HANDLING:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    result_class = ResultClass(result_class)
    problems = [(kind, desc.strip()) for kind, desc in problems if desc and desc.strip()]
    if result_class != ResultClass.A and not problems:
        raise SuggestionError(_(ERR_PROBLEMS_REQUIRED))
    if any(kind not in ProblemKind.values for kind, _desc in problems):
        raise SuggestionError(_(ERR_BAD_PROBLEM_KIND))
    today = today or clock.today()
    replied_on = replied_on or today
    _require_today_or_past(replied_on, today)
    if suggestion.status == Status.ASSIGNED:
        suggestion_transition(
            suggestion=suggestion,
            to=Status.IN_HANDLING,
            actor=actor,
            on=replied_on,
            today=today,
            comment=_("随答复签收"),
        )
    reply = Reply.objects.create(
        suggestion=suggestion,
        unit=unit,
        replied_on=replied_on,
        result_class=result_class,
        content=content,
        replied_by=actor,
    )
    CoreProblem.objects.bulk_create(
        [CoreProblem(reply=reply, kind=kind, description=desc[:300]) for kind, desc in problems]
    )
    _withdraw_pending_requests(
        suggestion, replied_on=replied_on, now=now or clock.now(), actor=actor
    )
    suggestion_transition(
        suggestion=suggestion,
        to=Status.REPLIED,
        actor=actor,
        on=replied_on,
        today=today,
        comment=reply.get_result_class_display(),
        reply=reply,
    )
    return reply


def _withdraw_pending_requests(
    suggestion: Suggestion, *, replied_on: date, now: datetime, actor: User | None
) -> None:
    """Close the extension and return requests still waiting on ``suggestion`` (the caller
    holds its lock, the order every decision takes them in)."""
    note = _(NOTE_WITHDRAWN_BY_REPLY) % {"d": replied_on.isoformat()}
    extensions = suggestion.extension_requests.select_for_update().filter(
        status=ExtensionStatus.PENDING
    )
    returns = suggestion.return_requests.select_for_update().filter(status=ReturnStatus.PENDING)
    withdrawn = {
        "extension": [r.pk for r in extensions],
        "return": [r.pk for r in returns],
    }
    if not (withdrawn["extension"] or withdrawn["return"]):
        return
    ExtensionRequest.objects.filter(pk__in=withdrawn["extension"]).update(
        status=ExtensionStatus.WITHDRAWN, decided_at=now, decision_note=note
    )
    ReturnRequest.objects.filter(pk__in=withdrawn["return"]).update(
        status=ReturnStatus.WITHDRAWN, decided_at=now, staff_reason=note
    )
    audit_record(
        actor=actor,
        action="suggestions.requests_withdrawn",
        target=suggestion,
        summary=f"{suggestion} {note}"[:200],
        data=withdrawn,
    )


@transaction.atomic
def quarterly_report_submit(
    *,
    project: ToughProject,
    unit: HandlingUnit,
    year: int,
    quarter: int,
    content: str,
    actor: User | None,
    today: date | None = None,
) -> QuarterlyReport:
    suggestion = project.suggestion
    _require_lead_unit(suggestion, unit, actor)
    if quarter not in (1, 2, 3, 4):
        raise SuggestionError(_(ERR_QUARTER_RANGE))
    today = today or clock.today()
    if date(year, 3 * quarter - 2, 1) > today:
        raise SuggestionError(_(ERR_QUARTER_FUTURE))
    if add_months(date(year, 3 * quarter - 2, 1), 3) <= project.started_on:
        raise SuggestionError(_(ERR_QUARTER_BEFORE_PROJECT) % {"d": project.started_on.isoformat()})
    if not content.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.create(
                project=project,
                year=year,
                quarter=quarter,
                content=content.strip(),
                unit=unit,
                submitted_by=actor,
            )
    except IntegrityError as exc:
        raise SuggestionError(_(ERR_REPORT_EXISTS)) from exc
    audit_record(
        actor=actor,
        action="suggestions.quarterly_report",
        target=suggestion,
        summary=f"{year}年第{quarter}季度述职",
    )
    return report
