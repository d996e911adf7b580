from django.core.management import call_command
from django.utils import timezone

from performance.models import Assessment, EntryStatus, LedgerEntry


def test_demo_scores_include_what_later_apps_credited(db):
    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    credited = LedgerEntry.objects.filter(
        rule__rule_set__year=year, rule__code="C01", status=EntryStatus.VERIFIED
    ).count()
    counted = sum(a.counts.get("C01", 0) for a in Assessment.objects.filter(rule_set__year=year))
    assert credited > 0
    assert counted == credited
