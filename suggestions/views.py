"""Pages for deputies, handling units, committee staff and the public. Each view scopes its
queryset to the user first, so another party's id is a 404, and calls one service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.access import deputy_required, role_required
from accounts.roles import Role, user_has_role
from core.tabular import table_bytes

from . import selectors, services
from .forms import (
    CommitmentForm,
    CommitmentUpdateForm,
    DraftForm,
    EvaluationForm,
    ExtensionForm,
    FeasibilityForm,
    MeetingForm,
    ProblemFormSet,
    QuarterlyReportForm,
    RatingForm,
    ReplyForm,
    StatsForm,
)
from .models import (
    OPEN_HANDLING,
    PRE_REGISTRATION,
    Attachment,
    Commitment,
    CommitmentStatus,
    HandlingUnit,
    Reply,
    Status,
    Suggestion,
)
from .services import SuggestionError

ERR_RATE_LIMITED = "提交过于频繁，请稍后再试。"
DEVICE_COOKIE = "lvzhi_device"
UNIT_TABS = [
    ("open", _lazy("办理中")),
    ("replied", _lazy("已答复")),
    ("done", _lazy("已办结")),
    ("all", _lazy("全部")),
]


def index(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user_has_role(user, Role.STAFF):
        return redirect("suggestions:staff_home")
    if user_has_role(user, Role.DEPUTY):
        return redirect("suggestions:mine")
    if user_has_role(user, Role.HANDLING_UNIT):
        return redirect("suggestions:unit_home")
    return redirect("home")


# --- deputies -----------------------------------------------------------------------------


def _deputy_suggestions(request):
    return Suggestion.objects.for_deputy(request.deputy)


@deputy_required
def deputy_list(request):
    qs = _deputy_suggestions(request).with_list_relations()
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/deputy_list.html",
        {"page": page, "status": status, "statuses": Status.choices},
    )


@deputy_required
def deputy_detail(request, pk: int):
    suggestion = get_object_or_404(selectors.detail_queryset(_deputy_suggestions(request)), pk=pk)
    return render(
        request,
        "suggestions/deputy_detail.html",
        {
            **selectors.detail_context(suggestion),
            "is_lead": suggestion.lead_deputy_id == request.deputy.pk,
            "rateable": suggestion.status in services.RATEABLE,
        },
    )


@deputy_required
def deputy_edit(request, pk: int | None = None):
    suggestion = None
    if pk is not None:
        suggestion = get_object_or_404(
            Suggestion, pk=pk, lead_deputy=request.deputy, status=Status.DRAFT
        )
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        instance=suggestion,
        deputy=request.deputy,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.Meta.fields}
        try:
            suggestion = services.suggestion_save_draft(
                deputy=request.deputy,
                actor=request.user,
                suggestion=suggestion,
                co_signers=form.cleaned_data["co_signers"],
                attachments=form.cleaned_data["attachments"],
                **data,
            )
        except SuggestionError as exc:
            form.add_error(None, str(exc))
        else:
            if "submit" in request.POST:
                return _submit(request, suggestion)
            messages.success(request, _("草稿已保存。"))
            return redirect("suggestions:detail", pk=suggestion.pk)
    return render(
        request,
        "suggestions/deputy_form.html",
        {"form": form, "suggestion": suggestion},
    )


def _submit(request, suggestion):
    try:
        services.suggestion_transition(
            suggestion=suggestion, to=Status.SUBMITTED, actor=request.user
        )
    except SuggestionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交，等待工委审核立案。"))
    return redirect("suggestions:detail", pk=suggestion.pk)


@deputy_required
@require_POST
def deputy_submit(request, pk: int):
    suggestion = get_object_or_404(Suggestion, pk=pk, lead_deputy=request.deputy)
    return _submit(request, suggestion)


@deputy_required
def deputy_evaluate(request, pk: int):
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("lead_unit"), pk=pk, lead_deputy=request.deputy
    )
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                suggestion=suggestion,
                deputy=request.deputy,
                actor=request.user,
                **form.cleaned_data,
            )
        except SuggestionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("suggestions:detail", pk=suggestion.pk)
    reply = suggestion.replies.prefetch_related("problems").order_by("-replied_on", "-id").first()
    return render(
        request,
        "suggestions/evaluate.html",
        {"form": form, "suggestion": suggestion, "reply": reply},
    )


# --- handling units -------------------------------------------------------------------------


def _unit_suggestions(request):
    return Suggestion.objects.for_unit_user(request.user)


def _user_units(request):
    return HandlingUnit.objects.filter(users=request.user)


def _lead_unit(request, suggestion) -> HandlingUnit:
    """The user's unit that leads ``suggestion``; 404 for co-units and strangers."""
    unit = _user_units(request).filter(pk=suggestion.lead_unit_id).first()
    if unit is None:
        raise Http404
    return unit


