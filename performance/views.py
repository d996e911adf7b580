"""Deputy pages: my ledger with the explained score, submit an entry, disputes, the published
standings and the supervision menu. Staff work in the admin."""

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import deputy_required, role_required
from accounts.roles import Role, user_has_role
from core import clock, render_env
from core.uploads import form_upload_budget

from .forms import DisputeForm, EntrySubmitForm, MissingForm
from .ledger_html import ledger_html
from .ledger_side import ledger_side
from .models import (
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    Publication,
    RuleSet,
    SupervisionTopic,
    TopicSignup,
)

# The long parts of the ledger and standings pages, written in Python (issue #8).
from .page_rows import (
    entry_prefix,
    entry_rows,
    label_dates,
    standings_rows,
    write_counted_lines,
    write_rule_lists,
)
from .score_card import dimension_bars, next_step
from .selectors import duty_days, score_breakdown, year_entry_lines
from .services import LedgerError, dispute_open, entry_submit, topic_signup


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else clock.today().year


IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")


def _status(request) -> str:
    value = request.GET.get("status", "")
    return value if value in EntryStatus.values else ""


@deputy_required
@render_env.page_view
def my_ledger(request):
    deputy, year, status = request.deputy, _year(request), _status(request)
    # The rule set and its rules, the assessment, the disputes, commendations, the years and
    # the publication: one statement (performance.ledger_side).
    side = ledger_side(deputy.pk, year)
    rule_set, assessment = side["rule_set"], side["assessment"]
    # The year's entries read once, newest first: the counts by status, the verified entries
    # the breakdown explains and the page of the list all come from them.
    lines = year_entry_lines(deputy, rule_set)
    status_counts = Counter(line.status for line in lines)
    verified = [line for line in reversed(lines) if line.status == EntryStatus.VERIFIED]
    breakdown, stale = score_breakdown(
        deputy, rule_set, assessment, verified=verified, rules=side["rules"]
    )
    shown = [line for line in lines if line.status == status] if status else lines
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    rule_of = {line.rule.pk: line.rule for dimension in breakdown for line in dimension.rules}
    for line in page.object_list:
        line.rule = rule_of[line.rule_id]
    label_dates(breakdown, page.object_list)
    write_rule_lists(breakdown, entry_prefix())
    write_counted_lines(breakdown, get_language())
    entries_html = entry_rows(page.object_list, entry_prefix())
    context = {
        "deputy": deputy,
        "year": year,
        "years": side["years"],
        "status": status,
        "statuses": [
            (value, label, status_counts.get(value, 0)) for value, label in EntryStatus.choices
        ],
        "total_entries": sum(status_counts.values()),
        "rule_set": rule_set,
        "assessment": assessment,
        "bars": dimension_bars(assessment, rule_set),
        "next_step": next_step(assessment, rule_set),
        "breakdown": breakdown,
        "stale": stale,
        "duty_days": assessment.duty_days if assessment else duty_days(deputy, year),
        "page": page,
        "entries_html": entries_html,
        "disputes": side["disputes"],
        "commendations": side["commendations"],
        "published": side["published"],
        "this_year": clock.today().year,
        "entry_prefix": entry_prefix(),
    }
    context["content_html"] = ledger_html(context)  # the page, written in Python
    return render(request, "performance/my_ledger.html", context)


@deputy_required
def entry_submit_view(request):
    today = clock.today()
    year = today.year
    initial = {}
    source = request.GET.get("from", "")
    if request.method == "GET" and source.isdigit():
        # 重新提交: a returned entry is the starting point of the corrected one.
        returned = _own_entry(request, int(source))
        initial = {
            "title": returned.title,
            "place": returned.place,
            "description": returned.description,
            "occurred_on": returned.occurred_on,
        }
        if returned.rule.rule_set.year == year:
            initial["rule"] = returned.rule_id
    form = EntrySubmitForm(
        request.POST or None, request.FILES or None, year=year, initial=initial, today=today
    )
    valid = request.method == "POST" and form.is_valid()
    if valid and form_upload_budget(form, "files", request.user):
        data = form.cleaned_data
        try:
            entry_submit(
                deputy=request.deputy,
                rule_code=data["rule"].code,
                occurred_on=data["occurred_on"],
                title=data["title"],
                description=data["description"],
                place=data["place"],
                files=data["files"],
                actor=request.user,
                today=today,
            )
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提交，工委核实后计入积分。"))
            return redirect("performance:my_ledger")
    return render(
        request,
        "performance/submit.html",
        {"form": form, "year": year, "rule_set": RuleSet.objects.filter(year=year).first()},
    )


def _own_entry(request, pk: int) -> LedgerEntry:
    return get_object_or_404(
        LedgerEntry.objects.select_related("rule", "rule__rule_set", "reviewed_by"),
        pk=pk,
        deputy=request.deputy,
    )


