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


def test_seeding_the_whole_demo_again_adds_nothing(db):
    """Each app's seeder is idempotent on its own; together too, though later ones credit
    deputies (a reception day's attendance) after the ledger's seeder has run."""
    from django.apps import apps

    call_command("seed_demo", verbosity=0)
    models = [m for m in apps.get_models() if m._meta.app_label in APPS]
    before = {m._meta.label: m.objects.count() for m in models}
    call_command("seed_demo", verbosity=0)
    after = {m._meta.label: m.objects.count() for m in models}
    assert {k: (before[k], v) for k, v in after.items() if v != before[k]} == {}
    assert before["performance.Dispute"] > 0 and before["liaison.Story"] >= 12


APPS = ("deputies", "performance", "suggestions", "liaison", "training")