@role_required(Role.HANDLING_UNIT)
def unit_home(request):
    units = list(_user_units(request))
    qs = (
        _unit_suggestions(request)
        .with_list_relations()
        .annotate(
            open_commitments=Count(
                "commitments", filter=Q(commitments__status="open"), distinct=True
            )
        )
    )
    tab = request.GET.get("tab", "open")
    if tab == "open":
        qs = qs.filter(status__in=OPEN_HANDLING)
    elif tab == "replied":
        qs = qs.filter(status__in=[Status.REPLIED, Status.EVALUATED])
    elif tab == "done":
        qs = qs.filter(status__in=[Status.CONCLUDED, Status.CLOSED])
    page = Paginator(qs.order_by("reply_deadline", "pk"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/unit_home.html",
        {
            "page": page,
            "tab": tab,
            "units": units,
            "unit_ids": {u.pk for u in units},
            "counts": selectors.unit_counts(_unit_suggestions(request)),
            "today": timezone.localdate(),
            "open_states": OPEN_HANDLING,
            "tabs": UNIT_TABS,
        },
    )


@role_required(Role.HANDLING_UNIT)
def unit_detail(request, pk: int):
    suggestion = get_object_or_404(selectors.detail_queryset(_unit_suggestions(request)), pk=pk)
    units = _user_units(request)
    unit_ids = set(units.values_list("pk", flat=True))
    is_lead = suggestion.lead_unit_id in unit_ids
    handling_units = units.filter(
        Q(pk=suggestion.lead_unit_id) | Q(co_suggestions=suggestion)
    ).distinct()
    is_open = suggestion.status in OPEN_HANDLING
    context = {
        **selectors.detail_context(suggestion),
        "is_lead": is_lead,
        "is_open": is_open,
        "unit_ids": unit_ids,
        "commitment_form": CommitmentForm(units=handling_units),
        "update_form": CommitmentUpdateForm(),
        "feasibility_form": FeasibilityForm(initial={"note": suggestion.feasibility_note}),
        "can_extend": is_lead
        and is_open
        and suggestion.extension_count == 0
        and not any(r.status == "pending" for r in suggestion.extension_requests.all()),
    }
    return render(request, "suggestions/unit_detail.html", context)


def _unit_action(request, pk: int, *, lead_only: bool = True):
    suggestion = get_object_or_404(_unit_suggestions(request), pk=pk)
    unit = _lead_unit(request, suggestion) if lead_only else None
    return suggestion, unit


def _back(pk: int):
    return redirect("suggestions:unit_detail", pk=pk)


@role_required(Role.HANDLING_UNIT)
@require_POST
def unit_accept(request, pk: int):
    suggestion, _unit = _unit_action(request, pk)
    try:
        services.suggestion_accept(suggestion=suggestion, actor=request.user)
    except SuggestionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已签收，开始办理。"))
    return _back(pk)


@role_required(Role.HANDLING_UNIT)
def unit_reply(request, pk: int):
    suggestion, unit = _unit_action(request, pk)
    form = ReplyForm(request.POST or None)
    problems = ProblemFormSet(request.POST or None, prefix="p")
    if request.method == "POST" and form.is_valid() and problems.is_valid():
        rows = [(f.cleaned_data.get("kind"), f.cleaned_data.get("description")) for f in problems]
        try:
            services.reply_submit(
                suggestion=suggestion,
                unit=unit,
                actor=request.user,
                problems=[(k, d) for k, d in rows if k and d],
                **form.cleaned_data,
            )
        except SuggestionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("答复已提交，已通知代表评价。"))
            return _back(pk)
    return render(
        request,
        "suggestions/reply_form.html",
        {"form": form, "problems": problems, "suggestion": suggestion},
    )


