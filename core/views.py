from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.roles import Role, user_has_role

from .notifications import notification_mark_read, notification_page
from .notifications_html import ROW, notification_rows_html


def home(request):
    """Send each role to its own start page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if user.is_staff and user_has_role(user, Role.STAFF):
        return redirect("admin:index")
    if user_has_role(user, Role.DEPUTY):
        return redirect("deputies:dashboard")
    if user_has_role(user, Role.HANDLING_UNIT):
        return redirect("suggestions:unit_home")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "core/no_role.html", status=403)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def notification_list(request):
    """The user's notices, newest first, twenty a page (read with their count in one query:
    ``notification_page``); the list written in Python (``notifications_html``) from the
    values it shows."""
    page = notification_page(request.user, request.GET.get("page"), ROW)
    return render(
        request,
        "core/notifications.html",
        {"page": page, "rows_html": notification_rows_html(page.object_list)},
    )


@login_required
@require_POST
def notification_read(request):
    ids = request.POST.getlist("id") or None
    notification_mark_read(
        user=request.user, notification_ids=[int(i) for i in ids if i.isdigit()] if ids else None
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications"
    return redirect(target)
