"""What a handling unit asks of staff and how staff decide: extension requests (延期),
return requests (退办) and reassignment (改办)."""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core import clock
from core.audit import audit_record
from core.notifications import notification_send_many
from core.workdays import add_working_days

from ..models import (
    OPEN_HANDLING,
    CommitmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    HandlingUnit,
    ReturnRequest,
    ReturnStatus,
    Status,
    Suggestion,
)
from ..workflow import (
    ERR_DEADLINE_BEYOND_LIMIT,
    ERR_LEAD_UNIT_REQUIRED,
    SuggestionError,
    deputy_url,
    deputy_users,
    staff_users,
    suggestion_transition,
    unit_url,
    unit_users,
)
from .common import (
    ERR_EXTENSION_DECIDED,
    ERR_EXTENSION_NOT_LATER,
    ERR_EXTENSION_PENDING,
    ERR_EXTENSION_USED,
    ERR_EXTENSION_WITHDRAWN,
    ERR_NOT_IN_HANDLING,
    ERR_REASON_REQUIRED,
    ERR_REASSIGN_STALE,
    ERR_RETURN_DECIDED,
    ERR_RETURN_PENDING,
    ERR_RETURN_REFUSE_REASON,
    ERR_RETURN_REFUSED,
    ERR_RETURN_STATE,
    ERR_RETURN_WINDOW,
    ERR_RETURN_WITHDRAWN,
    _require_lead_unit,
    _require_staff,
)


def _require_within_limit(suggestion: Suggestion, deadline: date) -> None:
    if deadline > suggestion.deadline_limit:
        raise SuggestionError(
            _(ERR_DEADLINE_BEYOND_LIMIT)
            % {
                "months": settings.LVZHI_SUGGESTIONS_MAX_MONTHS,
                "limit": suggestion.deadline_limit.isoformat(),
            }
        )


# --- extensions ------------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    requested_deadline: date,
    reason: str,
    actor: User | None,
) -> ExtensionRequest:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    if suggestion.status not in OPEN_HANDLING:
        raise SuggestionError(_(ERR_NOT_IN_HANDLING))
    if not reason.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    if suggestion.extension_count >= 1:
        raise SuggestionError(_(ERR_EXTENSION_USED))
    if suggestion.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise SuggestionError(_(ERR_EXTENSION_PENDING))
    if requested_deadline <= suggestion.reply_deadline:
        raise SuggestionError(
            _(ERR_EXTENSION_NOT_LATER) % {"d": suggestion.reply_deadline.isoformat()}
        )
    _require_within_limit(suggestion, requested_deadline)
    request = ExtensionRequest.objects.create(
        suggestion=suggestion,
        unit=unit,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="suggestions.extension_request",
        target=suggestion,
        summary=f"{suggestion} 申请延期至 {requested_deadline}",
        data={"reason": reason},
    )
    notification_send_many(
        recipients=staff_users(),
        kind="suggestion.extension",
        title=_("延期申请待审核：%(s)s") % {"s": suggestion},
        body=reason,
        url=reverse("admin:suggestions_extensionrequest_change", args=[request.pk]),
        dedupe_key=f"extension:{request.pk}:requested",
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    approve: bool,
    note: str = "",
    actor: User | None,
    now: datetime | None = None,
) -> ExtensionRequest:
    _require_staff(actor)
    # Suggestion before request, as 改办 (which closes pending extension requests) takes them.
    Suggestion.objects.select_for_update().get(pk=request.suggestion_id)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    suggestion = Suggestion.objects.select_for_update().get(pk=request.suggestion_id)
    if request.status == ExtensionStatus.WITHDRAWN:
        raise SuggestionError(_(ERR_EXTENSION_WITHDRAWN) % {"s": suggestion})
    if request.status != ExtensionStatus.PENDING:
        raise SuggestionError(_(ERR_EXTENSION_DECIDED))
    if approve:
        if suggestion.extension_count >= 1:
            raise SuggestionError(_(ERR_EXTENSION_USED))
        if suggestion.status not in OPEN_HANDLING:
            raise SuggestionError(_(ERR_NOT_IN_HANDLING))
        if request.requested_deadline <= suggestion.reply_deadline:
            raise SuggestionError(
                _(ERR_EXTENSION_NOT_LATER) % {"d": suggestion.reply_deadline.isoformat()}
            )
        _require_within_limit(suggestion, request.requested_deadline)
        suggestion.reply_deadline = request.requested_deadline
        suggestion.extension_count += 1
        suggestion.save(update_fields=["reply_deadline", "extension_count", "updated_at"])
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by = actor
    request.decided_at = now or clock.now()
    request.decision_note = note[:200]
    request.save()
    audit_record(
        actor=actor,
        action="suggestions.extension_decide",
        target=suggestion,
        summary=f"{suggestion} 延期申请{request.get_status_display()}",
        data={"approve": approve, "note": note},
    )
    title = _("延期申请%(r)s：%(s)s") % {"r": request.get_status_display(), "s": suggestion}
    body = _("答复期限：%(d)s") % {"d": suggestion.reply_deadline.isoformat()}
    notification_send_many(
        recipients=unit_users([suggestion.lead_unit]),
        kind="suggestion.extension",
        title=title,
        body=body,
        url=unit_url(suggestion),
        dedupe_key=f"extension:{request.pk}:decided",
    )
    if approve:
        notification_send_many(
            recipients=deputy_users(suggestion),
            kind="suggestion.extension",
            title=title,
            body=body,
            url=deputy_url(suggestion),
            dedupe_key=f"extension:{request.pk}:decided",
        )
    return request


