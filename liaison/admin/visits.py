"""Admin: the visit log (接待记录), the clerk's workbench. Lists by station, category, status and
year, with the deputies present and the suggestion a visit became; writes go through
``liaison.services.visits``; the export to Excel masks phones unless staff tick 含完整电话 and
leaves an audit row."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import OuterRef
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin_actions import bulk_apply
from core.admin_lists import LargeListAdmin, built_once_a_day
from core.admin_names import name_column, names_by_row, related_names
from core.admin_privacy import PhoneRevealAdminMixin, mask_stored_phones
from core.admin_rows import object_url
from core.admin_sidebar import SidebarNamedFilter, SidebarYearFilter
from core.tabular import dated_filename, table_stream_response
from deputies.models import Deputy

from ..forms_visits import ExportForm
from ..models import Visit, VisitStatus
from ..selectors_visits import mask_phone, visit_export_rows
from ..services.visits import (
    EDITABLE,
    VisitError,
    visit_create,
    visit_refer,
    visit_set_status,
    visit_update,
    visit_validate,
    visits_exported,
)

STREAM_CHUNK = 500
# What a row of the list reads: its cells, the row's name (``Visit.__str__``, the checkbox's
# label) and the related rows' names.
VISIT_ROW_COLUMNS = (
    "occurred_on",
    "problem",
    "visitor_name",
    "visitor_phone",
    "status",
    "station",
    "category",
    "community",
    "suggestion",
)
EXPORTED_RELATIONS = ("station", "category", "community", "suggestion")  # the export's columns


def _deputy_names() -> ArraySubquery:
    """A visit's deputies' names in the deputies' order (``Deputy.Meta.ordering``), as
    ``names_by_row`` lists them, read in the page's own query (one round trip less)."""
    links = Visit.deputies.through.objects.filter(visit=OuterRef("pk"))
    order = [
        f"-deputy__{o[1:]}" if o.startswith("-") else f"deputy__{o}" for o in Deputy._meta.ordering
    ]
    return ArraySubquery(links.order_by(*order).values("deputy__name"))


