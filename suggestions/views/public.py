"""The no-login rating page (受益度) with its QR code, and the printable QR sheet."""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import Role, user_has_role
from core import ratelimit
from core.qr import qr_response

from .. import selectors, services
from ..forms import RatingForm
from ..models import PRE_REGISTRATION, PublicRating, Reply, Suggestion
from ..services import SuggestionError

ERR_RATE_LIMITED = gettext_noop("提交过于频繁，请稍后再试。")
DEVICE_COOKIE = "lvzhi_device"


RATE_SCOPE = "suggestions.rate"


def public_rate(request, token):
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("lead_unit", "category").exclude(
            status__in=PRE_REGISTRATION
        ),
        public_token=token,
    )
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if not (8 <= len(device) <= 64 and device.replace("-", "").isalnum()):
        device = uuid.uuid4().hex
    # This device rated already: show its rating instead of a form refused once filled in.
    rated = PublicRating.objects.filter(suggestion=suggestion, device_token=device).first()
    form = None if rated else RatingForm(request.POST or None)
    done = False
    limited = None
    if form is not None and request.method == "POST" and form.is_valid():
        # Counted in the cache every worker shares (core.ratelimit), by the client's address.
        result = ratelimit.hit(
            request, RATE_SCOPE, limit=settings.LVZHI_SUGGESTIONS_RATINGS_PER_HOUR
        )
        if not result.allowed:
            limited = result
            form.add_error(None, _(ERR_RATE_LIMITED))
        else:
            try:
                services.public_rating_submit(
                    suggestion=suggestion, device_token=device, **form.cleaned_data
                )
            except services.RatingCapReached as exc:  # the suggestion's hourly share is used
                limited = ratelimit.Hit(
                    allowed=False, count=0, limit=0, retry_after=exc.retry_after
                )
                form.add_error(None, str(exc))
            except SuggestionError as exc:
                form.add_error(None, str(exc))
            else:
                done = True
    reply = (
        Reply.objects.filter(suggestion=suggestion).order_by("-replied_on", "-id").first()
        if suggestion.status in services.RATEABLE
        else None
    )
    response = render(
        request,
        "suggestions/rate.html",
        {
            "suggestion": suggestion,
            "form": form,
            "done": done,
            "rated": rated,
            "reply": reply,
            "open": suggestion.status in services.RATEABLE,
        },
    )
    if limited is not None:
        ratelimit.too_many(response, limited)
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=3 * 365 * 24 * 3600, httponly=True, samesite="Lax"
    )
    return response


def _rating_url(request, suggestion) -> str:
    return request.build_absolute_uri(reverse("suggestions:rate", args=[suggestion.public_token]))


def public_qr(request, token):
    """The rating page's QR code: SVG for the screen and print, ``?format=png`` to download."""
    suggestion = get_object_or_404(
        Suggestion.objects.exclude(status__in=PRE_REGISTRATION), public_token=token
    )
    url = _rating_url(request, suggestion)
    return qr_response(
        url,
        fmt=request.GET.get("format", "svg"),
        filename=f"rate-{suggestion.number or suggestion.pk}",
    )


@login_required
def qr_print(request, pk: int):
    """A printable sheet with the rating QR code, for staff and the suggestion's deputies."""
    if user_has_role(request.user, Role.STAFF):
        visible = Suggestion.objects.all()
    elif user_has_role(request.user, Role.DEPUTY) and getattr(request.user, "deputy", None):
        visible = selectors.deputy_suggestions(request.user.deputy)
    else:
        raise PermissionDenied
    suggestion = get_object_or_404(
        visible.exclude(status__in=PRE_REGISTRATION).select_related("lead_unit", "lead_deputy"),
        pk=pk,
    )
    return render(
        request,
        "suggestions/qr_print.html",
        {"suggestion": suggestion, "rating_url": _rating_url(request, suggestion)},
    )
