"""A big list's page is read by a prepared statement (``core.admin_lists.read_prepared``) and
counted by one (``estimate_or_count``): the same rows, model instances, related objects and
annotations as the plain queryset, in the same number of queries."""

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext

from core.admin_reading import estimate_or_count, read_prepared
from core.models import Notification
from tests.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes():
    user = StaffUserFactory()
    for i in range(7):
        Notification.objects.create(recipient=user, kind=f"kind{i % 3}", title=f"通知 %{i}")
    return user


def _rows(queryset):
    return [
        (row.pk, row.kind, row.title, row.created_at, row.recipient.username, row.label)
        for row in queryset
    ]


def test_the_prepared_page_is_the_plain_page(notes):
    queryset = (
        Notification.objects.select_related("recipient")
        .annotate(label=F("kind"), flag=Value("50%"))
        .filter(title__contains="%")
        .order_by("-pk")[1:5]
    )
    with CaptureQueriesContext(connection) as plain_queries:
        plain = _rows(queryset.all())
    for _ in range(2):  # prepared once, then run again
        with CaptureQueriesContext(connection) as prepared_queries:
            prepared = _rows(read_prepared(queryset.all()))
        assert prepared == plain and len(prepared) == 4
        assert len(prepared_queries) == len(plain_queries) == 1
    assert [n.flag for n in read_prepared(queryset.all())] == ["50%"] * 4
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"core_notification"%LIMIT 4 OFFSET 1%'],
            )
            assert cursor.fetchone()[0] == 1


def test_an_empty_filter_reads_nothing(notes):
    with CaptureQueriesContext(connection) as captured:
        assert list(read_prepared(Notification.objects.filter(pk__in=[]))) == []
        assert estimate_or_count(Notification.objects.filter(pk__in=[]), 10) == (None, 0)
    assert len(captured) == 0


def test_counts_are_capped_and_filtered(notes):
    assert estimate_or_count(Notification.objects.filter(kind="kind0"), 10) == (None, 3)
    assert estimate_or_count(Notification.objects.filter(title__contains="%"), 5) == (None, 6)
    assert estimate_or_count(Notification.objects.filter(kind="none"), 10) == (None, 0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_a_kept_pages_converters_are_worked_out_once(notes, monkeypatch):
    """The columns' converters (``created_at`` made aware, the annotation's value) are kept with
    the page's statement: the second read asks Django for none and gives the same rows."""
    from django.db.models.sql.compiler import SQLCompiler

    from core.admin_reading import forget_plans

    forget_plans()
    queryset = (
        Notification.objects.select_related("recipient")
        .annotate(label=F("kind"))
        .order_by("-pk")[:5]
    )
    asked = []
    plain = SQLCompiler.get_converters

    def counting(self, expressions):
        asked.append(len(expressions))
        return plain(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counting)
    first = _rows(read_prepared(queryset.all(), plan_key=("notes-test", 1)))
    worked_out = len(asked)
    again = _rows(read_prepared(queryset.all(), plan_key=("notes-test", 1)))
    assert again == first == _rows(queryset.all()) and len(first) == 5
    assert worked_out >= 1 and len(asked) == worked_out + 1  # only the plain read above asked
    assert all(row[3].tzinfo is not None for row in again)  # converted as Django converts
