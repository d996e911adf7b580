from collections.abc import Iterable

from django.contrib import admin, messages
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.services import temporary_password
from core.admin_history import HistoryAdminMixin
from core.admin_import import ImportAdminMixin
from core.admin_lists import LargeListAdmin
from core.admin_names import name_column, related_names
from core.admin_privacy import PhoneRevealAdminMixin
from core.admin_sidebar import SidebarNamedFilter
from core.tabular import STREAM_CHUNK, dated_filename, table_stream_response

from .admin_terms import TermMembershipInline  # also registers TermAdmin
from .forms import DeputyAdminForm, StatusChangeForm
from .importer import RosterImporter
from .models import Community, Constituency, Deputy, ProfessionalGroup
from .roster import roster_export_record, roster_headers, roster_row
from .services import DeputyError, deputy_account_create, deputy_set_status

# A list row's 新任/连任 label, written on the row by ``DeputyAdmin.list_rows_loaded``.
NEW_OR_REELECTED = "_list_new_or_reelected"


@admin.register(Constituency)
class ConstituencyAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("name", "communities")
    search_fields = ("name", "communities")


@admin.register(Community)
class CommunityAdmin(LargeListAdmin, admin.ModelAdmin):
    """社区: where stations stand and where opinions, visits and hotline events are counted."""

    list_display = ("name", "constituency", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "constituency")
    search_fields = ("name",)
    list_select_related = ("constituency",)
    sortable_by = ("name", "order")
    ordering = ("order", "name")


class MemberInline(admin.TabularInline):
    model = Deputy
    fk_name = "group"
    fields = ("code", "name", "level", "constituency", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("组员")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProfessionalGroup)
class ProfessionalGroupAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = ("name", "leader")
    search_fields = ("name",)
    autocomplete_fields = ("leader",)
    list_select_related = ("leader",)
    inlines = [MemberInline]


