"""Pieces the suggestion admin pages share: read-only inlines and bulk actions that report
each failure as a message."""

from django.contrib import admin

from core.admin_actions import bulk_apply

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
    bulk_apply(request, queryset, label, fn, errors=(SuggestionError,))
