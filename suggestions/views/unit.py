"""The handling-unit portal: suggestions assigned to the user's units, signing for them,
replies, extensions, commitments, meetings and quarterly reports. Only the lead unit replies."""

import functools
import html

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from core import clock
from core.texts import escaped
from core.url_memo import pk_url_prefix
from deputies.facts import prepared

from .. import selectors, services
from ..forms import (
    CommitmentForm,
    CommitmentUpdateForm,
    ExtensionForm,
    FeasibilityForm,
    MeetingForm,
    ProblemFormSet,
    QuarterlyReportForm,
    ReplyForm,
    ReturnForm,
)
from ..models import (
    OPEN_HANDLING,
    UNDER_HANDLING,
    Commitment,
    CommitmentStatus,
    HandlingUnit,
    Status,
)
from ..services import SuggestionError
from ..templatetags.suggestion_tags import status_class

UNIT_PAGE_SIZE = 20
UNIT_TABS = [
    ("open", _lazy("办理中")),
    ("replied", _lazy("已答复")),
    ("done", _lazy("已办结")),
    ("all", _lazy("全部")),
]


def _unit_suggestions(request):
    return selectors.unit_user_suggestions(request.user)


def _user_units(request):
    return HandlingUnit.objects.filter(users=request.user)


def _lead_unit(request, suggestion) -> HandlingUnit:
    """The user's unit that leads ``suggestion``; 404 for co-units and strangers."""
    unit = _user_units(request).filter(pk=suggestion.lead_unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _row_parts() -> dict:
    """What every row of the unit portal's list shares, in the request's language: the detail
    link's prefix (reversed once, not per row), the state labels and the words, escaped. The
    words are kept per language and process (``_row_words``): translating and escaping the
    ten state labels on every visit cost about as much as writing the rows."""
    return {"detail_url": pk_url_prefix("suggestions:unit_detail"), **_row_words(get_language())}


@functools.lru_cache(maxsize=16)
def _row_words(language: str | None) -> dict:
    """``_row_parts``'s words in ``language`` (the active one: its translations are read)."""
    return {
        "labels": {value: escaped(label) for value, label in Status.choices},
        "lead": escaped(_("主办")),
        "co": escaped(_("协办")),
        "deadline": escaped(_("期限")),
        "commitments": _("%(n)s 项承诺推进中"),
    }


def _esc(value) -> str:
    """``conditional_escape`` of a value read from the database (never marked safe): the
    same text, without its checks for safe strings and lazy text (~1 µs a value, sixty a
    page)."""
    return html.escape(str(value))


def _unit_row(row: tuple, unit_ids: set[int], today, parts: dict) -> str:
    """One row of the unit portal's list as the template wrote it (the same HTML), written
    here with every value escaped: a district unit's page lists twenty rows where a street's
    lists one or two, and the template's filters and tags per row (then a ``format_html`` per
    part) made the page's cost grow with them."""
    pk, title, status, number, lead_unit_id, reply_deadline, deputy_name, open_commitments = row
    label = parts["labels"].get(status) or _esc(status)
    role = parts["lead"] if lead_unit_id in unit_ids else parts["co"]
    deadline = ""
    if reply_deadline and status in OPEN_HANDLING:
        late = "text-danger fw-semibold" if reply_deadline < today else ""
        deadline = (
            f' · {parts["deadline"]} <span class="{late}">{reply_deadline.isoformat()}</span>'
        )
    commitments = ""
    if open_commitments:
        commitments = " · " + _esc(parts["commitments"] % {"n": open_commitments})
    return (
        '\n  <a class="list-group-item list-group-item-action py-3" '
        f'href="{parts["detail_url"]}{int(pk)}/">\n'
        '    <div class="d-flex justify-content-between gap-2">\n'
        f'      <strong class="text-break">{_esc(title)}</strong>\n'
        f'      <span class="text-nowrap"><span class="badge {status_class(status)}">{label}'
        "</span>\n</span>\n"
        "    </div>\n"
        '    <div class="small text-muted mt-1">\n'
        f"      {_esc(number)} · {_esc(deputy_name)} · {role}\n"
        f"      {deadline}\n"
        f"      {commitments}\n"
        "    </div>\n"
        "  </a>\n  "
    )


@role_required(Role.HANDLING_UNIT)
def unit_home(request):
    # The user's units by a statement compiled once (``deputies.facts.prepared``).
    units = prepared(
        ("suggestions:user-units",),
        lambda user: HandlingUnit.objects.filter(users=user),
        user=request.user.pk,
    )
    today = clock.today()
    unit_ids, co_handled = selectors.unit_scope(request.user, unit_ids=[u.pk for u in units])
    tab = request.GET.get("tab", "open")
    if tab not in selectors.UNIT_TAB_STATES and tab != "all":
        tab = "open"  # an unknown tab is the default one
    counts = selectors.unit_counts(unit_ids, co_handled, today=today)
    # The tab's rows are counted with the cards' figures: the paginator need not count, and
    # a range stands for the rows it pages (only the page's number and offset are used).
    page = Paginator(range(counts[tab]), UNIT_PAGE_SIZE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * UNIT_PAGE_SIZE
    rows = selectors.unit_page_rows(unit_ids, co_handled, tab, offset, UNIT_PAGE_SIZE)
    user_unit_ids, parts = set(unit_ids), _row_parts()
    # Safe: every value of a row is escaped.
    page.object_list = [mark_safe(_unit_row(row, user_unit_ids, today, parts)) for row in rows]
    return render(
        request,
        "suggestions/unit_home.html",
        {
            "page": page,
            "tab": tab,
            "units": units,
            "unit_ids": user_unit_ids,
            "counts": counts,
            "today": today,
            "open_states": OPEN_HANDLING,
            "tabs": UNIT_TABS,
        },
    )


@role_required(Role.HANDLING_UNIT)
def unit_detail(request, pk: int):
    suggestion = get_object_or_404(selectors.detail_queryset(_unit_suggestions(request)), pk=pk)
    unit_ids = set(_user_units(request).values_list("pk", flat=True))
    today = clock.today()
    is_lead = suggestion.lead_unit_id in unit_ids
    is_open = suggestion.status in OPEN_HANDLING
    context = {
        **selectors.detail_context(suggestion, today=today),
        "is_lead": is_lead,
        "is_open": is_open,
        "can_record": suggestion.status in UNDER_HANDLING,
        "unit_ids": unit_ids,
        "commitment_form": CommitmentForm(units=_handling_units(request, suggestion)),
        "update_form": CommitmentUpdateForm(),
        "feasibility_form": FeasibilityForm(initial={"note": suggestion.feasibility_note}),
        "can_extend": is_lead and selectors.extension_open(suggestion),
        "can_return": is_lead
        and selectors.return_open(suggestion, suggestion.lead_unit_id, today=today),
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
    closed = selectors.reply_closed_reason(suggestion)
    if closed:  # replied already (another login of the unit, or a second tab)
        return _closed(request, suggestion, _("答复代表"), closed)
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


def _closed(request, suggestion, title, closed: str):
    """The page of a form that no longer applies: what the state is, and the way back."""
    return render(
        request,
        "suggestions/unit_form.html",
        {"form": None, "suggestion": suggestion, "title": title, "closed": closed},
    )


def _simple_form(request, suggestion, form, title, submit, action, success, closed=None):
    if closed:
        return _closed(request, suggestion, title, closed)
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
        closed=selectors.extension_closed_reason(suggestion),
    )


@role_required(Role.HANDLING_UNIT)
def unit_return(request, pk: int):
    suggestion, unit = _unit_action(request, pk)
    form = ReturnForm(request.POST or None)
    last_day = services.return_deadline(suggestion)
    if last_day is not None:
        form.fields["reason"].help_text = _("%(h)s 申请截止：%(d)s（交办后 %(n)d 个工作日）。") % {
            "h": form.fields["reason"].help_text,
            "d": last_day.isoformat(),
            "n": settings.LVZHI_SUGGESTIONS_RETURN_WORKDAYS,
        }
    return _simple_form(
        request,
        suggestion,
        form,
        _("申请退办"),
        _("提交申请"),
        lambda data: services.return_request(
            suggestion=suggestion, unit=unit, actor=request.user, **data
        ),
        _("退办申请已提交，等待工委审核；审核前请继续办理。"),
        closed=selectors.return_closed_reason(suggestion, unit.pk),
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
        Commitment.objects.select_related("suggestion"), pk=pk, owner_unit__users=request.user
    )
    closed = None
    if commitment.status != CommitmentStatus.OPEN:  # settled meanwhile: show how
        closed = _(selectors.STATE_COMMITMENT_SETTLED) % {"st": commitment.get_status_display()}
    return _simple_form(
        request,
        commitment.suggestion,
        CommitmentUpdateForm(request.POST or None),
        _("更新承诺事项：%(c)s") % {"c": commitment.content},
        _("保存"),
        lambda data: services.commitment_update(commitment=commitment, actor=request.user, **data),
        _("承诺事项已更新。"),
        closed=closed,
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
    year, quarter = selectors.last_quarter(clock.today())
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