class TriageAdminMixin:
    """Intermediate action pages (``templates/liaison/triage_action.html``) and a runner that
    reports each refusal instead of failing; a tampered selection or lookup is a message,
    never a 500."""

    def response_action(self, request, queryset):
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            try:
                key = int(value)
            except (TypeError, ValueError):
                key = 0
            if not 0 < key < 2**63:
                self.message_user(request, _t("所选记录无效，请重新选择。"), messages.ERROR)
                return None
        return super().response_action(request, queryset)

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as exc:
            if not request.GET:
                raise
            raise IncorrectLookupParameters(exc) from exc

    def _intermediate(self, request, queryset, form, action, title, note=""):
        return TemplateResponse(
            request,
            "liaison/triage_action.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "form": form,
                "shown": list(queryset[:50]),
                "count": queryset.count(),
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across") == "1",
                "action": action,
                "note": note,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def _run(self, request, items, label, fn, errors=(VisitError,)) -> int:
        return len(bulk_apply(request, items, label, fn, errors=errors))


class VisitAdminForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ("deputies", *EDITABLE)

    def __init__(self, *args, **kwargs):
        self.actor = kwargs.pop("actor", None)
        super().__init__(*args, **kwargs)
        mask_stored_phones(self, ("visitor_phone",))  # 显示完整号码 reveals it (recorded)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        fields = {name: data.get(name) for name in EDITABLE if name in data}
        try:
            visit_validate(fields=fields, deputies=list(data.get("deputies") or []), actor=None)
        except VisitError as exc:
            raise ValidationError(str(exc)) from exc
        return data


class ReferForm(forms.Form):
    department = forms.CharField(label=_("转办部门"), max_length=100)
    note = forms.CharField(
        label=_("转办说明"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.register(Visit)
class VisitAdmin(PhoneRevealAdminMixin, TriageAdminMixin, LargeListAdmin, admin.ModelAdmin):
    form = VisitAdminForm
    reveal_phone_fields = ("visitor_phone",)
    list_display = (
        "occurred_on",
        "station_name",
        "category_name",
        "community_name",
        "problem_short",
        "deputies_present",
        "visitor",
        "status",
        "suggestion_link",
    )
    list_display_links = ("occurred_on", "problem_short")
    list_filter = (
        SidebarYearFilter.on("occurred_on", title=_("接待年份")),
        "status",
        ("station", SidebarNamedFilter.named("name")),
        ("category", SidebarNamedFilter.named("name")),
    )
    # The station, the category, the community and the suggestion are read as names by the
    # queryset's joins (``core.admin_names``), not as four related models a row; the row's
    # name (its checkbox's label) is written from them (``row_name``).
    list_select_related = ()
    search_fields = ("problem", "visitor_name", "visitor_phone", "station__name", "referred_to")
    sortable_by = ("occurred_on",)
    ordering = ("-occurred_on", "-id")
    autocomplete_fields = ("deputies",)
    readonly_fields = (
        "visitor_phone_reveal",
        "suggestion_link",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("occurred_on", "station", "reception_day", "deputies")}),
        (
            _("来访人"),
            {
                "fields": (
                    "visitor_name",
                    "visitor_phone",
                    "visitor_phone_reveal",
                    "category",
                    "community",
                )
            },
        ),
        (_("接待内容"), {"fields": ("problem", "answer", "follow_up")}),
        (
            _("办理"),
            {"fields": ("status", "referred_to", "satisfaction", "suggestion_link")},
        ),
        (_("登记"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    actions = ["export_xlsx", "refer", "mark_in_progress", "mark_resolved"]

    @built_once_a_day
    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                **related_names("station", "category", "community"),
                **related_names("suggestion", field="number"),
                **related_names("suggestion", field="title"),
            )
            .prefetch_related("deputies")
        )

    station_name = name_column(Visit, "station")
    category_name = name_column(Visit, "category")
    community_name = name_column(Visit, "community")

    def list_rows(self, queryset):
        """The list reads the columns its cells and the rows' names show; on PostgreSQL the
        deputies present by name with the rows (``deputy_names``: an array subquery, evaluated
        for the page's rows only), elsewhere by ``list_rows_loaded``."""
        rows = queryset.only(*VISIT_ROW_COLUMNS).prefetch_related(None)
        if connections[rows.db].vendor == "postgresql":
            rows = rows.annotate(deputy_names=_deputy_names())
        return rows

    def row_name(self, obj) -> str:
        """The row's name as ``Visit.__str__`` writes it, with the station's name the list
        read."""
        return Visit.label_of(obj.occurred_on, obj.station_name, obj.problem)

    def list_rows_loaded(self, rows):
        """The page's deputies present, by name in their code's order, in one query on the
        join table (no ``Deputy`` made per name), where the rows did not bring them."""
        if rows and hasattr(rows[0], "deputy_names"):
            return
        names = names_by_row(rows, Visit.deputies.field)
        for row in rows:
            row.deputy_names = names[row.pk]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "deputies":
            kwargs["queryset"] = Deputy.objects.order_by("code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("反映问题"))
    def problem_short(self, obj):
        return obj.problem[:30] + ("…" if len(obj.problem) > 30 else "")

    @admin.display(description=_("接待代表"))
    def deputies_present(self, obj):
        names = getattr(obj, "deputy_names", None)
        if names is None:
            names = [d.name for d in obj.deputies.all()]
        return "、".join(names)

    @admin.display(description=_("来访人"))
    def visitor(self, obj):
        # Masked in the list; the change page (where staff edit it) holds the full number.
        phone = mask_phone(obj.visitor_phone)
        return " ".join(part for part in (obj.visitor_name, phone) if part) or "—"

    @admin.display(description=_("完整号码"))
    def visitor_phone_reveal(self, obj):
        return self.phone_with_reveal(obj, "visitor_phone")

    @admin.display(description=_("转成的建议"))
    def suggestion_link(self, obj):
        if not obj.suggestion_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            object_url("admin:suggestions_suggestion_change", obj.suggestion_id),
            obj.suggestion_number or obj.suggestion_title[:20],
        )

    def save_model(self, request, obj, form, change):
        """Through the service (audit row, rules); the admin then finds the saved row's pk."""
        data = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        deputies = list(form.cleaned_data.get("deputies") or [])
        if change:
            saved = visit_update(visit=obj, actor=request.user, deputies=deputies, **data)
        else:
            saved = visit_create(actor=request.user, deputies=deputies, **data)
        obj.pk = saved.pk
        obj.created_by = saved.created_by

    def save_related(self, request, form, formsets, change):
        """The service set the deputies; only inline formsets (none today) remain."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("导出为 Excel"))
    def export_xlsx(self, request, queryset):
        form = ExportForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self._intermediate(
                request,
                queryset,
                form,
                "export_xlsx",
                _t("导出接待记录"),
                note=_t("默认隐去来访人电话中间四位。"),
            )
        full = form.cleaned_data["full_phone"]
        try:
            visits_exported(actor=request.user, count=queryset.count(), full_phone=full)
        except VisitError as exc:
            messages.error(request, str(exc))
            return None
        headers, rows = visit_export_rows(
            queryset.select_related(*EXPORTED_RELATIONS), full_phone=full, chunk=STREAM_CHUNK
        )
        return table_stream_response(
            "xlsx",
            headers,
            rows,
            filename=dated_filename("liaison-visits", "xlsx"),
            title=_t("接待记录"),
        )

    @admin.action(description=_("转办到部门"))
    def refer(self, request, queryset):
        form = ReferForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self._intermediate(request, queryset, form, "refer", _t("转办到部门"))
        data = form.cleaned_data
        self._run(
            request,
            queryset,
            _t("转办"),
            lambda v: visit_refer(
                visit=v, department=data["department"], note=data["note"], actor=request.user
            ),
        )
        return None

    @admin.action(description=_("标为处理中"))
    def mark_in_progress(self, request, queryset):
        self._run(
            request,
            queryset,
            _t("标为处理中"),
            lambda v: visit_set_status(visit=v, status=VisitStatus.IN_PROGRESS, actor=request.user),
        )

    @admin.action(description=_("标为已解决"))
    def mark_resolved(self, request, queryset):
        self._run(
            request,
            queryset,
            _t("标为已解决"),
            lambda v: visit_set_status(visit=v, status=VisitStatus.RESOLVED, actor=request.user),
        )
