"""Committee staff drive suggestions from here. Status is never edited as a field: the change
page shows one button per allowed transition, and list actions do the same in bulk; both call
``suggestions.workflow.suggestion_transition`` (or a service built on it)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import LargeListAdmin
from core.admin_names import name_column, related_names
from core.admin_search import IndexedSearch, IndexedSearchAdmin
from core.admin_sidebar import SidebarNamedFilter, SidebarYearFilter
from core.audit import audit_record
from core.choices import choice_label
from core.tabular import STREAM_CHUNK, dated_filename, table_stream_response
from deputies.models import Deputy

from .. import services
from ..forms import (
    AssignForm,
    ReassignForm,
    StaffEvaluationForm,
    ToughForm,
    TransitionForm,
)
from ..models import (
    PRE_REGISTRATION,
    FollowUpCheck,
    HandlingUnit,
    Status,
    Suggestion,
)
from ..services import SuggestionError
from ..workflow import (
    ERR_TRANSITION_NOT_ALLOWED,
    TRANSITIONS,
    Party,
    allowed_targets,
    suggestion_transition,
    transition_verb,
)
from .common import bulk_run
from .filters import AttentionFilter
from .imports import SuggestionImportMixin
from .inlines import (
    AttachmentInline,
    CheckInline,
    CommitmentInline,
    EvaluationInline,
    ExtensionInline,
    HistoryInline,
    MeetingInline,
    ReplyInline,
    ReturnInline,
)

# Buttons on the change page. Replies come from the unit portal, so the bare move to 已答复 is
# not offered; 已评价 is, as staff recording a deputy's evaluation handed in on paper (代录).
STAFF_TARGETS = {
    to for (_frm, to), who in TRANSITIONS.items() if Party.STAFF in who and to != Status.REPLIED
}


def assign_form(data=None) -> AssignForm:
    """交办's form with search-as-you-type pickers for the lead and co-units (the admin's
    autocomplete on the units' names), not a list to Ctrl-click through."""
    form = AssignForm(data)
    for name, widget_class in (
        ("lead_unit", AutocompleteSelect),
        ("co_units", AutocompleteSelectMultiple),
    ):
        field = form.fields[name]
        field.widget = widget_class(
            Suggestion._meta.get_field(name), admin.site, attrs={"style": "width: 32em"}
        )
        field.widget.choices = field.choices
    return form


def _assign(suggestion: Suggestion, data: dict, actor) -> Suggestion:
    """交办 from an AssignForm's data (the change page's button and the bulk action)."""
    return services.suggestion_assign(
        suggestion=suggestion,
        lead_unit=data["lead_unit"],
        co_units=data["co_units"],
        reply_deadline=data["reply_deadline"],
        on=data["assigned_on"],
        comment=data["comment"],
        actor=actor,
    )


