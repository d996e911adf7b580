"""Admin: residents' opinions, the staff's triage desk. New opinions come first; actions assign
to a deputy or station, reply (what the tracking page shows), close, and merge duplicates
(into the oldest or a chosen one), each through ``liaison.services.opinions``. Residents'
text is shown as text; contact data is for staff only."""

from types import SimpleNamespace

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_history import HistoryAdminMixin
from core.admin_lists import LargeListAdmin, built_once_a_day
from core.admin_names import name_column, related_names
from core.admin_privacy import PhoneRevealAdminMixin
from core.admin_rows import object_url
from core.admin_sidebar import SidebarNamedFilter, SidebarYearFilter
from core.render_env import gettext as _t
from deputies.models import Deputy

from ..forms_opinions import AssignForm, MergeForm, ReplyForm
from ..models import Opinion, Station
from ..models.opinions import triage_order
from ..services.opinions import (
    OpinionError,
    opinion_assign,
    opinion_close,
    opinion_merge,
    opinion_reply,
)
from .visits import TriageAdminMixin


@admin.register(Opinion)
class OpinionAdmin(
    HistoryAdminMixin, PhoneRevealAdminMixin, TriageAdminMixin, LargeListAdmin, admin.ModelAdmin
):
    list_display = (
        "tracking_code",
        "submitted_at",
        "status",
        "category_name",
        "community_name",
        "source",
        "description_short",
        "assigned",
        "merged_link",
    )
    list_display_links = ("tracking_code", "description_short")
    list_filter = (
        "status",
        SidebarYearFilter.on("submitted_on", title=_("提交年份")),
        ("station", SidebarNamedFilter.named("name")),
        ("community", SidebarNamedFilter.named("name")),
        ("category", SidebarNamedFilter.named("name")),
    )
    # The source, category and community are read as names by four joins (``get_queryset``),
    # not as related models (a page of twenty made eighty of them). Four joins at most: past
    # five tables PostgreSQL's planner spends more on choosing the join order than the page's
    # query takes to run; the assignee and the merge target are per-row subqueries instead
    # (see ``get_queryset``).
    list_select_related = ()
    search_fields = ("tracking_code", "description", "contact_name", "contact_phone")
    sortable_by = ("submitted_at",)
    actions = ["assign", "reply", "close", "merge"]
    readonly_fields = (
        "tracking_code",
        "station",
        "deputy",
        "category",
        "community",
        "description",
        "contact_name",
        "contact_phone_masked",
        "consent",
        "status",
        "assigned_deputy",
        "assigned_station",
        "reply",
        "replied_at",
        "closed_at",
        "merged_into",
        "submitted_at",
        "submitted_on",
        "triage_reminded_at",
    )
    fieldsets = (
        (
            None,
            {"fields": ("tracking_code", "status", "submitted_at", "station", "deputy")},
        ),
        (_("意见"), {"fields": ("category", "community", "description")}),
        (
            _("联系方式（仅工作人员可见）"),
            {"fields": ("contact_name", "contact_phone_masked", "consent")},
        ),
        (
            _("办理"),
            {
                "fields": (
                    "assigned_deputy",
                    "assigned_station",
                    "reply",
                    "replied_at",
                    "closed_at",
                    "merged_into",
                    "triage_reminded_at",
                )
            },
        ),
    )

    # The list's queryset depends on nothing in the request: built once a day (building its
    # four subqueries cost more than copying it).
    @built_once_a_day
    def get_queryset(self, request):
        # New (untriaged) opinions first, then the newest, read in the order of the
        # ``opinion_triage_idx`` index (ModelAdmin orders before one could annotate, so the
        # queryset is built here). The assignee's and the merge target's labels are
        # subqueries in the select list: evaluated for the page's rows only, and no joins.
        # The list's and the export's names of the source, category and community are
        # columns of four joins.
        def label(model, key, field):
            rows = model._default_manager.filter(pk=OuterRef(key)).order_by().values(field)
            return Subquery(rows[:1])

        return (
            self.model._default_manager.get_queryset()
            .annotate(
                untriaged=triage_order(),
                assigned_deputy_name=label(Deputy, "assigned_deputy", "name"),
                assigned_deputy_code=label(Deputy, "assigned_deputy", "code"),
                assigned_station_name=label(Station, "assigned_station", "name"),
                merged_into_code=label(Opinion, "merged_into", "tracking_code"),
                **related_names("station", "deputy", "category", "community"),
            )
            .order_by(*self.get_ordering(None))
        )

    def get_ordering(self, request):
        return ("untriaged", "-submitted_at", "-id")

    def list_rows(self, queryset):
        """The columns the cells and the rows' names show (not the reply or the contact)."""
        return queryset.only(
            "tracking_code",
            "submitted_at",
            "status",
            "description",
            "station",
            "deputy",
            "assigned_deputy",
            "assigned_station",
            "merged_into",
        )

    # The resident's number is masked; 显示完整号码 reveals it and leaves an audit row.
    reveal_phone_fields = ("contact_phone",)

    @admin.display(description=_("联系电话"))
    def contact_phone_masked(self, obj):
        return self.phone_with_reveal(obj, "contact_phone")

    def has_add_permission(self, request):
        return False  # residents submit on the public page; staff log visits instead

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    category_name = name_column(Opinion, "category")
    community_name = name_column(Opinion, "community")

    @admin.display(description=_("来源"))
    def source(self, obj):
        if obj.deputy_id:
            return _t("代表码 · %(name)s") % {"name": obj.deputy_name}
        return obj.station_name if obj.station_id else "—"

    @admin.display(description=_("意见内容"))
    def description_short(self, obj):
        return obj.description[:30] + ("…" if len(obj.description) > 30 else "")

    @admin.display(description=_("分办"))
    def assigned(self, obj):
        # Labelled as the models' own ``__str__`` label them, from the row's subqueries'
        # values (no model made per row: ~10 µs each on a page of twenty).
        parts = []
        if obj.assigned_deputy_id:
            parts.append(Deputy.label_of(obj.assigned_deputy_name, obj.assigned_deputy_code))
        if obj.assigned_station_id:
            parts.append(Station.__str__(SimpleNamespace(name=obj.assigned_station_name)))
        return " / ".join(parts) or "—"

    @admin.display(description=_("合并到"))
    def merged_link(self, obj):
        if not obj.merged_into_id:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            object_url("admin:liaison_opinion_change", obj.merged_into_id),
            obj.merged_into_code,
        )

    @admin.action(description=_("分办给代表或站点"))
    def assign(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self._intermediate(
                request,
                queryset,
                form,
                "assign",
                _t("分办群众意见"),
                note=_t("分办给代表时，代表会收到通知，并在“群众意见”页面看到（电话隐去）。"),
            )
        data = form.cleaned_data
        self._run(
            request,
            queryset,
            _t("分办"),
            lambda o: opinion_assign(
                opinion=o, deputy=data["deputy"], station=data["station"], actor=request.user
            ),
            errors=(OpinionError,),
        )
        return None

    @admin.action(description=_("答复（居民凭查询码可见）"))
    def reply(self, request, queryset):
        form = ReplyForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound or not form.is_valid():
            return self._intermediate(
                request,
                queryset,
                form,
                "reply",
                _t("答复群众意见"),
                note=_t("答复内容会显示在居民的查询页面上，请勿写入个人信息。"),
            )
        self._run(
            request,
            queryset,
            _t("答复"),
            lambda o: opinion_reply(
                opinion=o, reply=form.cleaned_data["reply"], actor=request.user
            ),
            errors=(OpinionError,),
        )
        return None

    @admin.action(description=_("办结"))
    def close(self, request, queryset):
        self._run(
            request,
            queryset,
            _t("办结"),
            lambda o: opinion_close(opinion=o, actor=request.user),
            errors=(OpinionError,),
        )

    @admin.action(description=_("合并重复意见"))
    def merge(self, request, queryset):
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            opinions=queryset.order_by("submitted_at", "pk"),
        )
        if not form.is_bound or not form.is_valid():
            return self._intermediate(
                request,
                queryset,
                form,
                "merge",
                _t("合并重复意见"),
                note=_t("其余意见标为“已合并”，其查询页面显示保留意见的办理情况。"),
            )
        try:
            survivor = opinion_merge(
                opinions=list(queryset), into=form.cleaned_data["into"], actor=request.user
            )
        except OpinionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _t("已合并到 %(code)s。") % {"code": survivor.tracking_code})
        return None
