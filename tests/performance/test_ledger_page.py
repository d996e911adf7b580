"""The deputy's ledger page reads the year's entries once (``selectors.year_entry_lines``) and
takes from them its counts by status, the breakdown's verified entries and the page it lists:
what it shows is what the database holds, in a fixed number of queries (issue #8)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from performance.models import EntryStatus, LedgerEntry
from performance.scoring import assessment_compute
from performance.services import publication_publish
from tests.performance.factories_pages import entry, evidence, this_year

# The pages' tests' clock, pinned inside the demo term of the deputy factories (2022-2026).
from tests.performance.test_views import _pinned_clock  # noqa: F401

pytestmark = pytest.mark.django_db

STATES = [EntryStatus.VERIFIED, EntryStatus.PENDING, EntryStatus.VERIFIED, EntryStatus.REJECTED]


def _entries(deputy, n: int, year: int) -> list[LedgerEntry]:
    """``n`` entries of ``year`` in turning states, two on each day (the list's tie on the
    date is broken by the id), every third with a photo."""
    first = timezone.localdate().replace(year=year, month=1, day=2)
    made = []
    for i in range(n):
        status = STATES[i % len(STATES)]
        made.append(
            entry(
                deputy,
                ["B01", "B02", "I01", "C03"][i % 4],
                status=status,
                year=year,
                occurred_on=first + timedelta(days=i // 2),
                title=f"{year} 记录 {i:02d}",
                review_reason="照片看不清" if status == EntryStatus.REJECTED else "",
            )
        )
        if i % 3 == 0:
            evidence(made[-1])
    return made


def _listed(response) -> list[tuple[str, str, int]]:
    return [(e.title, e.status, e.evidence_count) for e in response.context["page"]]


def _expected(deputy, year: int, status: str = "") -> list[tuple[str, str, int]]:
    entries = LedgerEntry.objects.filter(deputy=deputy, rule__rule_set__year=year)
    if status:
        entries = entries.filter(status=status)
    return [
        (e.title, e.status, e.evidence.count()) for e in entries.order_by("-occurred_on", "-pk")
    ]


def test_the_ledger_lists_counts_and_explains_what_the_database_holds(
    deputy_client, deputy, other_deputy
):
    year = this_year()
    _entries(deputy, 27, year)
    _entries(deputy, 5, year - 1)
    _entries(other_deputy, 6, year)
    assessment_compute(year=year)
    url = reverse("performance:my_ledger")

    first, second = deputy_client.get(url), deputy_client.get(url, {"page": 2})
    expected = _expected(deputy, year)
    assert _listed(first) + _listed(second) == expected and len(_listed(first)) == 20
    assert "附件 1" in first.text and "照片看不清" in first.text
    statuses = {value: n for value, _label, n in first.context["statuses"]}
    assert statuses == {
        state: LedgerEntry.objects.filter(
            deputy=deputy, rule__rule_set__year=year, status=state
        ).count()
        for state in EntryStatus.values
    }
    assert first.context["total_entries"] == 27

    rejected = deputy_client.get(url, {"status": EntryStatus.REJECTED})
    assert _listed(rejected) == _expected(deputy, year, EntryStatus.REJECTED)
    past = deputy_client.get(url, {"year": year - 1})
    assert _listed(past) == _expected(deputy, year - 1)

    # The breakdown lists each rule's verified entries, oldest first.
    explained = {
        line.rule.code: [e.title for e in line.entries]
        for dimension in first.context["breakdown"]
        for line in dimension.rules
    }
    verified = LedgerEntry.objects.filter(
        deputy=deputy, rule__rule_set__year=year, status=EntryStatus.VERIFIED
    ).order_by("occurred_on", "pk")
    assert explained["B01"] == [e.title for e in verified if e.rule.code == "B01"]
    assert explained["I01"] == [e.title for e in verified if e.rule.code == "I01"]
    assert sum(map(len, explained.values())) == verified.count()
    assert first.context["years"] == [year, year - 1]


def test_the_ledger_links_the_standings_only_in_a_published_year(deputy_client, deputy):
    year = this_year()
    _entries(deputy, 3, year)
    _entries(deputy, 3, year - 1)
    url, standings = reverse("performance:my_ledger"), reverse("performance:standings")
    assert standings not in deputy_client.get(url).text
    publication_publish(year=year, quarter=1)
    assert f"{standings}?year={year}" in deputy_client.get(url).text
    past = deputy_client.get(url, {"year": year - 1})
    assert not past.context["published"] and standings not in past.text
    assert past.context["years"] == [year, year - 1]


def test_a_year_without_rules_reads_no_entries(deputy_client, deputy):
    _entries(deputy, 3, this_year())
    response = deputy_client.get(reverse("performance:my_ledger"), {"year": this_year() + 3})
    assert list(response.context["page"]) == [] and response.context["total_entries"] == 0
    assert response.context["years"] == [this_year() + 3, this_year()]


def test_the_ledger_reads_in_three_queries(deputy_client, deputy):
    """The user with the deputy's record (core.user_backend); the year's rule set and its
    rules, the assessment, disputes, commendations, the years and the year's publication in one
    statement (performance.ledger_side; six before); the year's entries with their evidence
    counted (twelve before all: counts by status, verified entries, the page and its
    evidence counts were four reads, the years and the publication two, the deputy's record
    one). The request's savepoints, which depend on the test's transaction,
    are left out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _entries(deputy, 30, this_year())
    assessment_compute(year=this_year())
    publication_publish(year=this_year(), quarter=1)
    url = reverse("performance:my_ledger")
    deputy_client.get(url)  # per-process compilations
    with CaptureQueriesContext(connection) as done:
        assert deputy_client.get(url, {"page": 2}).status_code == 200
    reads = [q["sql"] for q in done.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(reads) == 3, reads
