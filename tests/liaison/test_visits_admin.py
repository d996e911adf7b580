"""The visit log in the admin: filters, deputies and suggestion links on the list at a flat
query count, staff's add form through the service, the Excel export (masked unless staff
tick 含完整电话, dated, audited), refer and status actions."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from core import clock
from core.models import AuditEvent
from liaison.models import Visit, VisitStatus
from liaison.services import visits as services
from tests.suggestions.factories import CategoryFactory

from .factories import StationFactory, VisitFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:liaison_visit_changelist")


def visit(deputy=None, **extra):
    v = VisitFactory(**extra)
    if deputy is not None:
        v.deputies.add(deputy)
    return v


def test_anonymous_cannot_open_the_admin(client):
    assert client.get(CHANGELIST).status_code == 302


def test_deputy_cannot_open_the_admin(deputy_client):
    visit(visitor_phone="13912345678")
    response = deputy_client.get(CHANGELIST)
    assert response.status_code in (302, 403)
    assert b"13912345678" not in response.content


def test_unit_user_cannot_open_the_admin(unit_client):
    assert unit_client.get(CHANGELIST).status_code in (302, 403)


def test_staff_open_the_admin(staff_client):
    assert staff_client.get(CHANGELIST).status_code == 200


def test_list_shows_deputies_masked_phone_and_suggestion_link(staff_client, deputy):
    v = visit(deputy, visitor_phone="13912345678")
    suggestion = services.visit_to_suggestion(visit=v, deputy=deputy, actor=None)
    body = staff_client.get(CHANGELIST).content.decode()
    assert deputy.name in body
    assert "139****5678" in body and "13912345678" not in body  # full: the change page
    assert reverse("admin:suggestions_suggestion_change", args=[suggestion.pk]) in body


def test_list_query_count_does_not_grow(staff_client, deputy, django_assert_max_num_queries):
    for _ in range(3):
        visit(deputy, station=StationFactory())
    with django_assert_max_num_queries(30) as small:
        staff_client.get(CHANGELIST)
    for _ in range(12):
        visit(deputy, station=StationFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(CHANGELIST)


@pytest.mark.parametrize(
    "query",
    [
        "year=2026",
        "year=abc",
        "year=99999",
        "status__exact=open",
        "status__exact=bogus",
        "station__id__exact=abc",
        "category__id__exact=1",
        "q=%3Cscript%3E",
        "o=5",
    ],
)
def test_filters_never_500(staff_client, query):
    visit(problem="<script>alert(1)</script>")
    response = staff_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code in (200, 302)
    assert b"<script>alert(1)</script>" not in response.content


def test_year_filter_keeps_the_year(staff_client):
    visit(occurred_on=datetime.date(2025, 3, 1), problem="去年的")
    visit(occurred_on=datetime.date(2026, 3, 1), problem="今年的")
    body = staff_client.get(f"{CHANGELIST}?year=2025").content.decode()
    assert "去年的" in body and "今年的" not in body


def test_staff_adds_a_visit_through_the_service(staff_client, deputy):
    station = StationFactory()
    category = CategoryFactory()
    response = staff_client.post(
        reverse("admin:liaison_visit_add"),
        {
            "occurred_on": clock.today().isoformat(),
            "station": station.pk,
            "deputies": [deputy.pk],
            "visitor_phone": "139-1234-5678",
            "category": category.pk,
            "community": station.community.pk,
            "problem": "噪音",
            "status": VisitStatus.OPEN,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    v = Visit.objects.get()
    assert v.visitor_phone == "13912345678" and list(v.deputies.all()) == [deputy]
    assert AuditEvent.objects.filter(action="liaison.visit.create").exists()


def test_admin_form_shows_service_refusals(staff_client, deputy):
    station = StationFactory()
    response = staff_client.post(
        reverse("admin:liaison_visit_add"),
        {
            "occurred_on": (clock.today() + datetime.timedelta(days=3)).isoformat(),
            "station": station.pk,
            "deputies": [deputy.pk],
            "category": CategoryFactory().pk,
            "community": station.community.pk,
            "problem": "x",
            "status": VisitStatus.OPEN,
        },
    )
    assert response.status_code == 200
    assert services.ERR_FUTURE_DATE in response.content.decode()
    assert not Visit.objects.exists()


def export(client, rows, **data):
    payload = {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [r.pk for r in rows], **data}
    return client.post(CHANGELIST, payload)


def read(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    title, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert title[0] == settings.LVZHI_COMMITTEE_NAME  # every export's title line
    return rows


def test_export_masks_phones_by_default_and_is_audited(staff_client, deputy):
    v = visit(deputy, visitor_phone="13912345678")
    page = export(staff_client, [v])
    assert "含完整电话" in page.content.decode()
    response = export(staff_client, [v], apply="1")
    assert f'filename="liaison-visits-{clock.today():%Y%m%d}-' in response["Content-Disposition"]
    rows = read(response)
    assert "联系电话" in rows[0]
    assert rows[1][rows[0].index("联系电话")] == "139****5678"
    assert rows[1][rows[0].index("接待代表")] == deputy.name
    event = AuditEvent.objects.get(action="liaison.visit.export")
    assert event.data == {"count": 1, "full_phone": False}


def test_export_with_full_phone_when_ticked(staff_client, deputy):
    v = visit(deputy, visitor_phone="13912345678")
    rows = read(export(staff_client, [v], apply="1", full_phone="on"))
    assert rows[1][rows[0].index("联系电话")] == "13912345678"
    assert AuditEvent.objects.get(action="liaison.visit.export").data["full_phone"] is True


def test_export_formula_text_is_neutralised(staff_client):
    v = visit(problem='=HYPERLINK("http://x")')
    rows = read(export(staff_client, [v], apply="1"))
    assert not str(rows[1][rows[0].index("反映问题")]).startswith("=")


def test_full_phone_export_refused_for_non_staff(deputy):
    with pytest.raises(services.VisitError):
        services.visits_exported(actor=deputy.user, count=1, full_phone=True)


def test_refer_action(staff_client, deputy):
    v = visit(deputy)
    page = staff_client.post(CHANGELIST, {"action": "refer", ACTION_CHECKBOX_NAME: [v.pk]})
    assert "转办部门" in page.content.decode()
    staff_client.post(
        CHANGELIST,
        {"action": "refer", ACTION_CHECKBOX_NAME: [v.pk], "apply": "1", "department": "城管科"},
    )
    v.refresh_from_db()
    assert v.status == VisitStatus.REFERRED and v.referred_to == "城管科"


def test_status_actions(staff_client, deputy):
    v = visit(deputy)
    staff_client.post(CHANGELIST, {"action": "mark_resolved", ACTION_CHECKBOX_NAME: [v.pk]})
    v.refresh_from_db()
    assert v.status == VisitStatus.RESOLVED


def test_tampered_selection_never_500(staff_client):
    response = staff_client.post(
        CHANGELIST, {"action": "mark_resolved", ACTION_CHECKBOX_NAME: ["x" * 40]}
    )
    assert response.status_code in (200, 302)
