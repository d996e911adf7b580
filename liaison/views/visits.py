"""Liaison pages for deputies (phone-first): the visits they attended (接待记录) with a form to
record one, turning a visit into a suggestion draft, and the residents' opinions assigned or
addressed to them. Visitors' and residents' phones are masked here; staff see them whole in
the admin. Anonymous users go to the login page; other roles get a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import deputy_required, role_required
from accounts.roles import Role

from ..forms_visits import VisitForm
from ..selectors_visits import (
    deputy_opinions,
    deputy_visit_page,
    is_staff,
    mask_name,
    mask_phone,
    user_deputy,
    visit_list,
    visits_for,
)
from ..services.visits import (
    EDITABLE,
    VisitError,
    may_edit,
    visit_create,
    visit_to_suggestion,
    visit_update,
)
from ..visits_html import visit_rows_html

# What the deputy's form edits: the service's editable fields but the reception day, which the
# service links by itself (a visit on the station's only reception day that date).
PER_PAGE = 20
FORM_FIELDS = tuple(name for name in EDITABLE if name != "reception_day")


def _visits_page(request):
    """(page, visits, each visit's deputies present as (id, name)) for the visits page."""
    deputy = None if is_staff(request.user) else user_deputy(request.user)
    if deputy is not None:
        return deputy_visit_page(deputy, request.user, request.GET.get("page"), PER_PAGE)
    page = Paginator(visit_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    visits = list(page.object_list)
    return page, visits, {v.pk: [(d.pk, d.name) for d in v.deputies.all()] for v in visits}


@role_required(Role.DEPUTY, Role.STAFF)
def visits(request):
    """The visits the deputy attended or logged (staff: all), newest first, phones masked for
    deputies (the rows written by ``visits_html``)."""
    page, visits, present = _visits_page(request)
    deputy = getattr(request.user, "deputy", None)
    return render(
        request,
        "liaison/visit_list.html",
        {
            "page": page,
            "rows": visit_rows_html(
                visits, present, user=request.user, deputy=deputy, csrf=csrf_input(request)
            ),
            "can_log": deputy is not None,
        },
    )


def _save(request, form, visit=None):
    data = {k: form.cleaned_data[k] for k in FORM_FIELDS}
    present = [request.deputy, *form.cleaned_data["deputies"]]
    if visit is not None:  # deputies the form does not offer (staff added them) stay
        offered = set(form.fields["deputies"].queryset.values_list("pk", flat=True))
        present += [d for d in visit.deputies.all() if d.pk not in offered]
    present = list({d.pk: d for d in present}.values())
    if visit is None:
        return visit_create(actor=request.user, deputies=present, **data)
    return visit_update(visit=visit, actor=request.user, deputies=present, **data)


@deputy_required
def visit_new(request):
    form = VisitForm(request.POST or None, deputy=request.deputy)
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form)
        except VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("接待记录已保存。"))
            return redirect("liaison:visits")
    return render(request, "liaison/visit_form.html", {"form": form, "visit": None})


@deputy_required
def visit_edit(request, pk: int):
    visit = get_object_or_404(visits_for(request.user), pk=pk)
    if not may_edit(visit, request.user):
        raise PermissionDenied
    initial = {name: getattr(visit, name) for name in FORM_FIELDS}
    initial["deputies"] = [d.pk for d in visit.deputies.all() if d.pk != request.deputy.pk]
    initial["station"] = visit.station_id
    initial["category"] = visit.category_id
    initial["community"] = visit.community_id
    initial["visitor_phone"] = mask_phone(visit.visitor_phone)
    form = VisitForm(request.POST or None, initial=initial, deputy=request.deputy)
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("visitor_phone", "") == initial["visitor_phone"]:  # the mask, untouched
            data["visitor_phone"] = visit.visitor_phone
        form = VisitForm(data, initial=initial, deputy=request.deputy)
        if form.is_valid():
            try:
                _save(request, form, visit)
            except VisitError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("接待记录已更新。"))
                return redirect("liaison:visits")
    return render(request, "liaison/visit_form.html", {"form": form, "visit": visit})


@require_POST
@deputy_required
def visit_suggest(request, pk: int):
    """Turn the visit into a draft led by this deputy, then open the draft to edit."""
    visit = get_object_or_404(visits_for(request.user), pk=pk)
    try:
        suggestion = visit_to_suggestion(
            visit=visit,
            deputy=request.deputy,
            actor=request.user,
            origin_url=request.build_absolute_uri(reverse("liaison:visit_edit", args=[visit.pk])),
        )
    except VisitError as exc:
        messages.error(request, str(exc))
        return redirect("liaison:visits")
    messages.success(request, _("已生成建议草稿，请完善后提交。"))
    return redirect("suggestions:edit", pk=suggestion.pk)


@deputy_required
def my_opinions(request):
    """Residents' opinions assigned to this deputy or sent to them by their deputy code."""
    deputy = request.deputy
    qs = (
        deputy_opinions(deputy)
        .select_related("category", "community", "station")
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    rows = [
        {"opinion": o, "name": mask_name(o.contact_name), "phone": mask_phone(o.contact_phone)}
        for o in page.object_list
    ]
    return render(request, "liaison/opinion_mine.html", {"page": page, "rows": rows})


urlpatterns = [
    path("visits/", visits, name="visits"),
    path("visits/new/", visit_new, name="visit_new"),
    path("visits/<int:pk>/edit/", visit_edit, name="visit_edit"),
    path("visits/<int:pk>/suggest/", visit_suggest, name="visit_suggest"),
    path("opinions/mine/", my_opinions, name="my_opinions"),
]
