"""Pieces the suggestion admin pages share: read-only inlines and bulk actions that report
each failure as a message."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _t

from ..services import SuggestionError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    select = ()  # the foreign keys the rows show, read with the rows
    prefetch = ()
    # The row's link to the page's object: each row's title (its __str__) names it, so it is
    # read with the rows, not once per row.
    parent = "suggestion"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(self.parent, *self.select)
            .prefetch_related(*self.prefetch)
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


def bulk_run(request, queryset, label, fn) -> None:
    done, failed = 0, []
    for obj in queryset:
        try:
            fn(obj)
        except SuggestionError as exc:
            failed.append(f"{obj}：{exc}")
        else:
            done += 1
    if done:
        messages.success(request, _t("%(label)s：成功 %(n)d 件。") % {"label": label, "n": done})
    for line in failed:
        messages.error(request, line)
