"""Deputies' pages: their suggestions (led or co-signed), drafts, submission, evaluation.
Another deputy's suggestion is a 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import deputy_required
from core.uploads import form_upload_budget
from core.url_memo import pk_url_prefix

from .. import selectors, services
from ..forms import DraftForm, EvaluationForm
from ..models import Kind, Status, Suggestion
from ..services import SuggestionError
from ..templatetags.suggestion_tags import status_class


def _deputy_suggestions(request):
    return selectors.deputy_suggestions(request.deputy)


#: What a row of the deputy's list shows, read as plain values (no model per row and relation).
MINE_ROW_FIELDS = (
    "pk",
    "title",
    "status",
    "number",
    "kind",
    "category__name",
    "lead_deputy_id",
    "lead_deputy__name",
    "lead_unit__name",
)
MINE_ROW_HTML = """
  <a class="list-group-item list-group-item-action py-3" href="{}{}/">
    <div class="d-flex justify-content-between gap-2">
      <strong class="text-break">{}</strong>
      <span class="text-nowrap">{}</span>
    </div>
    <div class="small text-muted mt-1">
      {}{}{}
      {}
      {}
      {}
    </div>
  </a>
  """


def _mine_row_parts() -> dict:
    """What every row of the deputy's list shares, in the request's language: the detail
    link's prefix (reversed once), one state badge per state (as the inclusion tag writes it),
    the kinds' labels and the words."""
    return {
        "detail_url": pk_url_prefix("suggestions:detail"),
        "badges": {
            value: format_html('<span class="badge {}">{}</span>\n', status_class(value), label)
            for value, label in Status.choices
        },
        "kinds": dict(Kind.choices),
        "co_signed": _("附议"),
        "to_rate": format_html(' · <span class="text-danger">{}</span>', _("待评价")),
    }


def _mine_row(row: dict, deputy_id: int, parts: dict) -> SafeString:
    """One row of the deputy's list as ``deputy_list.html`` wrote it (the same HTML)."""
    status, leads = row["status"], row["lead_deputy_id"] == deputy_id
    badge = parts["badges"].get(status) or format_html(
        '<span class="badge {}">{}</span>\n', status_class(status), status
    )
    return format_html(
        MINE_ROW_HTML,
        parts["detail_url"],
        row["pk"],
        row["title"],
        badge,
        format_html("{} · ", row["number"]) if row["number"] else "",
        parts["kinds"].get(row["kind"], row["kind"]),
        format_html(" · {}", row["category__name"]) if row["category__name"] is not None else "",
        ""
        if leads
        else format_html(" · {}（{}领衔）", parts["co_signed"], row["lead_deputy__name"]),
        format_html(" · {}", row["lead_unit__name"]) if row["lead_unit__name"] is not None else "",
        parts["to_rate"] if status == Status.REPLIED and leads else "",
    )


@deputy_required
def deputy_list(request):
    qs = _deputy_suggestions(request)
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    rows = qs.order_by("-created_at").values(*MINE_ROW_FIELDS)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    # Each row written once here (one reversal, one badge per state, plain values) instead of
    # a model with three related ones and eight template tags and filters per row.
    parts, deputy_id = _mine_row_parts(), request.deputy.pk
    page.object_list = [_mine_row(row, deputy_id, parts) for row in page.object_list]
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
        suggestion = get_object_or_404(Suggestion, pk=pk, lead_deputy=request.deputy)
        if suggestion.status != Status.DRAFT:  # submitted meanwhile: say so on its page
            messages.info(request, _(services.ERR_NOT_DRAFT))
            return redirect("suggestions:detail", pk=suggestion.pk)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        instance=suggestion,
        deputy=request.deputy,
    )
    valid = request.method == "POST" and form.is_valid()
    if valid and form_upload_budget(form, "attachments", request.user):
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
    # Already evaluated (or nothing to evaluate): show that, not a form refused once filled in.
    closed = selectors.evaluation_closed_reason(suggestion, request.deputy)
    form = None if closed else EvaluationForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
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
        {"form": form, "suggestion": suggestion, "reply": reply, "closed": closed},
    )