@admin.register(Suggestion)
class SuggestionAdmin(
    IndexedSearchAdmin, HistoryAdminMixin, SuggestionImportMixin, LargeListAdmin, admin.ModelAdmin
):
    change_form_template = "suggestions/admin/suggestion_change_form.html"
    change_list_template = "suggestions/admin/suggestion_change_list.html"
    list_display = (
        "number",
        "short_title",
        "status_badge",
        "reply_deadline",
        "lead_unit_name",
        "is_tough",
        "lead_deputy_label",
    )
    list_display_links = ("number", "short_title")
    list_filter = (
        "status",
        AttentionFilter,
        "kind",
        # The categories, the years and the units offered: one statement a page
        # (``core.admin_sidebar``), not three.
        ("category", SidebarNamedFilter.named("name")),
        SidebarYearFilter.on("year", title=_("立案年度")),
        ("lead_unit", SidebarNamedFilter.named("name")),
        "origin",
    )
    search_fields = ("number", "title", "lead_deputy__name", "lead_deputy__code")
    indexed_search = IndexedSearch(
        text=("number", "title"), related={"lead_deputy": ("name", "code")}
    )
    # The unit, the deputy and the tough project are read as columns of the list's joins
    # (``list_rows``), not as three related models a row (issue #8).
    list_select_related = ()
    sortable_by = ("number", "status_badge")  # unique number; status is indexed
    autocomplete_fields = ("lead_deputy", "co_signers")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        "action_register",
        "action_assign",
        "action_conclude",
        "action_close",
        "action_mark_tough",
        "export_xlsx",
    ]
    readonly_fields = (
        "status",
        "number",
        "submitted_on",
        "registered_on",
        "not_registered_reason",
        "lead_unit",
        "co_unit_list",
        "assigned_on",
        "reassigned_on",
        "reply_deadline",
        "deadline_limit",
        "extension_count",
        "reopen_count",
        "first_replied_on",
        "first_reply_deadline",
        "concluded_on",
        "closed_on",
        "feasibility_note",
        "supervision_links",
        "rating_link",
        "imported",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("status", "number"),
                    "kind",
                    "title",
                    "body",
                    ("category", "community"),
                    "lead_deputy",
                    "co_signers",
                    ("origin", "origin_reference", "origin_url"),
                )
            },
        ),
        (
            _("立案与交办"),
            {
                "fields": (
                    ("submitted_on", "registered_on"),
                    "not_registered_reason",
                    ("lead_unit", "co_unit_list"),
                    ("assigned_on", "reassigned_on"),
                    ("reply_deadline", "deadline_limit"),
                    ("extension_count", "reopen_count"),
                )
            },
        ),
        (
            _("办理与评价"),
            {
                "fields": (
                    ("first_replied_on", "first_reply_deadline"),
                    ("concluded_on", "closed_on"),
                    "feasibility_note",
                    "supervision_links",
                    "rating_link",
                    "imported",
                )
            },
        ),
    )
    inlines = [
        HistoryInline,
        AttachmentInline,
        ExtensionInline,
        ReturnInline,
        MeetingInline,
        CommitmentInline,
        ReplyInline,
        EvaluationInline,
        CheckInline,
    ]

    def list_rows(self, queryset):
        """The columns the cells and the rows' names show (not the suggestion's text)."""
        return queryset.annotate(
            **related_names("lead_unit"),
            **related_names("lead_deputy"),
            **related_names("lead_deputy", field="code"),
            tough_pk=F("tough__id"),
        ).only("number", "title", "status", "reply_deadline", "lead_unit", "lead_deputy")

    lead_unit_name = name_column(Suggestion, "lead_unit")

    @admin.display(description=_("领衔代表"))
    def lead_deputy_label(self, obj):
        return Deputy.label_of(obj.lead_deputy_name, obj.lead_deputy_code)

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj):
        return choice_label(obj, "status")

    @admin.display(description=_("标题"), ordering="title")
    def short_title(self, obj):
        title = obj.title.removeprefix("关于")
        return title if len(title) <= 18 else f"{title[:17]}…"

    @admin.display(description=_("攻坚"), boolean=True)
    def is_tough(self, obj):
        return obj.tough_pk is not None

    @admin.display(description=_("协办单位"))
    def co_unit_list(self, obj):
        return "、".join(u.name for u in obj.co_units.all()) or "—"

    @admin.display(description=_("督办与攻坚"))
    def supervision_links(self, obj):
        """The plan and the tough project live on their own admin pages; link both ways."""
        if not obj.pk or obj.status in PRE_REGISTRATION:
            return "—"
        plan = getattr(obj, "plan", None)
        if plan is not None:
            plan_link = format_html(
                '<a href="{}">{}</a>',
                reverse("admin:suggestions_supervisionplan_change", args=[plan.pk]),
                _t("督办计划（%(who)s）") % {"who": plan.responsible},
            )
        else:
            plan_link = format_html(
                '<a href="{}?suggestion={}">{}</a>',
                reverse("admin:suggestions_supervisionplan_add"),
                obj.pk,
                _t("制定督办计划"),
            )
        tough = getattr(obj, "tough", None)
        if tough is None:
            return plan_link
        return format_html(
            '{} · <a href="{}">{}</a>',
            plan_link,
            reverse("admin:suggestions_toughproject_change", args=[tough.pk]),
            str(tough.get_difficulty_display()) + _t("攻坚项目"),
        )

    @admin.display(description=_("群众评价链接"))
    def rating_link(self, obj):
        if not obj.pk or obj.status in PRE_REGISTRATION:
            return "—"  # the public page opens once the suggestion is registered
        url = reverse("suggestions:rate", args=[obj.public_token])
        qr = reverse("suggestions:qr_print", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}" target="_blank">{}</a>',
            url,
            _t("评价页"),
            qr,
            _t("打印二维码"),
        )

    def has_delete_permission(self, request, obj=None):
        """A registered suggestion keeps its number and history: deleting it would leave a gap
        in the year's numbers, so only drafts and unregistered ones can go."""
        if obj is not None and obj.status not in PRE_REGISTRATION:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(status__in=PRE_REGISTRATION))

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status != Status.DRAFT:
            fields += ["kind", "title", "body", "lead_deputy", "co_signers"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="suggestions.admin_change" if change else "suggestions.admin_create",
            target=obj,
            summary=str(obj)[:200],
            data={"changed": form.changed_data},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not FollowUpCheck:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data.get("findings"):
                continue
            try:
                services.check_record(
                    check=inline_form.instance,
                    findings=inline_form.cleaned_data["findings"],
                    done_on=inline_form.cleaned_data.get("done_on"),
                    actor=request.user,
                )
            except SuggestionError as exc:
                messages.error(request, f"{inline_form.instance.get_kind_display()}：{exc}")
        # The admin's change message reads these; the service did the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None

    # --- per-object transition buttons --------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # 改办 (back to 已交办 from an open state) has its own page and button.
            context["transitions"] = [
                (to, transition_verb(obj.status, to))
                for to in allowed_targets(obj.status)
                if to in STAFF_TARGETS
                and not (to == Status.ASSIGNED and obj.status != Status.REGISTERED)
            ]
            context["can_reassign"] = services.reassignable(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:to>/",
                self.admin_site.admin_view(self.transition_view),
                name="suggestions_suggestion_transition",
            ),
            path(
                "<int:pk>/reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="suggestions_suggestion_reassign",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk: int, to: str):
        suggestion = get_object_or_404(Suggestion, pk=pk)
        if not self.has_change_permission(request, suggestion) or to not in Status.values:
            return redirect("admin:suggestions_suggestion_change", pk)
        target = Status(to)
        if request.method == "GET" and target not in allowed_targets(suggestion.status):
            # Moved on since the button was drawn (another clerk, a second tab): say where it
            # stands instead of offering a form that would be refused once filled in.
            self.message_user(
                request,
                _t(ERR_TRANSITION_NOT_ALLOWED)
                % {"from": suggestion.get_status_display(), "to": target.label},
                messages.WARNING,
            )
            return redirect("admin:suggestions_suggestion_change", pk)
        if target == Status.ASSIGNED:
            form = assign_form(request.POST or None)
        elif target == Status.EVALUATED:
            form = StaffEvaluationForm(request.POST or None)
        else:
            form = TransitionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if target == Status.EVALUATED:
                    services.evaluation_submit(
                        suggestion=suggestion,
                        deputy=suggestion.lead_deputy,
                        actor=request.user,
                        **data,
                    )
                elif target == Status.ASSIGNED:
                    _assign(suggestion, data, request.user)
                else:
                    suggestion_transition(
                        suggestion=suggestion,
                        to=target,
                        actor=request.user,
                        comment=data["comment"],
                        on=data["on"],
                    )
            except SuggestionError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, _t("已变更为“%(s)s”。") % {"s": target.label}, messages.SUCCESS
                )
                return redirect("admin:suggestions_suggestion_change", pk)
        intro = ""
        if target == Status.EVALUATED:
            reply = suggestion.replies.order_by("-replied_on", "-id").first()
            intro = _t("代领衔代表 %(d)s 录入书面评价，评价对象：%(on)s 的答复（%(c)s）。") % {
                "d": suggestion.lead_deputy,
                "on": reply.replied_on.isoformat() if reply else "—",
                "c": reply.get_result_class_display() if reply else "—",
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": suggestion,
            "title": _t("%(s)s：%(t)s")
            % {"s": transition_verb(suggestion.status, target), "t": suggestion},
            "verb": transition_verb(suggestion.status, target),
            "form": form,
            "intro": intro,
            "target": target,
        }
        return TemplateResponse(request, "suggestions/admin/transition.html", context)

    def reassign_view(self, request, pk: int):
        """改办 on staff's own initiative: another lead unit (and co-units) before the first
        reply; a pending 退办申请 is settled by it."""
        suggestion = get_object_or_404(Suggestion.objects.select_related("lead_unit"), pk=pk)
        if not self.has_change_permission(request, suggestion):
            return redirect("admin:suggestions_suggestion_change", pk)
        form = ReassignForm(
            request.POST or None,
            initial={
                "from_unit": suggestion.lead_unit_id,
                "co_units": list(suggestion.co_units.all()),
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.suggestion_reassign(
                    suggestion=suggestion,
                    lead_unit=data["lead_unit"],
                    co_units=data["co_units"],
                    comment=data["comment"],
                    from_unit=HandlingUnit(pk=data["from_unit"]),
                    actor=request.user,
                )
            except SuggestionError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _t("已改办，改由%(u)s主办。") % {"u": data["lead_unit"]},
                    messages.SUCCESS,
                )
                return redirect("admin:suggestions_suggestion_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": suggestion,
            "title": _t("改办：%(t)s") % {"t": suggestion},
            "form": form,
            "intro": _t(
                "现主办单位：%(u)s。改办后答复期限自今日起重新计算 %(m)d 个月，"
                "原承办单位不再能查看此件，新单位和代表会收到通知。"
            )
            % {"u": suggestion.lead_unit or "—", "m": settings.LVZHI_SUGGESTIONS_REPLY_MONTHS},
            "target": {"label": _t("改办")},
        }
        return TemplateResponse(request, "suggestions/admin/transition.html", context)

    # --- bulk actions ----------------------------------------------------------------------------

    def _move_each(self, request, queryset, to: Status) -> None:
        bulk_run(
            request,
            queryset,
            to.label,
            lambda s: suggestion_transition(suggestion=s, to=to, actor=request.user),
        )

    @admin.action(description=_("立案"))
    def action_register(self, request, queryset):
        self._move_each(request, queryset, Status.REGISTERED)

    @admin.action(description=_("交办（批量）"))
    def action_assign(self, request, queryset):
        form = assign_form(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            bulk_run(request, queryset, _t("交办"), lambda s: _assign(s, data, request.user))
            return None
        return self._intermediate(request, queryset, form, "action_assign", _t("批量交办"))

    @admin.action(description=_("列入攻坚项目库"))
    def action_mark_tough(self, request, queryset):
        form = ToughForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            bulk_run(
                request,
                queryset,
                _t("列入攻坚项目库"),
                lambda s: services.tough_project_mark(
                    suggestion=s, actor=request.user, **form.cleaned_data
                ),
            )
            return None
        return self._intermediate(
            request, queryset, form, "action_mark_tough", _t("列入攻坚项目库")
        )

    @admin.action(description=_("办结"))
    def action_conclude(self, request, queryset):
        self._move_each(request, queryset, Status.CONCLUDED)

    @admin.action(description=_("销号"))
    def action_close(self, request, queryset):
        self._move_each(request, queryset, Status.CLOSED)

    def _intermediate(self, request, queryset, form, action, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "suggestions/admin/action_form.html", context)

    @admin.action(description=_("导出为 Excel"))
    def export_xlsx(self, request, queryset):
        headers = [
            "编号",
            "标题",
            "类型",
            "类别",
            "状态",
            "领衔代表",
            "主办单位",
            "立案日期",
            "交办日期",
            "答复期限",
            "首次答复",
            "办结日期",
        ]
        rows = (
            [
                s.number or "",
                s.title,
                s.get_kind_display(),
                str(s.category or ""),
                s.get_status_display(),
                s.lead_deputy.name,
                str(s.lead_unit or ""),
                s.registered_on,
                s.assigned_on,
                s.reply_deadline,
                s.first_replied_on,
                s.concluded_on,
            ]
            for s in queryset.select_related("category", "lead_deputy", "lead_unit").iterator(
                chunk_size=STREAM_CHUNK
            )
        )
        return table_stream_response(
            "xlsx",
            headers,
            rows,
            filename=dated_filename("suggestions", "xlsx"),
            title=_t("议案建议"),
        )
