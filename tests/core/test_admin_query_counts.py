"""The staff desk (admin index) and the core admin lists at two sizes: the same number of
queries with a little data and with more; the audit log and notification lists' filters and
pagination never read every row, and odd parameters never answer 500."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import reverse
from django.utils import timezone

from core.admin_reading import LargeTablePaginator
from core.audit import audit_record
from core.models import AuditEvent, CalendarDay, Notification
from tests.accounts.factories import StaffUserFactory
from tests.core.admin_queries import assert_flat, page_queries
from tests.core.test_staff_desk import build_performance, build_roster, build_suggestions
from tests.deputies.factories import DeputyWithUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def test_staff_desk_costs_the_same_at_two_sizes(staff_client):
    def grow(times: int) -> None:
        for _i in range(times):
            build_performance(DeputyWithUserFactory())
            build_suggestions()
            build_roster()

    grow(1)
    assert_flat(staff_client, [reverse("admin:index")], lambda: grow(2))


def _log(n: int, actor) -> None:
    for i in range(n):
        audit_record(actor=actor, action=f"core.test_{i % 3}", summary=f"第{i}条")
        Notification.objects.create(
            recipient=actor, kind=f"suggestion.kind{i % 3}", title=f"通知{i}"
        )
        CalendarDay.objects.get_or_create(
            date=date(2030, 1, 1) + timedelta(days=i), defaults={"kind": "holiday", "name": "节"}
        )


def test_core_lists_cost_the_same_at_two_sizes(staff_client, staff_user):
    _log(3, staff_user)
    year = timezone.localdate().year
    urls = [
        reverse("admin:core_auditevent_changelist"),
        reverse("admin:core_auditevent_changelist") + f"?year={year}&action=core.test_1",
        reverse("admin:core_notification_changelist"),
        reverse("admin:core_notification_changelist") + f"?kind=suggestion.kind1&year={year}",
        reverse("admin:accounts_user_changelist"),
    ]
    calendar = reverse("admin:core_calendarday_changelist")  # prefilled: a full page already
    page_queries(staff_client, calendar)
    calendar_queries = page_queries(staff_client, calendar)[0]

    def grow():
        _log(22, staff_user)
        for _i in range(5):
            StaffUserFactory()

    assert_flat(staff_client, urls, grow)
    assert page_queries(staff_client, calendar)[0] == calendar_queries


def test_value_and_year_filters_offer_what_the_rows_hold(staff_client, staff_user):
    _log(3, staff_user)
    response = staff_client.get(reverse("admin:core_auditevent_changelist"))
    filters = {
        f.title: [c["display"] for c in f.choices(response.context["cl"])]
        for f in response.context["cl"].filter_specs
    }
    assert [c for c in filters["操作"] if str(c).startswith("core.")] == [
        "core.test_0",
        "core.test_1",
        "core.test_2",
    ]
    assert str(timezone.localdate().year) in [str(c) for c in filters["年份"]]
    response = staff_client.get(reverse("admin:core_auditevent_changelist") + "?action=core.test_1")
    assert [e.action for e in response.context["cl"].result_list] == ["core.test_1"]


def test_the_actor_filter_offers_the_system_and_each_staff_account_by_name(staff_client):
    StaffUserFactory(username="zhangwei", full_name="张伟")
    StaffUserFactory(username="lina", full_name="", first_name="Na", last_name="Li")
    StaffUserFactory(username="plain", full_name="", first_name="", last_name="")
    response = staff_client.get(reverse("admin:core_auditevent_changelist"))
    specs = response.context["cl"].filter_specs
    actors = next(f for f in specs if getattr(f, "parameter_name", "") == "actor")
    labels = dict(actors.lookup_choices)
    assert labels["system"] == "系统（无操作人）"
    assert {"张伟（zhangwei）", "Na Li（lina）", "plain（plain）"} <= set(labels.values())
    from accounts.models import User

    assert len(labels) == 1 + User.objects.filter(is_staff=True).count()  # and no one else


def _never_analysed(*tables: str) -> None:
    """The tables' planner statistics as before any ANALYZE (undone with the test's
    transaction): autovacuum may have analysed rows an earlier test wrote and rolled back,
    and an unfiltered list would then take that estimate instead of counting."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = %s::regclass",
                [table],
            )


