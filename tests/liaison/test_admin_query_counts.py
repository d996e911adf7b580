"""The liaison admin lists at two sizes: the opinion desk and the visit log cost the same number
of queries with a few rows and with more, each row's assignee, source and merge target shown as
the rows' own labels (the opinion list reads them by per-row subqueries, not joins)."""

import datetime
import html

import pytest
from django.urls import reverse

from core.admin_export import export_columns, export_rows
from liaison.models import Opinion, OpinionStatus
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


def test_opinion_names_are_the_related_rows_own_in_the_list_and_the_export(staff_client):
    """The source, category and community come as names read by joins, not as related
    models: the list and the .xlsx export show each row's, as the models label themselves."""
    _opinions(1)
    response = staff_client.get(OPINIONS)
    admin = response.context["cl"].model_admin
    body = response.content.decode()
    request = response.wsgi_request
    columns = export_columns(admin, request)
    exported = {
        row[columns.index("tracking_code")]: row
        for row in export_rows(admin, request, admin.get_queryset(request), columns)
    }
    opinions = Opinion.objects.select_related("station", "deputy", "category", "community")
    assert len(exported) == opinions.count() == 4
    for opinion in opinions:
        if opinion.deputy_id:
            source = f"代表码 · {opinion.deputy.name}"
        else:
            source = opinion.station.name if opinion.station_id else "—"
        row = exported[opinion.tracking_code]
        assert row[columns.index("source")] == source
        assert row[columns.index("category_name")] == str(opinion.category)
        assert row[columns.index("community_name")] == str(opinion.community)
        assert f'<td class="field-source">{source}</td>' in body
        assert f'<td class="field-category_name">{opinion.category}</td>' in body


def test_visit_rows_name_their_station_as_the_models_do(staff_client):
    """The station is read as a name by the list's join, not as a model: each row's station
    column and its checkbox's name (``Visit.__str__``) are the models' own."""
    visits = [VisitFactory(station=StationFactory(name=f"站点<{i}>")) for i in range(2)]
    response = staff_client.get(VISITS)
    admin = response.context["cl"].model_admin
    rows = {row.pk: row for row in response.context["cl"].result_list}
    body = response.content.decode()
    for visit in visits:
        visit.refresh_from_db()
        row = rows[visit.pk]
        assert admin.station_name(row) == str(visit.station)
        assert admin.row_name(row) == str(visit)
        assert f'aria-label="选择此对象执行操作 - {html.escape(str(visit))}"' in body
        assert f'<td class="field-station_name">{html.escape(visit.station.name)}</td>' in body
