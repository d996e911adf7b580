"""The visit log: who may log and edit, masked phones for everyone but staff, referral, and
turning a visit into a suggestion draft through the suggestions app's door."""

import datetime

import pytest
from django.urls import reverse

from core import clock
from core.models import AuditEvent
from liaison.models import Visit, VisitStatus
from liaison.selectors_visits import mask_phone, phone_for, visits_for
from liaison.services import visits as services
from suggestions.public import Origin, suggestion_draft_from_source
from tests.suggestions.factories import CategoryFactory

from .factories import DutyFactory, ReceptionDayFactory, StationFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 18)
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def station(deputy):
    station = StationFactory()
    station.deputies.add(deputy)
    return station


def create(actor, station, deputies, **extra):
    values = {
        "occurred_on": DAY,
        "category": CategoryFactory(),
        "community": station.community,
        "problem": "楼道堆物",
        "visitor_phone": "139 1234 5678",
        "today": TODAY,
    }
    values.update(extra)
    return services.visit_create(actor=actor, station=station, deputies=deputies, **values)


# --- masking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13912345678", "139****5678"),
        ("021-12345678", "021****5678"),
        ("12345", "****45"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_phone_for_each_role(staff_user, deputy, unit_user):
    assert phone_for(staff_user, "13912345678") == "13912345678"
    assert phone_for(deputy.user, "13912345678") == "139****5678"
    assert phone_for(unit_user, "13912345678") == "139****5678"


# --- creating and editing ---------------------------------------------------------------------


def test_staff_logs_a_visit_anywhere(staff_user, deputy):
    visit = create(staff_user, StationFactory(), [deputy])
    assert visit.visitor_phone == "13912345678"
    assert list(visit.deputies.all()) == [deputy]
    assert AuditEvent.objects.filter(action="liaison.visit.create").exists()


def test_deputy_logs_at_their_station_and_is_always_present(deputy, other_deputy, station):
    visit = create(deputy.user, station, [other_deputy])
    assert set(visit.deputies.all()) == {deputy, other_deputy}
    assert visit.created_by == deputy.user


def test_deputy_on_duty_that_day_may_log(deputy):
    day = ReceptionDayFactory(date=DAY)
    DutyFactory(reception_day=day, deputy=deputy)
    visit = create(deputy.user, day.station, [], reception_day=day)
    assert visit.reception_day == day


def test_deputy_elsewhere_is_refused(deputy):
    with pytest.raises(services.VisitError, match="只能登记自己进站或值班站点"):
        create(deputy.user, StationFactory(), [])
    assert not Visit.objects.exists()


def test_unit_user_is_refused(unit_user, station, deputy):
    with pytest.raises(services.VisitError):
        create(unit_user, station, [deputy])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"problem": "  "}, services.ERR_PROBLEM_REQUIRED),
        ({"occurred_on": TODAY + datetime.timedelta(days=1)}, services.ERR_FUTURE_DATE),
        ({"visitor_phone": "12ab"}, services.ERR_BAD_PHONE[:8]),
        ({"status": VisitStatus.REFERRED}, services.ERR_REFERRED_NEEDS_DEPARTMENT),
        ({"status": "bogus"}, services.ERR_BAD_STATUS),
    ],
)
def test_bad_visits_are_refused(staff_user, deputy, extra, message):
    with pytest.raises(services.VisitError, match=message):
        create(staff_user, StationFactory(), [deputy], **extra)


def test_no_deputies_or_inactive_station_refused(staff_user, deputy):
    with pytest.raises(services.VisitError, match=services.ERR_NO_DEPUTIES):
        create(staff_user, StationFactory(), [])
    with pytest.raises(services.VisitError, match=services.ERR_STATION_INACTIVE):
        create(staff_user, StationFactory(is_active=False), [deputy])


def test_reception_day_of_another_station_refused(staff_user, deputy):
    day = ReceptionDayFactory(date=DAY)
    with pytest.raises(services.VisitError, match=services.ERR_RECEPTION_DAY_MISMATCH):
        create(staff_user, StationFactory(), [deputy], reception_day=day)


def test_present_deputy_edits_other_deputy_cannot(deputy, other_deputy, station):
    visit = create(deputy.user, station, [])
    services.visit_update(visit=visit, actor=deputy.user, answer="已联系物业", today=TODAY)
    visit.refresh_from_db()
    assert visit.answer == "已联系物业"
    with pytest.raises(services.VisitError, match=services.ERR_NOT_PERMITTED):
        services.visit_update(visit=visit, actor=other_deputy.user, answer="x", today=TODAY)


def test_refer_and_status(staff_user, deputy):
    visit = create(staff_user, StationFactory(), [deputy])
    with pytest.raises(services.VisitError):
        services.visit_refer(visit=visit, department="  ", actor=staff_user)
    services.visit_refer(visit=visit, department="街道城管科", actor=staff_user, note="已电话转办")
    visit.refresh_from_db()
    assert (visit.status, visit.referred_to, visit.follow_up) == (
        VisitStatus.REFERRED,
        "街道城管科",
        "已电话转办",
    )
    services.visit_set_status(visit=visit, status=VisitStatus.RESOLVED, actor=staff_user)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RESOLVED


