"""专题检讨: units below 60 two years running (by stored score) are flagged on the staff desk,
the unit list and the admin's flagged list, until their review is recorded."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone

from core.audit import AuditEvent
from suggestions.models import UnitReview, UnitYearScore
from suggestions.panels import staff_panel
from suggestions.reviews import (
    ERR_REVIEW_DATE,
    ERR_REVIEW_EXISTS,
    ERR_REVIEW_FIELDS,
    ERR_REVIEW_NOT_FLAGGED,
    flagged_scores,
    unit_review_record,
)
from suggestions.services import ERR_NOT_STAFF
from suggestions.workflow import SuggestionError
from tests.suggestions.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def stored(unit, year, score):
    return UnitYearScore.objects.create(
        unit=unit, year=year, concluded=3, implementation_avg=score, benefit_avg=score,
        score=None if score is None else Decimal(score),
    )  # fmt: skip


@pytest.fixture
def units():
    weak = HandlingUnitFactory(name="甲局")
    once = HandlingUnitFactory(name="乙局")
    edge = HandlingUnitFactory(name="丙局")
    stored(weak, 2025, 55)
    stored(weak, 2026, 48)
    stored(once, 2025, 90)
    stored(once, 2026, 30)
    stored(edge, 2025, 50)
    stored(edge, 2026, 60)  # exactly 60 is not below 60
    return weak, once, edge


def record(unit, actor=None, **overrides):
    kwargs = {
        "actor": actor,
        "unit": unit,
        "year": 2026,
        "held_on": date(2026, 11, 20),
        "attendees": "局长、分管副局长；工委联络科",
        "findings": "答复流于形式",
        "measures": "建立办理台账",
        "today": TODAY,
    }
    return unit_review_record(**{**kwargs, **overrides})


def test_only_units_below_60_two_years_running_are_flagged(units):
    weak, _once, _edge = units
    rows = list(flagged_scores())
    assert [(r.unit, r.year, r.before_score, r.score) for r in rows] == [
        (weak, 2026, Decimal("55.00"), Decimal("48.00"))
    ]


def test_flag_is_one_query(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(flagged_scores())


def test_recording_the_review_closes_the_flag_and_leaves_an_audit_row(units, staff_user):
    weak = units[0]
    review = record(weak, actor=staff_user)
    assert (review.unit, review.year, review.recorded_by) == (weak, 2026, staff_user)
    assert review.years_label == "2025–2026"
    assert not flagged_scores().exists()
    assert [r.reviewed for r in flagged_scores(open_only=False)] == [True]
    assert AuditEvent.objects.filter(action="suggestions.unit_review_record").count() == 1


def test_a_second_review_of_the_same_years_is_refused(units):
    weak = units[0]
    record(weak)
    with pytest.raises(SuggestionError) as exc:
        record(weak)
    assert str(exc.value) == ERR_REVIEW_EXISTS % {"unit": weak, "before": 2025, "year": 2026}
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitReview.objects.create(
            unit=weak, year=2026, held_on=TODAY, attendees="a", findings="b", measures="c",
            recorded_at=timezone.now(),
        )  # fmt: skip


def test_a_unit_not_flagged_is_refused(units):
    _weak, once, edge = units
    for unit in (once, edge):
        with pytest.raises(SuggestionError) as exc:
            record(unit)
        assert str(exc.value) == ERR_REVIEW_NOT_FLAGGED % {
            "unit": unit,
            "before": 2025,
            "year": 2026,
        }
    assert not UnitReview.objects.exists()


def test_bad_dates_and_empty_fields_are_refused(units):
    weak = units[0]
    for day in (date(2025, 12, 31), date(2026, 12, 3)):
        with pytest.raises(SuggestionError) as exc:
            record(weak, held_on=day)
        assert str(exc.value) == ERR_REVIEW_DATE % {"year": 2026}
    with pytest.raises(SuggestionError) as exc:
        record(weak, measures="  ")
    assert str(exc.value) == ERR_REVIEW_FIELDS


def test_only_staff_record(units, unit_user):
    with pytest.raises(SuggestionError) as exc:
        record(units[0], actor=unit_user)
    assert str(exc.value) == ERR_NOT_STAFF


def test_a_third_weak_year_flags_the_unit_again(units):
    weak = units[0]
    record(weak)
    stored(weak, 2027, 40)
    assert [(r.unit, r.year) for r in flagged_scores()] == [(weak, 2027)]


def _desk_item(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    items = staff_panel(request, today=TODAY)["items"]
    return next(i for i in items if i.label == "专题检讨待登记")


def test_staff_desk_counts_open_flags_until_reviewed(units, staff_user):
    assert _desk_item(staff_user).count == 1
    record(units[0])
    assert _desk_item(staff_user).count == 0


def test_unit_list_shows_the_flag_until_reviewed(units, staff_client):
    page = staff_client.get("/admin/suggestions/handlingunit/").content.decode()
    assert page.count("连续两年低于 60 分，待检讨") == 1
    record(units[0])
    page = staff_client.get("/admin/suggestions/handlingunit/").content.decode()
    assert "连续两年低于 60 分，待检讨" not in page


def test_admin_flagged_list_and_record_form(units, staff_client):
    weak = units[0]
    flagged = staff_client.get("/admin/suggestions/unitreview/flagged/")
    assert flagged.status_code == 200
    url = f"/admin/suggestions/unitreview/record/{weak.pk}/2026/"
    assert url in flagged.content.decode()
    with time_machine.travel(date(2026, 12, 2), tick=False):
        assert staff_client.get(url).status_code == 200
        response = staff_client.post(
            url,
            {
                "held_on": "2026-11-28",
                "attendees": "局领导班子",
                "findings": "沟通不足",
                "measures": "月度调度",
            },
        )
    review = UnitReview.objects.get()
    assert response.status_code == 302 and review.held_on == date(2026, 11, 28)
    detail = staff_client.get(f"/admin/suggestions/unitreview/{review.pk}/change/")
    assert detail.status_code == 200 and "沟通不足" in detail.content.decode()
    assert "已登记" in staff_client.get("/admin/suggestions/unitreview/flagged/").content.decode()


def test_admin_record_form_refuses_odd_addresses(units, staff_client):
    _weak, once, _edge = units
    for url in (
        f"/admin/suggestions/unitreview/record/{once.pk}/2026/",  # not flagged
        "/admin/suggestions/unitreview/record/999999/2026/",
        f"/admin/suggestions/unitreview/record/{units[0].pk}/99999999999999999999/",
    ):
        assert staff_client.get(url).status_code == 404


def test_admin_record_form_shows_a_refusal(units, staff_client):
    weak = units[0]
    url = f"/admin/suggestions/unitreview/record/{weak.pk}/2026/"
    with time_machine.travel(date(2026, 12, 2), tick=False):
        response = staff_client.post(
            url,
            {"held_on": "2027-01-05", "attendees": "a", "findings": "b", "measures": "c"},
        )
    assert response.status_code == 200
    assert (ERR_REVIEW_DATE % {"year": 2026}) in response.content.decode()
    assert not UnitReview.objects.exists()


def test_scores_page_says_the_review_was_held(staff_client):
    from tests.suggestions.test_ratings_scoring import scored

    weak = HandlingUnitFactory(name="丁局")
    scored(weak, 2025, 50, [50])
    scored(weak, 2026, 40, [60])
    stored(weak, 2025, 50)
    stored(weak, 2026, 50)
    record(weak)
    body = staff_client.get("/suggestions/staff/scores/?year=2026").content.decode()
    assert "已于 2026-11-20 开展专题检讨" in body


def test_flagged_page_costs_the_same_with_more_units(staff_client):
    from tests.core.admin_queries import assert_flat

    def weak_units(n):
        for _i in range(n):
            unit = HandlingUnitFactory()
            stored(unit, 2025, 50)
            stored(unit, 2026, 40)

    weak_units(5)
    url = "/admin/suggestions/unitreview/flagged/"
    assert_flat(staff_client, [url], lambda: weak_units(45))
    assert staff_client.get(url).content.decode().count("登记专题检讨") >= 50
