"""The admin's 历史 page of a tracked record: every audit row about it, with each changed
field's old and new value, who, when and from where (``core.history``).

Django's own history page lists ``LogEntry`` rows, which only admin forms write and which
hold no values. ``HistoryAdminMixin`` (put it before ``admin.ModelAdmin``) shows the
``AuditEvent`` rows instead: the history rows of edits made anywhere (admin, site, jobs,
commands, bulk updates) and the services' own rows for the same record.
"""

from dataclasses import dataclass

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .history import field_verbose_name
from .models import AuditEvent

HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class ChangedField:
    label: str
    old: str | None
    new: str | None


def changed_fields(model, event: AuditEvent) -> list[ChangedField]:
    """An audit row's ``changes`` as lines a person reads (verbose field names)."""
    if not isinstance(event.changes, dict):
        return []
    lines = []
    for name, pair in event.changes.items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        lines.append(ChangedField(field_verbose_name(model, name), old, new))
    return lines


def history_rows(model, pk):
    """A record's audit rows, newest first (``core_audit_target_time`` index)."""
    return (
        AuditEvent.objects.filter(target_type=model._meta.label_lower, target_id=str(pk))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


class HistoryAdminMixin:
    """Replace the admin's 历史 page with the record's audit history (old → new values)."""

    history_template = "admin/history_changes.html"

    def history_view(self, request, object_id, extra_context=None):
        opts = self.model._meta
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = Paginator(history_rows(self.model, obj.pk), HISTORY_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("p"))
        entries = [(event, changed_fields(self.model, event)) for event in page.object_list]
        context = {
            **self.admin_site.each_context(request),
            "title": _("变更历史：%(object)s") % {"object": obj},
            "subtitle": None,
            "module_name": str(opts.verbose_name_plural),
            "object": obj,
            "opts": opts,
            "page_obj": page,
            "entries": entries,
            "page_range": paginator.get_elided_page_range(page.number),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.history_template, context)
