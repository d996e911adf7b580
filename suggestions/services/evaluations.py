"""The two judgements of a reply: the lead deputy's evaluation and the public's rating."""

import hashlib
import math
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy

from ..models import (
    Evaluation,
    PublicRating,
    Status,
    Suggestion,
    Verdict,
)
from ..workflow import (
    SuggestionError,
    suggestion_transition,
)
from .common import (
    ERR_ALREADY_EVALUATED,
    ERR_ALREADY_RATED,
    ERR_BAD_PHONE,
    ERR_NOT_LEAD_DEPUTY,
    ERR_NOT_REPLIED,
    ERR_RATING_CLOSED,
    ERR_RATING_IDENTITY,
    ERR_SCORE_RANGE,
    _require_today_or_past,
)

# --- deputies --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *,
    suggestion: Suggestion,
    deputy: Deputy,
    verdict: str,
    implementation_score: int,
    comment: str = "",
    evaluated_on: date | None = None,
    actor: User | None,
    today: date | None = None,
) -> Evaluation:
    """The lead deputy's evaluation of the latest reply. 不满意 sends the suggestion back to
    handling the first time; after the second reply the evaluation stands."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.lead_deputy_id != deputy.pk:
        raise SuggestionError(_(ERR_NOT_LEAD_DEPUTY))
    if suggestion.status != Status.REPLIED:
        raise SuggestionError(_(ERR_NOT_REPLIED))
    if not isinstance(implementation_score, int) or not 0 <= implementation_score <= 100:
        raise SuggestionError(_(ERR_SCORE_RANGE))
    verdict = Verdict(verdict)
    today = today or clock.today()
    evaluated_on = evaluated_on or today
    _require_today_or_past(evaluated_on, today)
    reply = suggestion.replies.order_by("-replied_on", "-id").first()
    if reply.evaluations.filter(deputy=deputy).exists():
        raise SuggestionError(_(ERR_ALREADY_EVALUATED))
    evaluation = Evaluation.objects.create(
        suggestion=suggestion,
        reply=reply,
        deputy=deputy,
        verdict=verdict,
        implementation_score=implementation_score,
        comment=comment,
        evaluated_on=evaluated_on,
    )
    suggestion_transition(
        suggestion=suggestion,
        to=Status.EVALUATED,
        actor=actor,
        on=evaluated_on,
        today=today,
        comment=f"{verdict.label}，落实度 {implementation_score}",
        evaluation=evaluation,
    )
    if verdict == Verdict.UNSATISFIED and suggestion.reopen_count == 0:
        suggestion_transition(
            suggestion=suggestion,
            to=Status.IN_HANDLING,
            actor=actor,
            on=evaluated_on,
            today=today,
            comment=_("代表不满意，退回重新办理。") + (f"\n{comment}" if comment else ""),
        )
    return evaluation


# --- the public -------------------------------------------------------------------------------


def phone_hash(phone: str) -> str:
    """Phone numbers are kept only as a keyed hash: enough to refuse a second rating."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{phone}".encode()).hexdigest()


RATEABLE = (Status.REPLIED, Status.EVALUATED, Status.CONCLUDED, Status.CLOSED)

ERR_RATINGS_CAPPED = gettext_noop("此建议近一小时收到的群众评价已达上限，请稍后再试。")
CAP_WINDOW = timedelta(hours=1)


class RatingCapReached(SuggestionError):
    """The suggestion had its hourly share of public ratings; ``retry_after`` is the number of
    seconds until the oldest of them leaves the window (the page answers 429 with it)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _check_cap(suggestion: Suggestion, now: datetime) -> None:
    """At most ``LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR`` ratings of one suggestion in
    any hour. Public ratings weigh half of a unit's score, so one suggestion must not take a
    flood of 0s from many addresses (the per-address limiter alone lets every address rate).
    The caller holds the suggestion's row lock, so two concurrent ratings count one after the
    other."""
    cap = settings.LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR
    recent = PublicRating.objects.filter(suggestion=suggestion, created_at__gt=now - CAP_WINDOW)
    times = list(recent.order_by("created_at").values_list("created_at", flat=True)[: max(cap, 1)])
    if cap > 0 and len(times) < cap:
        return
    oldest = times[0] if times else now
    retry_after = max(1, math.ceil((oldest + CAP_WINDOW - now).total_seconds()))
    raise RatingCapReached(_(ERR_RATINGS_CAPPED), retry_after=retry_after)


@transaction.atomic
def public_rating_submit(
    *,
    suggestion: Suggestion,
    score: int,
    phone: str = "",
    device_token: str = "",
    comment: str = "",
    now: datetime | None = None,
) -> PublicRating:
    """One member of the public's benefit rating, refused past the suggestion's hourly cap.
    ``now`` is the moment the cap is counted at; ``created_at`` is stamped by ``auto_now_add``
    (the same clock), so tests that move time use ``time_machine`` rather than ``now``."""
    now = now or clock.now()
    # The row lock serialises the ratings of one suggestion (count, then insert).
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status not in RATEABLE:
        raise SuggestionError(_(ERR_RATING_CLOSED))
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise SuggestionError(_(ERR_SCORE_RANGE))
    phone = (phone or "").strip()
    if phone and not (len(phone) == 11 and phone.isascii() and phone.isdigit() and phone[0] == "1"):
        raise SuggestionError(_(ERR_BAD_PHONE))
    if not phone and not device_token:
        raise SuggestionError(_(ERR_RATING_IDENTITY))
    _check_cap(suggestion, now)
    try:
        with transaction.atomic():
            rating = PublicRating.objects.create(
                suggestion=suggestion,
                score=score,
                comment=comment[:300],
                phone_hash=phone_hash(phone) if phone else None,
                device_token=device_token[:64] or None,
            )
    except IntegrityError as exc:
        raise SuggestionError(_(ERR_ALREADY_RATED)) from exc
    audit_record(
        actor=None, action="suggestions.public_rating", target=suggestion, summary=str(score)
    )
    return rating
