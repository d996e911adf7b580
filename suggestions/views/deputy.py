"""Deputies' pages: their suggestions (led or co-signed), drafts, submission, evaluation.
Another deputy's suggestion is a 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import deputy_required
from core.texts import escaped
from core.uploads import form_upload_budget
from core.url_memo import pk_url_prefix

from .. import selectors, services
from ..forms import DraftForm, EvaluationForm
from ..models import Kind, Status, Suggestion
from ..services import SuggestionError
from ..templatetags.suggestion_tags import status_class


def _deputy_suggestions(request):
    return selectors.deputy_suggestions(request.deputy)


MINE_PAGE_SIZE = 20


def _mine_row_parts() -> dict:
    """What every row of the deputy's list shares, in the request's language: the detail
    link's prefix (reversed once), one state badge per state (as the inclusion tag writes it),
    the kinds' labels and the words, each escaped once."""
    return {
        "detail_url": pk_url_prefix("suggestions:detail"),
        "badges": {
            value: format_html('<span class="badge {}">{}</span>\n', status_class(value), label)
            for value, label in Status.choices
        },
        "kinds": {value: escaped(label) for value, label in Kind.choices},
        "co_signed": escaped(_("附议")),
        "to_rate": format_html(' · <span class="text-danger">{}</span>', _("待评价")),
    }


def _mine_row(row: tuple, deputy_id: int, parts: dict) -> str:
    """One row of the deputy's list (``selectors.MINE_ROW_FIELDS``) as ``deputy_list.html``
    wrote it (the same HTML), every value escaped: f-strings, a format_html per part cost
    more than the rest of the row."""
    pk, title, status, number, kind, category, lead_id, lead_name, unit = row
    leads = lead_id == deputy_id
    badge = parts["badges"].get(status) or format_html(
        '<span class="badge {}">{}</span>\n', status_class(status), status
    )
    number = f"{escaped(number)} · " if number else ""
    category = f" · {escaped(category)}" if category is not None else ""
    lead = "" if leads else f" · {parts['co_signed']}（{escaped(lead_name)}领衔）"
    unit = f" · {escaped(unit)}" if unit is not None else ""
    return (
        '\n  <a class="list-group-item list-group-item-action py-3" '
        f'href="{parts["detail_url"]}{int(pk)}/">\n'
        '    <div class="d-flex justify-content-between gap-2">\n'
        f'      <strong class="text-break">{escaped(title)}</strong>\n'
        f'      <span class="text-nowrap">{badge}</span>\n'
        "    </div>\n"
        '    <div class="small text-muted mt-1">\n'
        f"      {number}{parts['kinds'].get(kind) or escaped(kind)}{category}\n"
        f"      {lead}\n"
        f"      {unit}\n"
        f"      {parts['to_rate'] if status == Status.REPLIED and leads else ''}\n"
        "    </div>\n"
        "  </a>\n  "
    )


@deputy_required
def deputy_list(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    deputy_id = request.deputy.pk
    # Counted first (the pages' range), then the page's rows read as plain values: both
    # statements compiled once per shape and process (``selectors.deputy_list_*``).
    count = selectors.deputy_list_count(deputy_id, status)
    page = Paginator(range(count), MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * MINE_PAGE_SIZE
    rows = selectors.deputy_list_rows(deputy_id, status, offset, MINE_PAGE_SIZE)
    # Each row written once here (one reversal, one badge per state, plain values) instead of
    # a model with three related ones and eight template tags and filters per row; safe:
    # every value is escaped.
    parts = _mine_row_parts()
    rows_html = mark_safe("".join(_mine_row(row, deputy_id, parts) for row in rows))
    return render(
        request,
        "suggestions/deputy_list.html",
        {"page": page, "rows_html": rows_html, "status": status, "statuses": Status.choices},
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
