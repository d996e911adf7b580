"""generate_scale_data's liaison hook: a tiny run fills every liaison table in proportion to the
roster, with rows the services could have written, the same counts for the same seed, and no
ledger credit of its own."""

from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count

from core import clock
from core.scale import ScaleContext
from deputies.models import Deputy
from liaison.models import (
    Duty,
    ExternalEvent,
    HostType,
    Opinion,
    OpinionStatus,
    ReceptionDay,
    Station,
    StationKind,
    Visit,
    VisitStatus,
)
from performance.models import LedgerEntry
from tests.core.scale_pages import grow

DEPUTIES, ENTRIES, SUGGESTIONS = 12, 2, 12


def _run(today: date, seed: int = 7) -> ScaleContext:
    return grow(
        deputies=DEPUTIES,
        entries_per_deputy=ENTRIES,
        suggestions=SUGGESTIONS,
        today=today,
        seed=seed,
    )


def _counts() -> dict:
    return {
        "stations": Station.objects.count(),
        "station deputies": Station.deputies.through.objects.count(),
        "days": ReceptionDay.objects.count(),
        "duties": Duty.objects.count(),
        "attended": Duty.objects.filter(attended=True).count(),
        "visits": Visit.objects.count(),
        "visit deputies": Visit.deputies.through.objects.count(),
        "opinions": sorted(Opinion.objects.values_list("tracking_code", "status")),
        "events": ExternalEvent.objects.count(),
        "station names": sorted(Station.objects.values_list("name", "kind", "host_type")),
    }


class _Rollback(Exception):
    pass


def _counts_of_a_fresh_run(today: date, seed: int) -> dict:
    try:
        with transaction.atomic():
            _run(today, seed)
            counts = _counts()
            raise _Rollback
    except _Rollback:
        pass
    assert not Station.objects.exists()
    return counts


@pytest.mark.django_db
def test_small_run_fills_the_liaison_tables_in_proportion():
    today = clock.today()
    _run(today)
    serving = Deputy.objects.filter(status="serving").count()
    assert serving > 0

    stations = Station.objects.annotate(n=Count("deputies"))
    assert stations.count() >= len(HostType.values)
    assert set(stations.values_list("kind", flat=True)) == set(StationKind.values)
    assert set(stations.values_list("host_type", flat=True)) == set(HostType.values)
    assert all(s.n >= 1 for s in stations)
    # Every deputy in office is on a station.
    assert Deputy.objects.filter(status="serving", liaison_stations__isnull=True).count() == 0

    assert ReceptionDay.objects.filter(date__lt=today).exists()
    assert ReceptionDay.objects.filter(date__gte=today).exists()
    assert not Duty.objects.filter(reception_day__date__lt=today).exclude(attended=True).exists()
    assert not Duty.objects.filter(reception_day__date__gte=today, attended__isnull=False).exists()
    for day in ReceptionDay.objects.all():
        assert day.ends_at is None or day.ends_at > day.starts_at

    # About two visits per deputy per year elapsed (some walk-ins may find nobody in office).
    elapsed = ((today - date(today.year - 2, 1, 1)).days + 1) / 365
    visits = Visit.objects.count()
    # The lower bound is loose: in a term's first months (as under CI's faketime in 2027) only
    # the re-elected deputies were in office in the years before, so fewer visits fall there.
    assert serving <= visits <= 2 * serving * elapsed + 1
    assert not Visit.objects.filter(deputies__isnull=True).exists()
    assert not Visit.objects.filter(occurred_on__gte=today).exists()
    assert set(Visit.objects.values_list("status", flat=True)) == set(VisitStatus.values)
    assert not Visit.objects.filter(status=VisitStatus.REFERRED, referred_to="").exists()

    assert Opinion.objects.count() == 5 * serving
    assert set(Opinion.objects.values_list("status", flat=True)) == set(OpinionStatus.values)
    assert Opinion.objects.filter(consent=True).count() == Opinion.objects.count()
    codes = list(Opinion.objects.values_list("tracking_code", flat=True))
    assert len(codes) == len(set(codes))
    now = clock.now()
    for opinion in Opinion.objects.select_related("merged_into"):
        assert opinion.submitted_at <= now
        if opinion.status == OpinionStatus.MERGED:
            target = opinion.merged_into
            assert target.status != OpinionStatus.MERGED
            assert target.submitted_at < opinion.submitted_at and target.pk < opinion.pk
        if opinion.closed_at:
            assert opinion.replied_at is None or opinion.replied_at <= opinion.closed_at

    assert ExternalEvent.objects.count() == 10 * serving
    assert ExternalEvent.objects.values("community").distinct().count() > 1
    assert ExternalEvent.objects.values("category").distinct().count() > 1
    # The hook leaves the ledger to the performance hook: nothing credited from a liaison row.
    assert not LedgerEntry.objects.filter(source_type__app_label="liaison").exists()


@pytest.mark.django_db
def test_same_seed_gives_the_same_counts():
    today = clock.today()
    first = _counts_of_a_fresh_run(today, seed=5)
    second = _counts_of_a_fresh_run(today, seed=5)
    assert first["visits"] > 0 and first["opinions"]
    assert first == second