@admin.register(Deputy)
class DeputyAdmin(
    HistoryAdminMixin, PhoneRevealAdminMixin, ImportAdminMixin, LargeListAdmin, admin.ModelAdmin
):
    form = DeputyAdminForm
    # The phone is masked on the page; 显示完整号码 reveals it and leaves an audit row.
    reveal_phone_fields = ("mobile",)
    readonly_fields = ("mobile_reveal",)
    change_list_template = "admin/deputies/deputy/change_list.html"
    importer_class = RosterImporter
    import_title = _("导入代表名册")
    import_template_filename = "deputies-template"
    import_help = _(
        "层级可写省人大代表/市人大代表/区人大代表/街道议政代表，或 province/city/district/street；"
        "性别写男/女。已有的代表编号会被更新，新的编号会新增代表；选区和专业小组不存在时自动创建。"
    )
    list_display = (  # 性别 is a filter, not a column: the 新任/连任 column must fit at 1280 px
        "code",
        "name",
        "level",
        "constituency_name",
        "group_name",
        "phone_masked",
        "status",
        "new_or_reelected",
    )
    list_display_links = ("code", "name")
    list_filter = (
        "level",
        ("constituency", SidebarNamedFilter.named("name")),
        ("group", SidebarNamedFilter.named("name")),
        "status",
        "gender",
        "sector",
        ("term", SidebarNamedFilter.reading("name", "number")),
    )
    search_fields = ("name", "code", "mobile")
    list_select_related = ("constituency", "group", "term", "first_elected_term")
    sortable_by = ("code", "name", "level", "status")  # each backed by an index
    autocomplete_fields = ("user",)
    ordering = ("code",)
    actions = [
        "export_xlsx",
        "export_csv",
        "export_xlsx_full_phones",
        "export_csv_full_phones",
        "mark_left_office",
        "create_accounts",
    ]
    inlines = [TermMembershipInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "gender", "ethnicity", "birth_date", "photo")}),
        (
            _("代表身份"),
            {"fields": ("level", "term", "first_elected_term", "constituency", "sector", "group")},
        ),
        (
            _("工作与联系"),
            {
                "fields": (
                    "political_affiliation",
                    "education",
                    "workplace",
                    "post",
                    "specialties",
                    "mobile",
                    "mobile_reveal",
                    "email",
                    "user",
                )
            },
        ),
        (_("任职状态"), {"fields": ("status", "status_date", "status_reason")}),
    )

    def list_rows(self, queryset):
        """The columns the cells and the rows' names show; 新任/连任 compares the two terms'
        keys, so the terms themselves are not read, and the constituency and the group are
        their names, read by the list's joins (not two related models a row)."""
        return (
            queryset.select_related(None)
            .annotate(**related_names("constituency", "group"))
            .only("code", "name", "level", "status", "mobile", "term", "first_elected_term")
        )

    constituency_name = name_column(Deputy, "constituency")
    group_name = name_column(Deputy, "group")

    @admin.display(description=_("手机"), ordering="mobile")
    def phone_masked(self, obj):
        return obj.masked_mobile

    @admin.display(description=_("完整号码"))
    def mobile_reveal(self, obj):
        return self.phone_with_reveal(obj, "mobile")

    def list_rows_loaded(self, rows):
        """Each row's 新任/连任 label, the two translated once a page (``gettext`` per row cost
        ~5 µs a row)."""
        new, reelected = gettext("新任"), gettext("连任")
        for row in rows:
            row.__dict__[NEW_OR_REELECTED] = new if row.is_new else reelected

    @admin.display(description=_("新任/连任"), boolean=False)
    def new_or_reelected(self, obj):
        # Translated text, not a lazy one per row: a lazy label was translated again for
        # every cell (~8 µs a row). A list's rows carry theirs (``list_rows_loaded``).
        label = obj.__dict__.get(NEW_OR_REELECTED)
        if label is not None:
            return label
        return gettext("新任") if obj.is_new else gettext("连任")

    def _export(self, request, queryset, fmt, *, full_phones=False):
        """Phones masked unless staff chose a 含完整手机号 action; recorded either way (who,
        how many, the list's filters)."""
        filters = {k: v[:100] for k, v in list(request.GET.items())[:20]}
        try:
            roster_export_record(
                actor=request.user,
                count=queryset.count(),
                fmt=fmt,
                full_phones=full_phones,
                filters=filters,
            )
        except DeputyError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        deputies = queryset.select_related(*self.list_select_related)
        rows = (
            roster_row(d, full_phone=full_phones)
            for d in deputies.iterator(chunk_size=STREAM_CHUNK)
        )
        return _download(fmt, "代表名册", rows)

    @admin.action(description=_("导出所选代表（Excel，手机号隐去中间四位）"))
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    @admin.action(description=_("导出所选代表（CSV，手机号隐去中间四位）"))
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("导出所选代表（Excel，含完整手机号，将记录）"))
    def export_xlsx_full_phones(self, request, queryset):
        return self._export(request, queryset, "xlsx", full_phones=True)

    @admin.action(description=_("导出所选代表（CSV，含完整手机号，将记录）"))
    def export_csv_full_phones(self, request, queryset):
        return self._export(request, queryset, "csv", full_phones=True)

    @admin.action(description=_("登记离任（辞职/终止资格）"))
    def mark_left_office(self, request, queryset):
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            changed = 0
            for deputy in queryset:
                try:
                    deputy_set_status(
                        deputy=deputy,
                        status=form.cleaned_data["status"],
                        on=form.cleaned_data["status_date"],
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    changed += 1
                except DeputyError as exc:
                    self.message_user(request, f"{deputy}：{exc}", messages.ERROR)
            self.message_user(request, _("已登记 %(n)d 名代表离任。") % {"n": changed})
            return None
        return TemplateResponse(
            request,
            "admin/deputies/deputy/status_change.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("登记离任"),
                "form": form,
                "deputies": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("为所选代表开通登录账号"))
    def create_accounts(self, request, queryset):
        created = []
        for deputy in queryset.filter(user__isnull=True):
            password = temporary_password()  # shown once; changed at the first login
            user = deputy_account_create(deputy=deputy, password=password, actor=request.user)
            created.append((deputy, user.username, password))
        return TemplateResponse(
            request,
            "admin/deputies/deputy/accounts_created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("已开通的登录账号"),
                "created": created,
            },
        )


def _download(fmt: str, title: str, rows: Iterable[list]) -> HttpResponseBase:
    """The roster streamed row by row (CSV) or written row by row (xlsx), dated."""
    return table_stream_response(
        fmt, roster_headers(), rows, filename=dated_filename("deputies", fmt), title=title
    )