# --- turning into a suggestion ----------------------------------------------------------------


def test_visit_to_suggestion_creates_a_draft_that_names_its_source(deputy, station):
    visit = create(deputy.user, station, [], answer="当场答复")
    suggestion = services.visit_to_suggestion(visit=visit, deputy=deputy, actor=deputy.user)
    visit.refresh_from_db()
    assert visit.suggestion == suggestion
    assert suggestion.status == "draft"
    assert suggestion.lead_deputy == deputy
    assert suggestion.origin == Origin.LIAISON
    assert f"#{visit.pk}" in suggestion.origin_reference
    assert station.name in suggestion.origin_reference
    assert "楼道堆物" in suggestion.body and "当场答复" in suggestion.body
    assert visit.visitor_phone not in suggestion.body
    with pytest.raises(services.VisitError, match=services.ERR_ALREADY_TURNED):
        services.visit_to_suggestion(visit=visit, deputy=deputy, actor=deputy.user)


def test_only_a_present_deputy_may_turn_it(deputy, other_deputy, station, staff_user):
    visit = create(deputy.user, station, [])
    with pytest.raises(services.VisitError, match=services.ERR_NOT_PERMITTED):
        services.visit_to_suggestion(visit=visit, deputy=deputy, actor=other_deputy.user)
    with pytest.raises(services.VisitError, match=services.ERR_NOT_PRESENT):
        services.visit_to_suggestion(visit=visit, deputy=other_deputy, actor=staff_user)
    assert services.visit_to_suggestion(visit=visit, deputy=deputy, actor=staff_user)


def test_public_door_refuses_empty_text(deputy):
    from suggestions.public import SuggestionError

    with pytest.raises(SuggestionError):
        suggestion_draft_from_source(
            deputy=deputy, title=" ", body="x", category=None, origin_reference="", actor=None
        )


# --- pages, per role --------------------------------------------------------------------------


