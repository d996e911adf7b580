"""The liaison admin lists at two sizes: the opinion desk and the visit log cost the same number
of queries with a few rows and with more, each row's assignee, source and merge target shown as
the rows' own labels (the opinion list reads them by per-row subqueries, not joins)."""

import datetime

import pytest
from django.urls import reverse

from liaison.models import OpinionStatus
from liaison.services import opinions as services
from tests.core.admin_queries import assert_flat
from tests.deputies.factories import DeputyWithUserFactory

from .factories import OpinionFactory, StationFactory, VisitFactory

pytestmark = pytest.mark.django_db
OPINIONS = reverse("admin:liaison_opinion_changelist")
VISITS = reverse("admin:liaison_visit_changelist")
NOW = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC)


def _opinions(n: int) -> None:
    """``n`` rounds of one opinion of each kind the list labels: from a station, to a deputy,
    assigned to a deputy and a station, and merged into another."""
    for i in range(n):
        at = NOW - datetime.timedelta(hours=i)
        code = services.new_tracking_code
        target = OpinionFactory(tracking_code=code(), station=StationFactory(), submitted_at=at)
        OpinionFactory(tracking_code=code(), deputy=DeputyWithUserFactory(), submitted_at=at)
        OpinionFactory(
            tracking_code=code(),
            status=OpinionStatus.ASSIGNED,
            assigned_deputy=DeputyWithUserFactory(),
            assigned_station=StationFactory(),
            submitted_at=at,
        )
        OpinionFactory(
            tracking_code=code(), status=OpinionStatus.MERGED, merged_into=target, submitted_at=at
        )


def _visits(n: int) -> None:
    for _i in range(n):
        visit = VisitFactory(station=StationFactory())
        visit.deputies.add(DeputyWithUserFactory())


def test_liaison_lists_cost_the_same_at_two_sizes(staff_client):
    _opinions(1)
    _visits(2)

    def grow():
        _opinions(3)
        _visits(5)

    assert_flat(staff_client, [OPINIONS, VISITS], grow)


def test_opinion_rows_show_the_same_labels_as_the_objects(staff_client):
    _opinions(2)
    response = staff_client.get(OPINIONS)
    rows = list(response.context["cl"].result_list)
    admin = response.context["cl"].model_admin
    body = response.content.decode()
    assigned = [o for o in rows if o.assigned_deputy_id]
    merged = [o for o in rows if o.merged_into_id]
    assert assigned and merged
    for o in assigned:
        expected = f"{o.assigned_deputy} / {o.assigned_station}"
        assert admin.assigned(o) == expected and expected in body
    for o in merged:
        link = reverse("admin:liaison_opinion_change", args=[o.merged_into_id])
        assert f'<a href="{link}">{o.merged_into.tracking_code}</a>' in admin.merged_link(o)
    assert all(admin.assigned(o) == "—" for o in rows if not o.assigned_deputy_id)
    # new first, then the newest
    keys = [(o.status != OpinionStatus.NEW, -o.submitted_at.timestamp(), -o.pk) for o in rows]
    assert keys == sorted(keys)
