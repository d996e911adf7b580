"""The ledger's links on other records' admin pages (``core.admin_links``): a deputy's page
leads to their entries and assessments; a pending entry's page carries 核实 and 退回."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.admin_links import register_object_links
from core.dashboard import admin_url

from ..models import EntryStatus


def deputy_links(deputy) -> list[tuple[str, str]]:
    return [
        (
            _("履职记录"),
            admin_url("performance_ledgerentry_changelist", deputy__id__exact=deputy.pk),
        ),
        (
            _("年度考核"),
            admin_url("performance_assessment_changelist", deputy__id__exact=deputy.pk),
        ),
    ]


def entry_verbs(entry) -> list[tuple[str, str]]:
    if entry.rule.rule_set.frozen:
        return []
    verbs = []
    if entry.status == EntryStatus.PENDING:
        verbs.append((_("核实"), reverse("admin:performance_ledgerentry_verify", args=[entry.pk])))
    if entry.status != EntryStatus.REJECTED:
        verbs.append((_("退回"), reverse("admin:performance_ledgerentry_reject", args=[entry.pk])))
    return verbs


register_object_links("deputies.deputy", deputy_links, order=10)
register_object_links("performance.ledgerentry", entry_verbs, order=10)