# --- return requests and reassignment (退办、改办) -----------------------------------------


def return_deadline(suggestion: Suggestion) -> date | None:
    """The last day the lead unit may ask to return ``suggestion``."""
    start = suggestion.reassigned_on or suggestion.assigned_on
    if start is None:
        return None
    return add_working_days(start, settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS)


def reassignable(suggestion: Suggestion) -> bool:
    """Whether ``suggestion`` may still be returned or reassigned: in handling, never replied."""
    return suggestion.status in OPEN_HANDLING and suggestion.first_replied_on is None


def _require_reassignable(suggestion: Suggestion) -> None:
    if not reassignable(suggestion):
        raise SuggestionError(_(ERR_RETURN_STATE))


@transaction.atomic
def return_request(
    *,
    suggestion: Suggestion,
    unit: HandlingUnit,
    reason: str,
    actor: User | None,
    today: date | None = None,
) -> ReturnRequest:
    """申请退办: the lead unit asks, with a reason, within the window after (re)assignment."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require_lead_unit(suggestion, unit, actor)
    _require_reassignable(suggestion)
    if not reason.strip():
        raise SuggestionError(_(ERR_REASON_REQUIRED))
    last_day = return_deadline(suggestion)
    if (today or clock.today()) > last_day:
        raise SuggestionError(
            _(ERR_RETURN_WINDOW)
            % {"n": settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS, "d": last_day.isoformat()}
        )
    requests = suggestion.return_requests.all()
    if requests.filter(status=ReturnStatus.PENDING).exists():
        raise SuggestionError(_(ERR_RETURN_PENDING))
    if requests.filter(status=ReturnStatus.REFUSED, unit=unit).exists():
        raise SuggestionError(_(ERR_RETURN_REFUSED))
    request = ReturnRequest.objects.create(
        suggestion=suggestion, unit=unit, reason=reason.strip(), requested_by=actor
    )
    audit_record(
        actor=actor,
        action="suggestions.return_request",
        target=suggestion,
        summary=f"{suggestion} {unit} 申请退办",
        data={"reason": request.reason, "request": request.pk},
    )
    notification_send_many(
        recipients=staff_users(),
        kind="suggestion.return",
        title=_("退办申请待审核：%(s)s") % {"s": suggestion},
        body=_("%(u)s：%(r)s") % {"u": unit, "r": request.reason},
        url=reverse("admin:suggestions_returnrequest_change", args=[request.pk]),
        dedupe_key=f"return:{request.pk}:requested",
    )
    return request


@transaction.atomic
def suggestion_reassign(
    *,
    suggestion: Suggestion,
    lead_unit: HandlingUnit,
    co_units: Iterable[HandlingUnit] = (),
    comment: str = "",
    from_unit: HandlingUnit | None = None,
    on: date | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Suggestion:
    """改办 by staff (on a unit's request or on their own initiative). ``from_unit`` is the lead
    unit the caller saw: if someone changed it meanwhile, nothing happens."""
    _require_staff(actor)
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if from_unit is not None and locked.lead_unit_id != from_unit.pk:
        raise SuggestionError(_(ERR_REASSIGN_STALE))
    _require_reassignable(locked)
    old_unit = locked.lead_unit
    note = _("改办：%(a)s → %(b)s") % {"a": old_unit, "b": lead_unit}
    if comment.strip():
        note += f"\n{comment.strip()}"
    co_units = list(co_units)
    suggestion_transition(
        suggestion=locked,
        to=Status.ASSIGNED,
        actor=actor,
        on=on,
        today=today,
        comment=note,
        reassign=True,
        lead_unit=lead_unit,
        co_units=co_units,
    )
    now = now or clock.now()
    # A request still waiting is settled by the reassignment itself.
    for request in locked.return_requests.select_for_update().filter(status=ReturnStatus.PENDING):
        request.status = ReturnStatus.APPROVED
        request.new_lead_unit = lead_unit
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.decided_at = now
        request.staff_reason = comment.strip()[:200]
        request.save()
        request.new_co_units.set(co_units)
    # Open commitments of units that lost the suggestion go to the new lead unit: otherwise no
    # one could settle them and the suggestion could never close.
    kept = {lead_unit.pk, *(u.pk for u in co_units)}
    moved = (
        locked.commitments.filter(status=CommitmentStatus.OPEN)
        .exclude(owner_unit_id__in=kept)
        .update(owner_unit=lead_unit)
    )
    # The old unit's pending extension request no longer concerns anyone.
    locked.extension_requests.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REJECTED,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=now,
        decision_note=_("已改办"),
    )
    audit_record(
        actor=actor,
        action="suggestions.reassign",
        target=locked,
        summary=f"{locked} {note}"[:200],
        data={
            "from_unit": old_unit.pk,
            "to_unit": lead_unit.pk,
            "co_units": [u.pk for u in co_units],
            "commitments_moved": moved,
        },
    )
    suggestion.refresh_from_db()
    return suggestion


@transaction.atomic
def return_decide(
    *,
    request: ReturnRequest,
    approve: bool,
    note: str = "",
    lead_unit: HandlingUnit | None = None,
    co_units: Iterable[HandlingUnit] | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> ReturnRequest:
    """同意 → 改办 to ``lead_unit`` (default: the unit staff chose on the request's page);
    不同意 → the unit keeps the suggestion and is told why."""
    _require_staff(actor)
    # Suggestion first, then the request: the order 改办 takes them in, so the two never deadlock.
    Suggestion.objects.select_for_update().get(pk=request.suggestion_id)
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    suggestion = request.suggestion
    if request.status == ReturnStatus.WITHDRAWN:
        raise SuggestionError(_(ERR_RETURN_WITHDRAWN) % {"s": suggestion})
    if request.status != ReturnStatus.PENDING:
        raise SuggestionError(_(ERR_RETURN_DECIDED))
    if approve:
        lead_unit = lead_unit or request.new_lead_unit
        if lead_unit is None:
            raise SuggestionError(_(ERR_LEAD_UNIT_REQUIRED))
        co_units = list(request.new_co_units.all() if co_units is None else co_units)
        suggestion_reassign(
            suggestion=suggestion,
            lead_unit=lead_unit,
            co_units=co_units,
            comment=note or _("同意%(u)s的退办申请。") % {"u": request.unit},
            from_unit=request.unit,
            actor=actor,
            today=today,
            now=now,
        )
        request.refresh_from_db()
    else:
        if not note.strip():
            raise SuggestionError(_(ERR_RETURN_REFUSE_REASON))
        request.status = ReturnStatus.REFUSED
        request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        request.decided_at = now or clock.now()
        request.staff_reason = note.strip()[:200]
        request.save()
        notification_send_many(
            recipients=unit_users([request.unit]),
            kind="suggestion.return",
            title=_("退办申请未同意：%(s)s") % {"s": suggestion},
            body=_("请按期办理。工委意见：%(r)s") % {"r": request.staff_reason},
            url=unit_url(suggestion),
            dedupe_key=f"return:{request.pk}:decided",
        )
    audit_record(
        actor=actor,
        action="suggestions.return_decide",
        target=suggestion,
        summary=f"{suggestion} 退办申请{request.get_status_display()}",
        data={"approve": approve, "note": note, "request": request.pk},
    )
    return request
