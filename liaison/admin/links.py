"""Liaison's links on a deputy's admin page (``core.admin_links``): their visits and duties."""

from django.utils.translation import gettext as _

from core.admin_links import register_object_links
from core.dashboard import admin_url


def deputy_links(deputy) -> list[tuple[str, str]]:
    return [
        (_("接待记录"), admin_url("liaison_visit_changelist", deputies__id__exact=deputy.pk)),
        (_("值班安排"), admin_url("liaison_duty_changelist", deputy__id__exact=deputy.pk)),
    ]


register_object_links("deputies.deputy", deputy_links, order=30)
