"""Training's link on a deputy's admin page (``core.admin_links``): their enrolments."""

from django.utils.translation import gettext as _

from core.admin_links import register_object_links
from core.dashboard import admin_url


def deputy_links(deputy) -> list[tuple[str, str]]:
    return [
        (_("培训报名"), admin_url("training_enrollment_changelist", deputy__id__exact=deputy.pk))
    ]


register_object_links("deputies.deputy", deputy_links, order=40)
