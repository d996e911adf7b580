"""Commendations (表彰、评先创优): only the year's 优秀 deputies, only once the year has ended;
each commended deputy credited C04 once; withdrawal and correction keep a record."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.audit import AuditEvent
from performance.models import Assessment, Commendation, CommendedDeputy, Grade, LedgerEntry
from performance.services import (
    ERR_COMMEND_DATE,
    ERR_COMMEND_DOCUMENT,
    ERR_COMMEND_LAST,
    ERR_COMMEND_NO_DEPUTIES,
    ERR_COMMEND_NOT_EXCELLENT,
    ERR_COMMEND_WITHDRAWN,
    ERR_COMMEND_YEAR_OPEN,
    ERR_NOT_PERMITTED,
    LedgerError,
    commendation_candidates,
    commendation_decide,
    commendation_deputy_remove,
    commendation_withdraw,
)
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import rule_set

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def graded(deputy, grade, year=2025, rank=1):
    return Assessment.objects.create(
        rule_set=rule_set(year), deputy=deputy, base=60, innovation=20, contribution=10,
        total=Decimal("90"), rank=rank, assessed_count=10, grade=grade, level=deputy.level,
        computed_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def excellent():
    rule_set(2026)  # the decision year's rules, so C04 can be credited
    return [graded(DeputyFactory(), Grade.EXCELLENT, rank=i).deputy for i in (1, 2)]


def decide(deputies, actor=None, **overrides):
    kwargs = {
        "actor": actor,
        "year": 2025,
        "title": "2025年度优秀人大代表",
        "decided_on": date(2026, 3, 1),
        "document_no": "街人大工委〔2026〕3号",
        "deputy_ids": [d.pk for d in deputies],
        "today": TODAY,
    }
    return commendation_decide(**{**kwargs, **overrides})


def test_decision_records_deputies_with_their_assessment_and_credits_c04(excellent):
    commendation = decide(excellent)
    rows = list(commendation.commended.order_by("assessment__rank"))
    assert [r.deputy for r in rows] == excellent
    assert all(r.assessment.grade == Grade.EXCELLENT for r in rows)
    assert commendation.deciding_body  # the committee's name by default
    credits = LedgerEntry.objects.filter(rule__code="C04", deputy__in=excellent)
    assert credits.count() == 2
    assert {e.occurred_on for e in credits} == {date(2026, 3, 1)}
    assert AuditEvent.objects.filter(action="performance.commendation_decide").count() == 1


def test_a_deputy_not_excellent_is_named_and_nothing_is_written(excellent):
    competent = graded(DeputyFactory(name="王平"), Grade.COMPETENT).deputy
    with pytest.raises(LedgerError) as exc:
        decide([*excellent, competent])
    assert str(exc.value) == ERR_COMMEND_NOT_EXCELLENT % {"deputy": competent, "year": 2025}
    assert "王平" in str(exc.value)
    assert not Commendation.objects.exists() and not LedgerEntry.objects.exists()


def test_a_deputy_without_assessment_is_refused(excellent):
    unassessed = DeputyFactory()
    with pytest.raises(LedgerError, match=str(unassessed)):
        decide([unassessed])


def test_running_year_and_bad_dates_are_refused(excellent):
    with pytest.raises(LedgerError) as exc:
        decide(excellent, year=2026)
    assert str(exc.value) == ERR_COMMEND_YEAR_OPEN % {"year": 2026}
    for day in (date(2025, 12, 30), date(2026, 3, 11)):
        with pytest.raises(LedgerError) as exc:
            decide(excellent, decided_on=day)
        assert str(exc.value) == ERR_COMMEND_DATE % {"year": 2025}
    with pytest.raises(LedgerError) as exc:
        decide([])
    assert str(exc.value) == ERR_COMMEND_NO_DEPUTIES


def test_only_staff_decide(excellent, deputy):
    with pytest.raises(LedgerError) as exc:
        decide(excellent, actor=deputy.user)
    assert str(exc.value) == ERR_NOT_PERMITTED


def test_same_document_twice_is_refused(excellent):
    decide(excellent)
    with pytest.raises(LedgerError) as exc:
        decide(excellent)
    assert str(exc.value) == ERR_COMMEND_DOCUMENT % {"year": 2025, "no": "街人大工委〔2026〕3号"}


def test_one_row_per_deputy_and_decision_in_the_database(excellent):
    from django.db import IntegrityError, transaction

    commendation = decide(excellent[:1])
    row = commendation.commended.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommendedDeputy.objects.create(
            commendation=commendation, deputy=row.deputy, assessment=row.assessment
        )


def test_withdraw_keeps_the_record_and_takes_the_credit_back(excellent, staff_user):
    commendation = decide(excellent)
    with pytest.raises(LedgerError):
        commendation_withdraw(actor=staff_user, commendation=commendation, reason=" ")
    commendation_withdraw(
        actor=staff_user, commendation=commendation, reason="文件撤回", today=TODAY
    )
    commendation.refresh_from_db()
    assert (commendation.withdrawn_on, commendation.withdraw_reason) == (TODAY, "文件撤回")
    assert not LedgerEntry.objects.filter(rule__code="C04").exists()
    with pytest.raises(LedgerError) as exc:
        commendation_withdraw(actor=staff_user, commendation=commendation, reason="again")
    assert str(exc.value) == ERR_COMMEND_WITHDRAWN


def test_correction_removes_one_deputy_and_their_credit(excellent, staff_user):
    commendation = decide(excellent)
    first, second = excellent
    commendation_deputy_remove(
        actor=staff_user, commendation=commendation, deputy=first, reason="误列"
    )
    assert list(commendation.deputies.all()) == [second]
    assert list(LedgerEntry.objects.filter(rule__code="C04").values_list("deputy", flat=True)) == [
        second.pk
    ]
    assert AuditEvent.objects.filter(action="performance.commendation_deputy_remove").exists()
    with pytest.raises(LedgerError) as exc:
        commendation_deputy_remove(
            actor=staff_user, commendation=commendation, deputy=second, reason="误列"
        )
    assert str(exc.value) == ERR_COMMEND_LAST


def test_candidates_are_the_years_excellent_grades_best_first(excellent):
    graded(DeputyFactory(), Grade.COMPETENT, rank=3)
    assert [a.deputy for a in commendation_candidates(2025)] == excellent


def test_admin_decide_page_lists_candidates_and_records(excellent, staff_client):
    url = "/admin/performance/commendation/decide/?year=2025"
    with time_machine.travel(date(2026, 3, 10), tick=False):
        page = staff_client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert all(d.name in body for d in excellent)
        response = staff_client.post(
            url,
            {
                "title": "2025年度优秀人大代表",
                "document_no": "〔2026〕5号",
                "deciding_body": "示范街道人大工委",
                "decided_on": "2026-03-02",
                "note": "",
                "deputies": [excellent[0].pk],
            },
        )
    commendation = Commendation.objects.get()
    assert response.status_code == 302
    assert list(commendation.deputies.all()) == [excellent[0]]
    detail = staff_client.get(f"/admin/performance/commendation/{commendation.pk}/change/")
    assert detail.status_code == 200 and excellent[0].name in detail.content.decode()


def test_admin_decide_page_survives_odd_parameters(staff_client):
    for query in ("?year=abc", "?year=99999999999999999999", "?year=1900", ""):
        assert (
            staff_client.get(f"/admin/performance/commendation/decide/{query}").status_code == 200
        )


def test_admin_withdraw_action_asks_a_reason(excellent, staff_client):
    commendation = decide(excellent)
    url = "/admin/performance/commendation/"
    data = {"action": "withdraw", "_selected_action": [commendation.pk]}
    assert staff_client.post(url, data).status_code == 200  # the reason form
    staff_client.post(url, {**data, "apply": "1", "reason": "文件撤回"})
    commendation.refresh_from_db()
    assert commendation.withdrawn


def test_deputy_sees_their_commendation_on_their_ledger(deputy_client, deputy):
    rule_set(2026)
    graded(deputy, Grade.EXCELLENT)
    decide([deputy], title="2025年度优秀人大代表（示例）")
    body = deputy_client.get("/ledger/").content.decode()
    assert "2025年度优秀人大代表（示例）" in body


def test_deputy_does_not_see_a_withdrawn_commendation(deputy_client, deputy):
    rule_set(2026)
    graded(deputy, Grade.EXCELLENT)
    commendation = decide([deputy], title="被撤销的表彰")
    commendation_withdraw(actor=None, commendation=commendation, reason="撤回", today=TODAY)
    assert "被撤销的表彰" not in deputy_client.get("/ledger/").content.decode()


def test_decision_page_costs_the_same_with_more_deputies(staff_client):
    from tests.core.admin_queries import assert_flat

    rule_set(2026)
    first = [graded(DeputyFactory(), Grade.EXCELLENT, rank=1).deputy for _i in range(3)]
    commendation = decide(first)

    def more(n):
        for _i in range(n):
            row = graded(DeputyFactory(), Grade.EXCELLENT, rank=1)
            CommendedDeputy.objects.create(
                commendation=commendation, deputy=row.deputy, assessment=row
            )

    url = f"/admin/performance/commendation/{commendation.pk}/change/"
    assert_flat(staff_client, [url], lambda: more(17))
    assert CommendedDeputy.objects.filter(commendation=commendation).count() == 20