@deputy_required
def entry_detail(request, pk: int):
    entry = _own_entry(request, pk)
    evidence = list(entry.evidence.all())
    for item in evidence:
        item.ext = item.file.name.rsplit(".", 1)[-1].lower() if "." in item.file.name else ""
        item.is_image = item.ext in IMAGE_EXTENSIONS
    disputes = list(entry.disputes.select_related("rule").order_by("-created_at"))
    return render(
        request,
        "performance/entry_detail.html",
        {
            "entry": entry,
            "evidence": evidence,
            "disputes": disputes,
            "can_dispute": not entry.rule.rule_set.frozen,
            "dispute_pending": any(d.status == DisputeStatus.OPEN for d in disputes),
        },
    )


@role_required(Role.DEPUTY, Role.STAFF)
def evidence_download(request, pk: int):
    """Evidence is not public media: the deputy it belongs to and committee staff only."""
    evidence = EntryEvidence.objects.select_related("entry")
    if not user_has_role(request.user, Role.STAFF):
        evidence = evidence.filter(entry__deputy__user=request.user)
    item = get_object_or_404(evidence, pk=pk)
    return _file_response(item.file, item.name)


@role_required(Role.DEPUTY, Role.STAFF)
def dispute_evidence(request, pk: int):
    """A dispute's evidence, to the deputy who raised it and to committee staff."""
    disputes = Dispute.objects.exclude(evidence="")
    if not user_has_role(request.user, Role.STAFF):
        disputes = disputes.filter(deputy__user=request.user)
    return _file_response(get_object_or_404(disputes, pk=pk).evidence)


def _file_response(file, name: str = "") -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = name or file.name.rsplit("/", 1)[-1]
    inline = name.lower().rsplit(".", 1)[-1] in (*IMAGE_EXTENSIONS, "pdf")
    return FileResponse(handle, as_attachment=not inline, filename=name)


@deputy_required
def dispute_view(request, pk: int):
    entry = _own_entry(request, pk)
    form = DisputeForm(request.POST or None, request.FILES or None, year=entry.rule.rule_set.year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute_open(
                deputy=request.deputy,
                kind=data["kind"],
                entry=entry,
                rule_code=data["rule"].code if data.get("rule") else "",
                note=data["note"],
                evidence=data.get("evidence"),
                actor=request.user,
            )
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("异议已提交，工委将核查处理。"))
            return redirect("performance:my_ledger")
    return render(request, "performance/dispute.html", {"form": form, "entry": entry})


@deputy_required
def missing_view(request):
    today = clock.today()
    year = today.year
    form = MissingForm(request.POST or None, request.FILES or None, year=year, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute_open(
                deputy=request.deputy,
                kind=DisputeKind.MISSING,
                rule_code=data["rule"].code,
                occurred_on=data["occurred_on"],
                title=data["title"],
                note=data["note"],
                evidence=data.get("evidence"),
                actor=request.user,
                today=today,
            )
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("补记申请已提交，工委将核查处理。"))
            return redirect("performance:my_ledger")
    return render(request, "performance/dispute.html", {"form": form, "entry": None})


@role_required(Role.DEPUTY, Role.STAFF)
def standings_view(request):
    """The published quarterly table (季度亮分): totals only, never anyone's entries."""
    year = _year(request)
    publication = Publication.objects.filter(year=year).order_by("-quarter").first()
    if publication is None and "year" in request.GET:
        raise Http404
    deputy = getattr(request.user, "deputy", None)
    own_code = deputy.code if deputy else ""
    cards, table_rows = standings_rows(publication.rows, own_code) if publication else ("", "")
    return render(
        request,
        "performance/standings.html",
        {
            "publication": publication,
            "cards": cards,
            "table_rows": table_rows,
            "year": year,
            "own_code": own_code,
            "years": list(
                Publication.objects.order_by("-year").values_list("year", flat=True).distinct()
            ),
        },
    )


@deputy_required
def topics_view(request):
    year = _year(request)
    signed = TopicSignup.objects.filter(topic=OuterRef("pk"), deputy=request.deputy)
    topics = list(
        SupervisionTopic.objects.filter(year=year, published_at__isnull=False)
        .select_related("group")
        .annotate(
            signed=Exists(signed),
            signup_count=Count("signups", distinct=True),
            activity_count=Count("activities", distinct=True),
        )
        .order_by("id")
    )
    return render(
        request,
        "performance/topics.html",
        {
            "topics": topics,
            "year": year,
            "signed_count": sum(1 for t in topics if t.signed),
            "group_id": request.deputy.group_id,
            "can_sign": year >= clock.today().year,
        },
    )


@deputy_required
@require_POST
def topic_signup_view(request, pk: int):
    topic = get_object_or_404(SupervisionTopic, pk=pk, published_at__isnull=False)
    withdraw = request.POST.get("withdraw") == "1"
    try:
        topic_signup(topic=topic, deputy=request.deputy, actor=request.user, withdraw=withdraw)
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已取消认领“%(t)s”。") % {"t": topic.title}
            if withdraw
            else _("已认领“%(t)s”。") % {"t": topic.title},
        )
    return redirect(f"{reverse('performance:topics')}?year={topic.year}")