def _simple_form(request, suggestion, form, title, submit, action, success):
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except SuggestionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return _back(suggestion.pk)
    return render(
        request,
        "suggestions/unit_form.html",
        {"form": form, "suggestion": suggestion, "title": title, "submit": submit},
    )


@role_required(Role.HANDLING_UNIT)
def unit_extension(request, pk: int):
    suggestion, unit = _unit_action(request, pk)
    return _simple_form(
        request,
        suggestion,
        ExtensionForm(request.POST or None),
        _("申请延期答复"),
        _("提交申请"),
        lambda data: services.extension_request(
            suggestion=suggestion, unit=unit, actor=request.user, **data
        ),
        _("延期申请已提交，等待工委审核。"),
    )


@role_required(Role.HANDLING_UNIT)
@require_POST
def unit_feasibility(request, pk: int):
    suggestion, unit = _unit_action(request, pk)
    form = FeasibilityForm(request.POST)
    if form.is_valid():
        try:
            services.feasibility_note_set(
                suggestion=suggestion, unit=unit, note=form.cleaned_data["note"], actor=request.user
            )
        except SuggestionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("可行性说明已保存。"))
    return _back(pk)


def _handling_units(request, suggestion):
    return (
        _user_units(request)
        .filter(Q(pk=suggestion.lead_unit_id) | Q(co_suggestions=suggestion))
        .distinct()
    )


@role_required(Role.HANDLING_UNIT)
def unit_commitment_add(request, pk: int):
    suggestion, _unit = _unit_action(request, pk, lead_only=False)
    form = CommitmentForm(request.POST or None, units=_handling_units(request, suggestion))
    return _simple_form(
        request,
        suggestion,
        form,
        _("登记承诺事项"),
        _("登记"),
        lambda data: services.commitment_add(suggestion=suggestion, actor=request.user, **data),
        _("承诺事项已登记。"),
    )


@role_required(Role.HANDLING_UNIT)
def unit_commitment_update(request, pk: int):
    commitment = get_object_or_404(
        Commitment.objects.select_related("suggestion"),
        pk=pk,
        owner_unit__users=request.user,
        status=CommitmentStatus.OPEN,
    )
    return _simple_form(
        request,
        commitment.suggestion,
        CommitmentUpdateForm(request.POST or None),
        _("更新承诺事项：%(c)s") % {"c": commitment.content},
        _("保存"),
        lambda data: services.commitment_update(commitment=commitment, actor=request.user, **data),
        _("承诺事项已更新。"),
    )


@role_required(Role.HANDLING_UNIT)
def unit_meeting(request, pk: int):
    suggestion, _unit = _unit_action(request, pk, lead_only=False)
    form = MeetingForm(request.POST or None, units=_handling_units(request, suggestion))
    return _simple_form(
        request,
        suggestion,
        form,
        _("记录面商情况"),
        _("保存"),
        lambda data: services.meeting_record(suggestion=suggestion, actor=request.user, **data),
        _("面商记录已保存。"),
    )


@role_required(Role.HANDLING_UNIT)
def unit_report(request, pk: int):
    suggestion, unit = _unit_action(request, pk)
    project = getattr(suggestion, "tough", None)
    if project is None:
        raise Http404
    year, quarter = selectors.last_quarter(timezone.localdate())
    form = QuarterlyReportForm(request.POST or None, initial={"year": year, "quarter": quarter})
    return _simple_form(
        request,
        suggestion,
        form,
        _("提交季度述职"),
        _("提交"),
        lambda data: services.quarterly_report_submit(
            project=project, unit=unit, actor=request.user, **data
        ),
        _("季度述职已提交。"),
    )


# --- attachments ----------------------------------------------------------------------------


