"""Suggestions' links on a deputy's admin page (``core.admin_links``): those they lead."""

from django.utils.translation import gettext as _

from core.admin_links import register_object_links
from core.dashboard import admin_url


def deputy_links(deputy) -> list[tuple[str, str]]:
    return [
        (
            _("领衔建议"),
            admin_url("suggestions_suggestion_changelist", lead_deputy__id__exact=deputy.pk),
        )
    ]


register_object_links("deputies.deputy", deputy_links, order=20)