def test_anonymous_sees_nothing(client):
    VisitFactory()
    response = client.get(reverse("liaison:visits"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("liaison:visit_new")).status_code == 302
    assert client.get(reverse("liaison:my_opinions")).status_code == 302


def test_unit_user_is_403(unit_client):
    assert unit_client.get(reverse("liaison:visits")).status_code == 403
    assert unit_client.get(reverse("liaison:visit_new")).status_code == 403


def test_deputy_sees_own_visits_with_masked_phone(deputy_client, deputy, other_deputy):
    mine = VisitFactory(visitor_phone="13912345678")
    mine.deputies.add(deputy)
    theirs = VisitFactory(visitor_phone="13800001111", problem="别人的记录")
    theirs.deputies.add(other_deputy)
    body = deputy_client.get(reverse("liaison:visits")).content.decode()
    assert "139****5678" in body
    assert "13912345678" not in body
    assert "别人的记录" not in body and "13800001111" not in body
    assert set(visits_for(deputy.user)) == {mine}


def test_staff_sees_full_phone(staff_client):
    VisitFactory(visitor_phone="13912345678")
    body = staff_client.get(reverse("liaison:visits")).content.decode()
    assert "13912345678" in body


def test_deputy_records_a_visit_on_the_phone_form(deputy_client, deputy, station):
    page = deputy_client.get(reverse("liaison:visit_new"))
    assert page.status_code == 200 and station.name in page.content.decode()
    category = CategoryFactory()
    response = deputy_client.post(
        reverse("liaison:visit_new"),
        {
            "occurred_on": clock.today().isoformat(),
            "station": station.pk,
            "category": category.pk,
            "community": station.community.pk,
            "problem": "<script>alert(1)</script>",
            "visitor_phone": "13912345678",
            "status": VisitStatus.OPEN,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    assert list(visit.deputies.all()) == [deputy]
    body = deputy_client.get(reverse("liaison:visits")).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_deputy_form_refuses_a_station_not_theirs(deputy_client, deputy):
    other = StationFactory()
    response = deputy_client.post(
        reverse("liaison:visit_new"),
        {
            "occurred_on": clock.today().isoformat(),
            "station": other.pk,
            "category": CategoryFactory().pk,
            "community": other.community.pk,
            "problem": "x",
            "status": VisitStatus.OPEN,
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_edit_keeps_the_phone_when_the_mask_is_untouched(deputy_client, deputy, station):
    visit = VisitFactory(station=station, community=station.community, visitor_phone="13912345678")
    visit.deputies.add(deputy)
    page = deputy_client.get(reverse("liaison:visit_edit", args=[visit.pk]))
    assert "139****5678" in page.content.decode()
    assert "13912345678" not in page.content.decode()
    response = deputy_client.post(
        reverse("liaison:visit_edit", args=[visit.pk]),
        {
            "occurred_on": visit.occurred_on.isoformat(),
            "station": station.pk,
            "category": visit.category.pk,
            "community": station.community.pk,
            "problem": visit.problem,
            "answer": "已处理",
            "visitor_phone": "139****5678",
            "status": VisitStatus.RESOLVED,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.visitor_phone == "13912345678"
    assert visit.answer == "已处理" and visit.status == VisitStatus.RESOLVED


def test_other_deputy_cannot_open_or_turn_a_visit(client, other_deputy, deputy):
    visit = VisitFactory()
    visit.deputies.add(deputy)
    client.force_login(other_deputy.user)
    assert client.get(reverse("liaison:visit_edit", args=[visit.pk])).status_code == 404
    assert client.post(reverse("liaison:visit_suggest", args=[visit.pk])).status_code == 404


def test_turn_button_opens_the_draft_edit_page(deputy_client, deputy):
    visit = VisitFactory()
    visit.deputies.add(deputy)
    response = deputy_client.post(reverse("liaison:visit_suggest", args=[visit.pk]))
    visit.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions:edit", args=[visit.suggestion_id])
    assert deputy_client.get(response["Location"]).status_code == 200
    again = deputy_client.post(reverse("liaison:visit_suggest", args=[visit.pk]))
    assert again.status_code == 302 and again["Location"] == reverse("liaison:visits")


def test_suggest_needs_post(deputy_client, deputy):
    visit = VisitFactory()
    visit.deputies.add(deputy)
    assert deputy_client.get(reverse("liaison:visit_suggest", args=[visit.pk])).status_code == 405


def test_turned_draft_links_back_to_the_visit(deputy_client, deputy):
    from suggestions.models import Suggestion

    visit = VisitFactory()
    visit.deputies.add(deputy)
    deputy_client.post(reverse("liaison:visit_suggest", args=[visit.pk]))
    suggestion = Suggestion.objects.get()
    assert suggestion.origin_url.endswith(reverse("liaison:visit_edit", args=[visit.pk]))
    page = deputy_client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert "联络站接待" in page and f"#{visit.pk}" in page


def test_deputy_pages_cost_the_same_queries_at_two_sizes(
    deputy_client, deputy, django_assert_max_num_queries
):
    from liaison.services.opinions import new_tracking_code

    from .factories import OpinionFactory

    def add(n):
        for _ in range(n):
            v = VisitFactory(station=StationFactory())
            v.deputies.add(deputy)
            OpinionFactory(tracking_code=new_tracking_code(), deputy=deputy)

    add(2)
    counts = {}
    for name in ("liaison:visits", "liaison:my_opinions"):
        with django_assert_max_num_queries(40) as captured:
            deputy_client.get(reverse(name))
        counts[name] = len(captured.captured_queries)
    add(10)
    for name, count in counts.items():
        with django_assert_max_num_queries(count):
            deputy_client.get(reverse(name))


def test_a_visit_on_the_stations_reception_day_is_linked_to_it(staff_user, deputy):
    day = ReceptionDayFactory(date=DAY)
    visit = create(staff_user, day.station, [deputy])
    assert visit.reception_day == day
    elsewhere = create(staff_user, day.station, [deputy], occurred_on=DAY - datetime.timedelta(1))
    assert elsewhere.reception_day is None


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0"])
def test_odd_visit_ids_are_404(deputy_client, pk):
    assert deputy_client.get(f"/liaison/visits/{pk}/edit/").status_code == 404
    assert deputy_client.post(f"/liaison/visits/{pk}/suggest/").status_code == 404


def test_form_offers_only_colleagues_of_the_deputys_stations(deputy, other_deputy, station):
    from liaison.forms_visits import VisitForm
    from tests.deputies.factories import DeputyFactory

    station.deputies.add(other_deputy)
    stranger = DeputyFactory()
    on_duty = DutyFactory(reception_day=ReceptionDayFactory(station=station)).deputy
    offered = set(VisitForm(deputy=deputy).fields["deputies"].queryset)
    assert offered == {other_deputy, on_duty}
    assert stranger not in offered and deputy not in offered


def test_editing_keeps_deputies_the_form_does_not_offer(deputy_client, deputy, station):
    from tests.deputies.factories import DeputyFactory

    outsider = DeputyFactory()
    visit = VisitFactory(station=station, community=station.community)
    visit.deputies.add(deputy, outsider)
    response = deputy_client.post(
        reverse("liaison:visit_edit", args=[visit.pk]),
        {
            "occurred_on": visit.occurred_on.isoformat(),
            "station": station.pk,
            "category": visit.category.pk,
            "community": station.community.pk,
            "problem": visit.problem,
            "status": VisitStatus.OPEN,
        },
    )
    assert response.status_code == 302
    assert set(visit.deputies.all()) == {deputy, outsider}