def test_a_big_list_counts_at_most_its_cap(staff_client, staff_user, monkeypatch):
    """Past ``max_rows`` the count stops and says so; paging stops there too."""
    monkeypatch.setattr(LargeTablePaginator, "max_rows", 4)
    _log(6, staff_user)
    _never_analysed("core_notification", "core_auditevent")
    response = staff_client.get(reverse("admin:core_notification_changelist"))
    cl = response.context["cl"]
    assert cl.paginator.capped and cl.result_count == 4
    assert "4 以上" in response.content.decode()
    paginator = LargeTablePaginator(Notification.objects.order_by("pk"), 2)
    assert paginator.num_pages == 2  # 4 rows reachable, not 6
    assert LargeTablePaginator(AuditEvent.objects.all(), 2).count == 4


def test_an_unfiltered_list_takes_the_estimate_or_the_count_in_one_query(staff_user):
    """On PostgreSQL the planner's estimate and the capped count are one statement (the count
    runs only where the estimate is not past the cap); the figures are what they were."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _log(6, staff_user)
    _never_analysed("core_notification")
    for max_rows, expected in ((10, 6), (4, 4)):
        paginator = LargeTablePaginator(Notification.objects.order_by("pk"), 2)
        paginator.max_rows = max_rows
        with CaptureQueriesContext(connection) as captured:
            assert paginator.count == expected
        assert len(captured) == 1
        assert paginator.capped == (expected < 6) and not paginator.approximate
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_notification")
    paginator = LargeTablePaginator(Notification.objects.order_by("pk"), 2)
    paginator.max_rows = 1
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count >= 1  # the estimate
    assert len(captured) == 1 and paginator.approximate and not paginator.capped
    filtered = LargeTablePaginator(Notification.objects.filter(kind="x").order_by("pk"), 2)
    filtered.max_rows = 1
    assert filtered.count == 0 and not filtered.approximate


def test_an_unfiltered_list_past_the_exact_count_shows_the_estimate(
    staff_client, staff_user, monkeypatch
):
    """Past ``exact_up_to`` rows the plain list shows "约 N" (the estimate: no row read), and
    says nothing of a paging limit it has not reached; a filter counts its rows exactly."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    monkeypatch.setattr(LargeTablePaginator, "exact_up_to", 3)
    _log(6, staff_user)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_notification")
    response = staff_client.get(reverse("admin:core_notification_changelist"))
    cl = response.context["cl"]
    assert cl.paginator.approximate and not cl.paginator.capped
    assert not cl.paginator.past_paging
    html = response.content.decode()
    assert f"约 {cl.result_count}" in html and "可翻阅前" not in html
    kind0 = Notification.objects.filter(kind="suggestion.kind0").order_by("pk")
    filtered = LargeTablePaginator(kind0, 2)
    filtered.exact_up_to = 1
    assert filtered.count == 2
    assert not filtered.approximate
    monkeypatch.setattr(LargeTablePaginator, "max_rows", 4)
    response = staff_client.get(reverse("admin:core_notification_changelist"))
    assert response.context["cl"].paginator.past_paging
    assert "可翻阅前 4 条" in response.content.decode()


HUGE = "9" * 30
ODD_QUERIES = [
    "p=999",
    "p=abc",
    "o=abc",
    "o=99",
    "o=3",  # a column without an index: ignored
    "year=abc",
    "year=99999",
    f"year={HUGE}",
    "action=nosuch",
    "kind=",
    "target_type=x",
    "read_at__isempty=abc",
    "nosuchfilter=1",
    "_facets=1",
    "q=" + "审" * 500,
    ERROR_FLAG + "=1",
]


@pytest.mark.parametrize("name", ["core_auditevent", "core_notification", "core_calendarday"])
def test_core_lists_survive_odd_parameters(staff_client, staff_user, name):
    _log(3, staff_user)
    for query in ODD_QUERIES:
        path = reverse(f"admin:{name}_changelist") + "?" + query
        response = staff_client.get(path, follow=True)
        assert response.status_code < 500, path


def test_a_year_that_is_none_is_the_invalid_lookup_page(staff_client, staff_user):
    _log(1, staff_user)
    response = staff_client.get(reverse("admin:core_auditevent_changelist") + "?year=abc")
    assert response.status_code == 302
    assert response.url.endswith(f"?{ERROR_FLAG}=1")
    assert page_queries(staff_client, response.url)[1] == AuditEvent.objects.count()
