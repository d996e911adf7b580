"""Every list of the API reads a fixed number of queries whatever the number of rows: the
count is taken with one row, then asserted with five (and more on the page), after a warm-up
request (a token's first use and the throttle's first hit of the window write once)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.notifications import notification_send
from performance.models import EntryEvidence
from suggestions.models import HandlingUnit
from tests.performance.factories import LedgerEntryFactory, rule_set
from tests.performance.factories_pages import PNG
from tests.suggestions import helpers
from tests.suggestions.factories import HandlingUnitFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def _entries(deputy, n):
    for _ in range(n):
        entry = LedgerEntryFactory(deputy=deputy, year=2026)
        EntryEvidence.objects.create(
            entry=entry, file=SimpleUploadedFile("p.png", PNG), name="p.png"
        )


def _suggestions(deputy, n):
    for _ in range(n):
        SuggestionFactory(lead_deputy=deputy)


def _notes(user, n):
    for i in range(n):
        notification_send(recipient=user, kind="test", title=f"通知{i}", dedupe_key=None)


def _duties(deputy, n):
    from tests.liaison.factories import DutyFactory

    for i in range(n):
        DutyFactory(deputy=deputy, reception_day__date=date(2026, 6, 1 + i))


def _courses(deputy, n):
    from tests.training import factories as tf

    for _ in range(n):
        course = tf.CourseFactory()
        tf.CourseSessionFactory(course=course, date=date(2026, 5, 10))
        tf.EnrollmentFactory(course=course, deputy=deputy)


def _unit_suggestions(user, n):
    unit = HandlingUnit.objects.filter(users=user).first()
    for _ in range(n):
        helpers.in_handling(unit=unit, on=date(2026, 6, 1), today=date(2026, 6, 15))


@pytest.mark.parametrize(
    ("url", "role", "make"),
    [
        ("/api/v1/ledger/entries/", "deputy", _entries),
        ("/api/v1/suggestions/", "deputy", _suggestions),
        ("/api/v1/notifications/", "deputy", lambda d, n: _notes(d.user, n)),
        ("/api/v1/unit/suggestions/", "unit", lambda u, n: _unit_suggestions(u, n)),
        ("/api/v1/ledger/rules/", "deputy", lambda d, n: None),
        ("/api/v1/me/duties/", "deputy", _duties),
        ("/api/v1/me/courses/", "deputy", _courses),
        ("/api/v1/me/score/?year=2026", "deputy", _entries),
    ],
)
def test_list_queries_do_not_grow(url, role, make, bearer, deputy, django_assert_num_queries):
    rule_set(2026)
    owner = deputy if role == "deputy" else HandlingUnitFactory(with_user=True).users.get()
    client = bearer(owner.user if role == "deputy" else owner)
    make(owner, 1)
    small = _count(client, url)
    make(owner, 5)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    if "count" in response.json() and make is not None and "rules" not in url:
        assert response.json()["count"] == 6  # the rows are really listed
