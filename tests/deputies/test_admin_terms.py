"""The change-over page of the term admin (开启新一届) and the term history of a deputy."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from deputies.models import Deputy, Status, Term
from deputies.terms import ERR_GAP
from performance.models import ConsequenceDecision, ConsequenceKind, Decision
from tests.deputies.factories import DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db

CHANGE_OVER = "/admin/deputies/term/change-over/"
AFTER_NEW_YEAR = datetime(2027, 1, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def staff_after_new_year(client, staff_user):
    """Staff in the first days of the 18th term (logged in then, so the session is fresh)."""
    with time_machine.travel(AFTER_NEW_YEAR, tick=False):
        client.force_login(staff_user)
        yield client


@pytest.fixture
def roster():
    term = TermFactory(number=17, start_date=date(2022, 1, 1), end_date=date(2026, 12, 31))
    recommended = DeputyFactory(code="Z9", term=term)
    ConsequenceDecision.objects.create(
        deputy=recommended,
        year=2026,
        kind=ConsequenceKind.REELECTION,
        decision=Decision.RECOMMENDED,
        decided_on=date(2026, 12, 20),
    )
    return {"recommended": recommended, "other": DeputyFactory(code="A1", term=term)}


def test_page_is_prefilled_with_the_next_term_and_the_recommended_first(
    staff_after_new_year, roster
):
    response = staff_after_new_year.get(CHANGE_OVER)
    assert response.status_code == 200
    form = response.context["form"]
    assert (
        form["number"].value(),
        form["start_date"].value(),
        form["end_date"].value(),
    ) == (18, date(2027, 1, 1), date(2031, 12, 31))
    rows = [(d.code, recommended, checked) for d, recommended, checked in response.context["rows"]]
    assert rows == [("Z9", True, True), ("A1", False, False)]
    body = response.content.decode()
    assert "推荐连任" in body and 'value="2027-01-01"' in body


def test_staff_change_over_in_the_admin(staff_after_new_year, roster):
    response = staff_after_new_year.post(
        CHANGE_OVER,
        {
            "number": 18,
            "start_date": "2027-01-01",
            "end_date": "2031-12-31",
            "continuing": [roster["recommended"].pk],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/deputies/term/"
    assert "已开启第18届：连任 1 名，届满离任 1 名。" in response.content.decode()
    assert Deputy.objects.get(code="Z9").term.number == 18
    assert Deputy.objects.get(code="A1").status == Status.TERM_ENDED


def test_a_refused_change_over_says_why_and_writes_nothing(staff_after_new_year, roster):
    response = staff_after_new_year.post(
        CHANGE_OVER,
        {"number": 18, "start_date": "2027-02-01", "end_date": "2031-12-31", "continuing": []},
    )
    assert response.status_code == 200
    assert ERR_GAP % {"next": "2027-01-01"} in response.content.decode()
    assert Term.objects.count() == 1
    assert Deputy.objects.filter(status=Status.SERVING).count() == 2


def test_term_list_offers_the_change_over(staff_client, roster):
    body = staff_client.get("/admin/deputies/term/").content.decode()
    assert "开启新一届（换届）" in body and CHANGE_OVER in body


def test_only_staff_reach_the_change_over(deputy_client, roster):
    response = deputy_client.get(CHANGE_OVER)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_deputy_page_shows_the_term_history(staff_after_new_year, roster):
    staff_after_new_year.post(
        CHANGE_OVER,
        {
            "number": 18,
            "start_date": "2027-01-01",
            "end_date": "2031-12-31",
            "continuing": [roster["recommended"].pk],
        },
    )
    body = staff_after_new_year.get(
        f"/admin/deputies/deputy/{roster['recommended'].pk}/change/"
    ).content.decode()
    assert "历届任职" in body
    assert "第18届" in body and "第17届" in body and "连任下一届" in body
