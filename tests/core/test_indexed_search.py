"""The admin's search box on big lists (core.admin_search, core.search): it finds what
Django's ``icontains`` search found (any substring, Chinese or Latin, one character or many,
every term), and on PostgreSQL the n-gram index can answer it, so no search reads every row."""

import pytest
from django.db import connection
from django.urls import reverse

from performance.models import LedgerEntry
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    zhang = DeputyFactory(name="张建国", code="Z0001")
    li = DeputyFactory(name="李秀英", code="L0002")
    return {
        "road": LedgerEntryFactory(deputy=zhang, title="调研老旧小区道路改造"),
        "school": LedgerEntryFactory(deputy=li, title="视察学校食堂 100% 达标"),
        "visit": LedgerEntryFactory(deputy=li, title="走访联系群众"),
    }


def _found(client, term: str) -> set[str]:
    response = client.get(reverse("admin:performance_ledgerentry_changelist"), {"q": term})
    assert response.status_code == 200
    return {entry.title for entry in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "term,expected",
    [
        ("道路", {"调研老旧小区道路改造"}),  # two characters, the usual Chinese term
        ("路", {"调研老旧小区道路改造"}),  # one character
        ("老旧小区道路改造", {"调研老旧小区道路改造"}),  # a long phrase
        ("张建国", {"调研老旧小区道路改造"}),  # the deputy's name
        ("l0002", {"视察学校食堂 100% 达标", "走访联系群众"}),  # code, any case
        ("李秀英 走访", {"走访联系群众"}),  # every term must match
        ("100%", {"视察学校食堂 100% 达标"}),  # a wildcard character is literal
        ("_", set()),
        ("不存在", set()),
    ],
)
def test_the_search_finds_what_icontains_finds(staff_client, entries, term, expected):
    assert _found(staff_client, term) == expected
    assert expected == {
        entry.title
        for entry in LedgerEntry.objects.all()
        if all(
            bit.upper() in f"{entry.title} {entry.deputy.name} {entry.deputy.code}".upper()
            for bit in term.split()
        )
    }


def test_the_suggestion_and_audit_lists_search_the_same_way(staff_client, entries):
    response = staff_client.get(reverse("admin:core_auditevent_changelist"), {"q": "不存在的"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    response = staff_client.get(reverse("admin:suggestions_suggestion_changelist"), {"q": "道路"})
    assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the n-gram index is PostgreSQL's")
def test_the_ngram_index_can_answer_a_title_search(entries):
    queryset = LedgerEntry.objects.filter(title__contains_text="道路")
    assert [entry.title for entry in queryset] == ["调研老旧小区道路改造"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Unordered: sorted by date, the planner may walk the date index instead once the
        # table's statistics say it is small, which says nothing of the n-gram index.
        plan = queryset.order_by().explain()
    assert "performance_entry_title_ngram" in plan