def attachment_download(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    visible = Suggestion.objects.none()
    if user_has_role(request.user, Role.STAFF):
        visible = Suggestion.objects.all()
    else:
        deputy = getattr(request.user, "deputy", None)
        if deputy is not None and user_has_role(request.user, Role.DEPUTY):
            visible = visible | Suggestion.objects.for_deputy(deputy)
        if user_has_role(request.user, Role.HANDLING_UNIT):
            visible = visible | Suggestion.objects.for_unit_user(request.user)
    attachment = get_object_or_404(Attachment, pk=pk, suggestion__in=visible.values("pk"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- committee staff -------------------------------------------------------------------------


@role_required(Role.STAFF)
def staff_home(request):
    today = timezone.localdate()
    return render(request, "suggestions/staff_home.html", selectors.staff_overview(today))


@role_required(Role.STAFF)
def staff_stats(request):
    today = timezone.localdate()
    form = StatsForm(request.GET or None, initial={"year": today.year, "as_of": today})
    year, as_of = today.year, today
    if form.is_valid():
        year = form.cleaned_data["year"]
        as_of = form.cleaned_data["as_of"] or today
    from .statistics import REPORT_HEADERS, report_rows, suggestion_statistics

    rows = suggestion_statistics(year=year, as_of=as_of)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        content = table_bytes(fmt, REPORT_HEADERS, report_rows(rows), title=f"{year}年议案建议统计")
        response = HttpResponse(
            content,
            content_type="text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="suggestions-{year}.{fmt}"'
        return response
    return render(
        request,
        "suggestions/stats.html",
        {"form": form, "rows": rows, "year": year, "as_of": as_of},
    )


@role_required(Role.STAFF)
def staff_scores(request):
    from .scoring import unit_scores, units_for_review

    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    return render(
        request,
        "suggestions/scores.html",
        {
            "year": year,
            "scores": unit_scores(year),
            "review": units_for_review(year),
            "years": range(today.year, today.year - 5, -1),
        },
    )


# --- the public -------------------------------------------------------------------------------


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _rate_limited(request) -> bool:
    key = f"suggestions:rate:{_client_ip(request)}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, 3600)
    return cache.incr(key) > settings.LVZHI_SUGGESTIONS_RATINGS_PER_HOUR


def public_rate(request, token):
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("lead_unit", "category").exclude(
            status__in=[Status.DRAFT, Status.SUBMITTED, Status.NOT_REGISTERED]
        ),
        public_token=token,
    )
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if not (8 <= len(device) <= 64 and device.replace("-", "").isalnum()):
        import uuid

        device = uuid.uuid4().hex
    form = RatingForm(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        if _rate_limited(request):
            form.add_error(None, _(ERR_RATE_LIMITED))
        else:
            try:
                services.public_rating_submit(
                    suggestion=suggestion, device_token=device, **form.cleaned_data
                )
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
            "reply": reply,
            "open": suggestion.status in services.RATEABLE,
        },
    )
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=3 * 365 * 24 * 3600, httponly=True, samesite="Lax"
    )
    return response


def _rating_url(request, suggestion) -> str:
    return request.build_absolute_uri(reverse("suggestions:rate", args=[suggestion.public_token]))


def public_qr(request, token):
    """The rating page's QR code: SVG for the screen and print, ``?format=png`` to download."""
    import qrcode
    import qrcode.image.svg

    suggestion = get_object_or_404(
        Suggestion.objects.exclude(status__in=PRE_REGISTRATION), public_token=token
    )
    url = _rating_url(request, suggestion)
    if request.GET.get("format") == "png":
        import io

        buffer = io.BytesIO()
        qrcode.make(url, box_size=12, border=2).save(buffer, format="PNG")
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
        name = suggestion.number or suggestion.pk
        response["Content-Disposition"] = f'attachment; filename="rate-{name}.png"'
        return response
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


@login_required
def qr_print(request, pk: int):
    """A printable sheet with the rating QR code, for staff and the suggestion's deputies."""
    if user_has_role(request.user, Role.STAFF):
        visible = Suggestion.objects.all()
    elif user_has_role(request.user, Role.DEPUTY) and getattr(request.user, "deputy", None):
        visible = Suggestion.objects.for_deputy(request.user.deputy)
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
