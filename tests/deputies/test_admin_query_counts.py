"""The deputies admin at two sizes and with odd parameters: the roster list and each deputy's
page cost the same number of queries with 3 deputies as with 25; no query string answers 500."""

import pytest
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.core.admin_queries import assert_flat, page_queries
from tests.deputies.factories import (
    DeputyFactory,
    DeputyWithUserFactory,
    ProfessionalGroupFactory,
)

pytestmark = pytest.mark.django_db

LIST = "admin:deputies_deputy_changelist"


def grow(n: int) -> None:
    for i in range(n):
        group = ProfessionalGroupFactory()
        (DeputyWithUserFactory if i % 2 else DeputyFactory)(group=group)


def test_roster_list_costs_the_same_at_two_sizes(staff_client):
    grow(3)
    base = reverse(LIST)
    urls = [
        base,
        f"{base}?status__exact=serving&user__isnull=True",  # the staff desk's card
        f"{base}?level__exact=street",
        f"{base}?o=2",
        f"{base}?q=1",
        reverse("admin:deputies_constituency_changelist"),
        reverse("admin:deputies_professionalgroup_changelist"),
    ]
    assert_flat(staff_client, urls, lambda: grow(22))


def test_deputy_page_costs_the_same_as_the_roster_grows(staff_client):
    deputy = DeputyWithUserFactory()
    grow(3)
    url = reverse("admin:deputies_deputy_change", args=[deputy.pk])
    for _i in range(2):
        staff_client.get(url)
    before, _rows = page_queries(staff_client, url)
    grow(22)
    assert page_queries(staff_client, url)[0] == before


HUGE = "9" * 30
ODD_QUERIES = [
    "p=999",
    "p=abc",
    "p=-1",
    "o=abc",
    "o=99",
    "o=1.abc.-",
    "o=6",  # a column without an index: ignored
    "nosuchfilter=1",
    "constituency__nosuchfield=1",
    "constituency__id__exact=abc",
    f"constituency__id__exact={HUGE}",
    "group__id__exact=abc",
    "term__id__exact=abc",
    "status__exact=nonsense",
    "level__exact=nonsense",
    "user__isnull=maybe",
    "_facets=1",
    "q=" + "代" * 500,
    "all=&p=abc",
    ERROR_FLAG + "=1",
]


@pytest.mark.parametrize("name", ["deputy", "constituency", "professionalgroup", "term"])
def test_changelists_survive_odd_parameters(staff_client, name):
    grow(3)
    for query in ODD_QUERIES:
        path = reverse(f"admin:deputies_{name}_changelist") + "?" + query
        response = staff_client.get(path, follow=True)
        assert response.status_code < 500, path


def test_sorting_on_a_column_without_an_index_keeps_the_roster_order(staff_client):
    """``o=`` on the constituency column (no index) is ignored: the list stays in code order."""
    grow(4)
    response = staff_client.get(reverse(LIST) + "?o=-5")
    codes = [d.code for d in response.context["cl"].result_list]
    assert codes == sorted(codes)


def test_roster_list_reads_its_filters_choices_in_one_statement(staff_client):
    """The constituencies', groups' and terms' choices come with the page's one sidebar
    statement on PostgreSQL (``core.admin_sidebar``): the session's user, the sidebar, the
    bounded count and the page's rows; elsewhere each of the three reads its own."""
    grow(3)
    url = reverse(LIST)
    page_queries(staff_client, url)
    with CaptureQueriesContext(connection) as captured:
        staff_client.get(url)
    sql = [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE "))]
    own_reads = [
        s for s in sql if s.lstrip().startswith('SELECT "deputies_') and "deputies_deputy" not in s
    ]
    if connection.vendor == "postgresql":
        assert own_reads == []
        assert sum("JSON_AGG(JSON_BUILD_ARRAY(" in s for s in sql) == 1
        assert len(sql) == 4, sql  # was 6: each of the three filters read its own choices
    else:
        assert len(own_reads) == 3


def test_roster_rows_show_each_deputys_constituency_and_group(staff_client):
    """The constituency and the group are read as names by the list's joins, not as models:
    each row shows its own, and a deputy in no group shows the list's empty mark."""
    grouped = DeputyFactory(group=ProfessionalGroupFactory())
    loose = DeputyFactory(group=None)
    response = staff_client.get(reverse(LIST))
    admin_ = response.context["cl"].model_admin
    rows = {row.pk: row for row in response.context["cl"].result_list}
    body = response.content.decode()
    for deputy in (grouped, loose):
        assert admin_.constituency_name(rows[deputy.pk]) == str(deputy.constituency)
    assert admin_.group_name(rows[grouped.pk]) == str(grouped.group)
    assert admin_.group_name(rows[loose.pk]) is None
    assert f'<td class="field-group_name">{grouped.group}</td>' in body
    assert f'<td class="field-constituency_name">{loose.constituency}</td>' in body
