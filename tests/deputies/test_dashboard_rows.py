"""The dashboard cards' few rows read with the deputy's facts (``deputies.facts.first_rows``):
the coming duties, the replies to evaluate, the latest suggestions and the courses being taken
are the rows, in the order, that the former queries of their own read, for one deputy and not
another; and the dashboard reads them in its one statement of facts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import clock
from liaison.selectors_stations import coming_duties
from suggestions.models import Status, Suggestion
from suggestions.selectors import deputy_suggestions
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory
from tests.suggestions.factories import SuggestionFactory
from tests.suggestions.helpers import replied
from tests.training.factories import CourseFactory, CourseSessionFactory, EnrollmentFactory
from training.selectors_courses import my_enrollments

pytestmark = pytest.mark.django_db


def _panel(client, deputy, template: str) -> dict:
    client.force_login(deputy.user)
    response = client.get("/deputy/")
    assert response.status_code == 200
    return dict(response.context["panels"])[template]


def test_coming_duties_are_the_former_querys(client, deputy, other_deputy):
    today = clock.today()
    station = StationFactory(address="")
    days = [
        ReceptionDayFactory(
            station=station,
            date=today + datetime.timedelta(days=d),
            starts_at=datetime.time(t),
            ends_at=None,
        )
        for d, t in [(0, 14), (2, 9), (2, 8), (9, 9), (-1, 9)]
    ]
    for day in days:
        DutyFactory(reception_day=day, deputy=deputy)
    DutyFactory(reception_day=ReceptionDayFactory(date=today), deputy=other_deputy)
    coming = _panel(client, deputy, "liaison/duty_panel.html")["coming"]
    former = coming_duties(deputy, today=today, limit=3)
    assert [d.pk for d in coming] == [d.pk for d in former] and len(coming) == 3
    for now, then in zip(coming, former, strict=True):
        day, was = now.reception_day, then.reception_day
        assert (day.date, day.starts_at, day.ends_at, day.theme, day.topic) == (
            was.date,
            was.starts_at,
            was.ends_at,
            was.theme,
            was.topic,
        )
        assert (day.station.name, day.station.address) == (was.station.name, was.station.address)
    assert _panel(client, other_deputy, "liaison/duty_panel.html")["coming"][0].pk not in {
        d.pk for d in coming
    }


def test_suggestion_rows_are_the_former_querys(client, deputy, other_deputy):
    """Seven led (six replied), seven co-signed, one both led and co-signed: the five latest
    of the union, and the first five replies in the list's order."""
    led = [replied(lead_deputy=deputy) for _ in range(6)]
    led.append(SuggestionFactory(lead_deputy=deputy))
    led[0].co_signers.add(deputy)
    for _ in range(7):
        SuggestionFactory(lead_deputy=other_deputy).co_signers.add(deputy)
    replied(lead_deputy=other_deputy)
    # Touch them in an order of their own, so the latest are neither all led nor all co-signed.
    for i, pk in enumerate(Suggestion.objects.order_by("?").values_list("pk", flat=True)):
        Suggestion.objects.filter(pk=pk).update(
            updated_at=timezone.now() - datetime.timedelta(minutes=i)
        )
    panel = _panel(client, deputy, "suggestions/_panel.html")
    recent = deputy_suggestions(deputy).order_by("-updated_at", "-pk")[:5]
    assert [s.pk for s in panel["recent"]] == [s.pk for s in recent]
    assert [(s.title, s.status) for s in panel["recent"]] == [(s.title, s.status) for s in recent]
    replies = Suggestion.objects.filter(lead_deputy=deputy, status=Status.REPLIED)[:5]
    assert [(s.pk, s.number, s.title) for s in panel["to_evaluate"]] == [
        (s.pk, s.number, s.title) for s in replies
    ]
    assert panel["total"] == 14
    theirs = _panel(client, other_deputy, "suggestions/_panel.html")
    assert {s.pk for s in theirs["to_evaluate"]} <= set(
        Suggestion.objects.filter(lead_deputy=other_deputy).values_list("pk", flat=True)
    )


def test_courses_taken_are_the_former_querys(client, deputy, other_deputy):
    today = clock.today()
    for year, title in [(today.year, "乙"), (today.year, "甲"), (today.year - 1, "丙")]:
        course = CourseFactory(year=year, title=title)
        CourseSessionFactory(course=course, date=today + datetime.timedelta(days=len(title)))
        EnrollmentFactory(course=course, deputy=deputy)
    EnrollmentFactory(deputy=deputy, completed_on=today)
    EnrollmentFactory(deputy=other_deputy)
    panel = _panel(client, deputy, "training/deputy_panel.html")
    former = list(my_enrollments(deputy, today=today).filter(completed_on__isnull=True))
    assert panel["next"].course.pk == min(former, key=lambda e: e.next_session).course_id
    assert panel["next"].next_session == min(e.next_session for e in former)


def test_the_dashboard_reads_its_rows_with_the_facts(deputy_client, deputy):
    replied(lead_deputy=deputy)
    DutyFactory(reception_day=ReceptionDayFactory(date=clock.today()), deputy=deputy)
    EnrollmentFactory(deputy=deputy)
    deputy_client.get("/deputy/")
    with CaptureQueriesContext(connection) as queries:
        deputy_client.get("/deputy/")
    tables = ("suggestions_suggestion", "liaison_duty", "training_enrollment")
    read = [
        q["sql"] for q in queries if q["sql"].startswith(tuple(f'SELECT "{t}".' for t in tables))
    ]
    assert not read and sum('"fact_0"' in q["sql"] for q in queries) == 1
