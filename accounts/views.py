"""The user's own settings that are not the password (which Django's views handle)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .services import AccountError, user_preferences_set


def _back(request) -> str:
    """Where the form came from (a page of this site), else the home page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
@login_required
def large_text(request):
    """Turn 大字模式 on (``large_text=1``) or off (anything else) for the signed-in user."""
    enabled = request.POST.get("large_text") == "1"
    try:
        user_preferences_set(user=request.user, actor=request.user, large_text=enabled)
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已开启大字模式。") if enabled else _("已关闭大字模式。"))
    return redirect(_back(request))
