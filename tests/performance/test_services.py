"""Ledger writes: crediting, submitting, reviewing, evidence, bad input, activities, disputes,
voter reports, publication and rule sets."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.test import override_settings
from django.utils import timezone

from deputies.models import Level, Status
from performance import services, tasks
from performance.models import (
    ERR_FILE_TYPE,
    Assessment,
    AttendanceStatus,
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    ReportStatus,
    Rule,
    RuleSet,
    SourceKind,
    VoterReport,
    VoterReportPlan,
)
from performance.scoring import assessment_compute, rule_set_freeze
from performance.services import (
    ERR_DATE_IN_FUTURE,
    ERR_DATE_OUTSIDE_YEAR,
    ERR_DEPUTY_LEFT,
    ERR_EVIDENCE_REQUIRED,
    ERR_NEGATIVE_CAP,
    ERR_NO_RULE_SET,
    ERR_REJECT_NEEDS_REASON,
    ERR_RULE_NOT_SELF_SERVICE,
    ERR_RULE_SET_EXISTS,
    ERR_UNKNOWN_RULE,
    ERR_YEAR_FROZEN,
    LedgerError,
    NoRuleSetError,
    activity_close_roll,
    dispute_open,
    dispute_resolve,
    entries_reject,
    entries_verify,
    entry_check,
    entry_create,
    entry_submit,
    ledger_credit,
    publication_publish,
    rule_by_code,
    rule_set_copy_forward,
    rule_set_start,
    rule_validate,
    topic_signup,
    voter_report_plan_create,
    voter_report_record,
    voter_report_verify,
)
from tests.deputies.factories import DeputyFactory, TermFactory
from tests.performance.factories import (
    ActivityFactory,
    AttendanceFactory,
    LedgerEntryFactory,
    SupervisionTopicFactory,
    rule,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 1)


@pytest.fixture
def dep(rules_2025):
    return DeputyFactory()


def png(name="photo.png", size=100):
    return SimpleUploadedFile(name, b"\x89PNG" + b"0" * size, content_type="image/png")


# --- ledger_credit: the door for other apps ----------------------------------------------------


def test_ledger_credit_is_verified_and_automatic(dep, staff_user):
    source = AttendanceFactory(deputy=dep)
    entry = ledger_credit(
        deputy=dep, rule_code="B02", source=source, occurred_on=DAY, title="视察", actor=staff_user
    )
    assert (entry.status, entry.source_kind) == (EntryStatus.VERIFIED, SourceKind.AUTOMATIC)
    assert entry.source_id == source.pk and entry.reviewed_at is not None


def test_ledger_credit_twice_writes_once(dep):
    source = AttendanceFactory(deputy=dep)
    first = ledger_credit(deputy=dep, rule_code="C01", source=source, occurred_on=DAY, title="a")
    again = ledger_credit(deputy=dep, rule_code="C01", source=source, occurred_on=DAY, title="b")
    assert first.pk == again.pk
    assert LedgerEntry.objects.count() == 1
    other_rule = ledger_credit(
        deputy=dep, rule_code="C02", source=source, occurred_on=DAY, title="c"
    )
    assert other_rule.pk != first.pk  # C01 and C02 for the same suggestion are two credits


def test_ledger_credit_race_falls_back_to_the_winner(dep, monkeypatch):
    """The pre-check misses a row another transaction just wrote: the unique constraint stops
    the insert inside a savepoint and the existing entry is returned, transaction intact."""
    source = AttendanceFactory(deputy=dep)
    winner = ledger_credit(deputy=dep, rule_code="B01", source=source, occurred_on=DAY, title="a")
    original = QuerySet.first
    missed = []

    def blind_first(self):
        if self.model is LedgerEntry and not missed:
            missed.append(True)
            return None
        return original(self)

    monkeypatch.setattr(QuerySet, "first", blind_first)
    loser = ledger_credit(deputy=dep, rule_code="B01", source=source, occurred_on=DAY, title="b")
    assert missed and loser.pk == winner.pk
    assert LedgerEntry.objects.count() == 1  # the connection is still usable


def test_the_database_refuses_a_duplicate_credit(dep):
    source = AttendanceFactory(deputy=dep)
    entry = ledger_credit(deputy=dep, rule_code="B01", source=source, occurred_on=DAY, title="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            deputy=dep,
            rule=entry.rule,
            occurred_on=DAY,
            title="dup",
            source_type=entry.source_type,
            source_id=entry.source_id,
            source_kind=SourceKind.AUTOMATIC,
            status=EntryStatus.VERIFIED,
            reviewed_at=timezone.now(),
        )


def test_ledger_credit_refuses_bad_input(dep):
    source = AttendanceFactory(deputy=dep)
    with pytest.raises(LedgerError) as exc:
        ledger_credit(deputy=dep, rule_code="Z99", source=source, occurred_on=DAY, title="x")
    assert str(exc.value) == ERR_UNKNOWN_RULE % {"year": 2025, "code": "Z99"}
    rule_set_freeze(year=2025)
    with pytest.raises(LedgerError, match="已封存"):
        ledger_credit(deputy=dep, rule_code="B01", source=source, occurred_on=DAY, title="x")
    assert not LedgerEntry.objects.exists()


def test_ledger_credit_after_resignation_is_refused(rules_2025):
    left = DeputyFactory(status=Status.RESIGNED, status_date=date(2025, 3, 1), status_reason="迁出")
    source = AttendanceFactory(deputy=left)
    with pytest.raises(LedgerError) as exc:
        ledger_credit(deputy=left, rule_code="B01", source=source, occurred_on=DAY, title="x")
    assert str(exc.value) == ERR_DEPUTY_LEFT % {"deputy": left, "date": "2025-03-01"}
    ok = ledger_credit(
        deputy=left, rule_code="B01", source=source, occurred_on=date(2025, 2, 1), title="x"
    )
    assert ok.pk


@pytest.fixture
def queued(monkeypatch):
    """The years whose recompute was queued (the task's ``delay``, recorded not run)."""
    years = []
    monkeypatch.setattr(tasks.recompute_assessment, "delay", years.append)
    return years


def test_writes_queue_one_recompute_per_year(dep, django_capture_on_commit_callbacks, queued):
    entries = [
        entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title=f"接待{i}")
        for i in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        entries_verify(entries=entries[:2])
        entries_verify(entries=entries[2:])
        entries_reject(entries=entries[:1], reason="重复")
    assert queued == [2025]


def test_each_transaction_queues_its_own_recompute(dep, django_capture_on_commit_callbacks, queued):
    """The marker lives as long as one transaction: the next commit queues again, and a
    rolled-back write (its callbacks discarded) does not stop the next one from queueing."""
    entries = [
        entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title=f"接待{i}")
        for i in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        entries_verify(entries=entries[:1])
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            entries_verify(entries=entries[1:2])
            raise RuntimeError("rolled back")
        entries_verify(entries=entries[2:])
    assert queued == [2025, 2025]
    assert LedgerEntry.objects.get(pk=entries[1].pk).status == EntryStatus.PENDING


# --- submitting, recording, evidence ----------------------------------------------------------


def test_deputy_submission_waits_for_review_with_evidence(dep):
    entry = entry_submit(
        deputy=dep, rule_code="I01", occurred_on=DAY, title="自主调研", files=[png()]
    )
    assert (entry.status, entry.source_kind) == (EntryStatus.PENDING, SourceKind.DEPUTY)
    assert entry.evidence.get().name == "photo.png"


def test_evidence_required_rule_needs_a_file(dep):
    with pytest.raises(LedgerError) as exc:
        entry_submit(deputy=dep, rule_code="I01", occurred_on=DAY, title="自主调研")
    assert str(exc.value) == ERR_EVIDENCE_REQUIRED % {"rule": rule("I01")}
    assert not LedgerEntry.objects.exists()


def test_evidence_of_the_wrong_type_saves_nothing(dep):
    bad = SimpleUploadedFile("virus.exe", b"MZ" * 10)
    with pytest.raises(LedgerError) as exc:
        entry_submit(deputy=dep, rule_code="I01", occurred_on=DAY, title="x", files=[png(), bad])
    assert ERR_FILE_TYPE in str(exc.value) and "virus.exe" in str(exc.value)
    assert not LedgerEntry.objects.exists() and not EntryEvidence.objects.exists()


@override_settings(LVZHI_LEDGER_EVIDENCE_MAX_MB=1)
def test_evidence_too_big_saves_nothing(dep):
    with pytest.raises(LedgerError, match="1 MB"):
        entry_create(
            deputy=dep, rule_code="B02", occurred_on=DAY, title="x", files=[png(size=1_100_000)]
        )
    assert not LedgerEntry.objects.exists()
    entry_create(deputy=dep, rule_code="B02", occurred_on=DAY, title="x", files=[png(size=900_000)])
    assert EntryEvidence.objects.count() == 1


def test_deputy_cannot_submit_staff_only_rules(dep):
    with pytest.raises(LedgerError) as exc:
        entry_submit(deputy=dep, rule_code="B07", occurred_on=DAY, title="缺席")
    assert str(exc.value) == ERR_RULE_NOT_SELF_SERVICE % {"rule": rule("B07")}


def test_future_dates_are_refused(dep):
    tomorrow = DAY + timedelta(days=1)
    with pytest.raises(LedgerError) as exc:
        entry_submit(deputy=dep, rule_code="B03", occurred_on=tomorrow, title="x", today=DAY)
    assert str(exc.value) == ERR_DATE_IN_FUTURE
    with pytest.raises(LedgerError, match=ERR_DATE_IN_FUTURE):
        entry_create(deputy=dep, rule_code="B04", occurred_on=tomorrow, title="x", today=DAY)
    entry = entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title="x", today=DAY)
    assert entry.occurred_on == DAY  # today itself is fine


def test_date_outside_the_rule_year_is_refused(dep):
    with pytest.raises(LedgerError) as exc:
        entry_check(deputy=dep, rule=rule("B01"), occurred_on=date(2024, 12, 31), future_ok=True)
    assert str(exc.value) == ERR_DATE_OUTSIDE_YEAR % {"date": "2024-12-31", "year": 2025}


def test_implausible_years_create_no_rule_set(dep):
    with pytest.raises(LedgerError, match="不是有效的考核年度"):
        rule_by_code(1999, "B01")
    with pytest.raises(LedgerError):
        rule_by_code(2031, "B01", today=DAY)
    assert list(RuleSet.objects.values_list("year", flat=True)) == [2025]


def test_staff_entry_is_verified_unless_asked(dep, staff_user):
    verified = entry_create(
        deputy=dep, rule_code="B04", occurred_on=DAY, title="走访", actor=staff_user
    )
    pending = entry_create(
        deputy=dep, rule_code="B04", occurred_on=DAY, title="走访2", verified=False
    )
    assert (verified.status, verified.reviewed_by) == (EntryStatus.VERIFIED, staff_user)
    assert pending.status == EntryStatus.PENDING and pending.reviewed_at is None


# --- review ------------------------------------------------------------------------------------


def test_verify_and_reject(dep, staff_user):
    a = entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title="接待")
    b = entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title="接待2")
    assert entries_verify(entries=LedgerEntry.objects.all(), actor=staff_user) == 2
    assert entries_verify(entries=LedgerEntry.objects.all(), actor=staff_user) == 0
    with pytest.raises(LedgerError) as exc:
        entries_reject(entries=[a], reason="  ")
    assert str(exc.value) == ERR_REJECT_NEEDS_REASON
    assert entries_reject(entries=[a], reason="重复记录", actor=staff_user) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.review_reason, a.reviewed_by) == ("rejected", "重复记录", staff_user)
    assert b.status == EntryStatus.VERIFIED
    assert entries_verify(entries=[a]) == 0  # a rejected entry is not verified in bulk


def test_review_skips_frozen_years(dep):
    entry = LedgerEntryFactory(deputy=dep, status=EntryStatus.PENDING, reviewed_at=None)
    rule_set_freeze(year=2025)
    assert entries_verify(entries=[entry]) == 0
    assert entries_reject(entries=[entry], reason="x") == 0
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING


def test_nothing_is_written_to_a_frozen_year(dep):
    rule_set_freeze(year=2025)
    with pytest.raises(LedgerError) as exc:
        entry_create(deputy=dep, rule_code="B01", occurred_on=DAY, title="x")
    assert str(exc.value) == ERR_YEAR_FROZEN % {"year": 2025}


# --- rules and rule sets ---------------------------------------------------------------------


def test_negative_caps_are_refused(rules_2025):
    b01 = rule("B01")
    b01.yearly_cap = Decimal("-1")
    with pytest.raises(LedgerError) as exc:
        rule_validate(b01)
    assert str(exc.value) == ERR_NEGATIVE_CAP
    with pytest.raises(IntegrityError), transaction.atomic():
        Rule.objects.filter(pk=b01.pk).update(yearly_cap=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.filter(pk=rules_2025.pk).update(base_cap=Decimal("-5"))


def test_rule_change_in_a_frozen_year_is_refused(rules_2025):
    rule_set_freeze(year=2025)
    b01 = rule("B01")
    with pytest.raises(LedgerError, match="已封存"):
        rule_validate(b01)


def test_copy_forward(rules_2025):
    Rule.objects.filter(rule_set=rules_2025, code="B04").update(points=Decimal("1.5"))
    rules_2025.excellence_quota = Decimal("0.15")
    rules_2025.save()
    rule_set_freeze(year=2025)
    copied = rule_set_copy_forward(source=rules_2025, year=2026)
    assert not copied.frozen and copied.excellence_quota == Decimal("0.15")
    assert copied.rules.get(code="B04").points == Decimal("1.5")
    assert copied.rules.count() == rules_2025.rules.count()
    with pytest.raises(LedgerError, match="已有积分规则"):
        rule_set_copy_forward(source=rules_2025, year=2026)


def test_changing_points_after_freeze_does_not_rewrite_the_year(rules_2025, give):
    deputy = DeputyFactory()
    give(deputy, B02=2)
    rule_set_freeze(year=2025)
    Rule.objects.filter(rule_set=rules_2025, code="B02").update(points=Decimal("10"))
    from performance.scoring import ScoringError

    with pytest.raises(ScoringError):
        assessment_compute(year=2025)
    assert Assessment.objects.get(deputy=deputy).base == Decimal("6")


# --- activities --------------------------------------------------------------------------------


def test_close_roll_credits_present_and_deducts_unexcused(rules_2025):
    activity = ActivityFactory(occurred_on=DAY)
    province = DeputyFactory(level=Level.PROVINCE)
    street = DeputyFactory(level=Level.STREET)
    absent = DeputyFactory()
    excused = DeputyFactory()
    AttendanceFactory(activity=activity, deputy=province)
    AttendanceFactory(activity=activity, deputy=street)
    AttendanceFactory(activity=activity, deputy=absent, status=AttendanceStatus.UNEXCUSED)
    AttendanceFactory(activity=activity, deputy=excused, status=AttendanceStatus.EXCUSED)
    assert activity_close_roll(activity=activity) == 3
    codes = dict(LedgerEntry.objects.values_list("deputy_id", "rule__code"))
    assert codes == {province.pk: "B02", street.pk: "B02", absent.pk: "B07"}
    assert LedgerEntry.objects.filter(status=EntryStatus.VERIFIED).count() == 3
    with pytest.raises(LedgerError, match="已结束点名"):
        activity_close_roll(activity=activity)
    assessment_compute(year=2025, today=date(2026, 6, 1))
    assert Assessment.objects.get(deputy=absent).base == 0  # -3 floored at 0
    assert Assessment.objects.get(deputy=province).base == 3


def test_close_roll_rule_follows_the_activity_kind(rules_2025):
    meeting = ActivityFactory(occurred_on=DAY, kind="meeting")
    training = ActivityFactory(occurred_on=DAY, kind="training")
    deputy = DeputyFactory()
    AttendanceFactory(activity=meeting, deputy=deputy)
    AttendanceFactory(activity=training, deputy=deputy)
    activity_close_roll(activity=meeting)
    activity_close_roll(activity=training)
    assert set(LedgerEntry.objects.values_list("rule__code", flat=True)) == {"B01", "B05"}


def test_empty_roll_cannot_close(rules_2025):
    with pytest.raises(LedgerError, match="还没有参加代表"):
        activity_close_roll(activity=ActivityFactory(occurred_on=DAY))


def test_topic_signup_needs_a_published_topic(dep):
    year = DAY.year
    draft = SupervisionTopicFactory(published_at=None, year=year)
    with pytest.raises(LedgerError, match="尚未发布"):
        topic_signup(topic=draft, deputy=dep, today=DAY)
    topic = SupervisionTopicFactory(year=year)
    assert topic_signup(topic=topic, deputy=dep, today=DAY) is True
    assert topic_signup(topic=topic, deputy=dep, today=DAY) is False
    assert topic_signup(topic=topic, deputy=dep, withdraw=True, today=DAY) is True
    past = SupervisionTopicFactory(year=year - 1)
    with pytest.raises(LedgerError, match="已经结束"):
        topic_signup(topic=past, deputy=dep, today=DAY)
    assert not past.signups.exists()


# --- disputes ----------------------------------------------------------------------------------


def test_missing_entry_accepted_is_added_verified(dep, staff_user):
    dispute = dispute_open(
        deputy=dep, kind=DisputeKind.MISSING, note="漏记", rule_code="B03", occurred_on=DAY,
        title="接待选民",
    )  # fmt: skip
    dispute_resolve(dispute=dispute, accept=True, actor=staff_user)
    entry = LedgerEntry.objects.get()
    assert (entry.rule.code, entry.status, entry.occurred_on) == ("B03", "verified", DAY)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ACCEPTED
    with pytest.raises(LedgerError, match="已处理"):
        dispute_resolve(dispute=dispute, accept=True)


def test_wrong_entry_accepted_is_re_ruled(dep):
    entry = LedgerEntryFactory(deputy=dep, code="B04")
    dispute = dispute_open(deputy=dep, kind=DisputeKind.WRONG, entry=entry, note="应为视察",
                           rule_code="B02")  # fmt: skip
    dispute_resolve(dispute=dispute, accept=True)
    entry.refresh_from_db()
    assert entry.rule.code == "B02" and entry.status == EntryStatus.VERIFIED


def test_duplicate_accepted_withdraws_and_rejection_needs_reason(dep):
    entry = LedgerEntryFactory(deputy=dep)
    dup = dispute_open(deputy=dep, kind=DisputeKind.DUPLICATE, entry=entry, note="重复")
    with pytest.raises(LedgerError):
        dispute_resolve(dispute=dup, accept=False, resolution="")
    dispute_resolve(dispute=dup, accept=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED and entry.review_reason


def test_dispute_only_on_own_entries(dep):
    other = LedgerEntryFactory()
    with pytest.raises(LedgerError, match="本人"):
        dispute_open(deputy=dep, kind=DisputeKind.WRONG, entry=other, note="x")
    assert not Dispute.objects.exists()


# --- publication -------------------------------------------------------------------------------


def test_publication_snapshot_and_republish(dep, give):
    give(dep, B02=1)
    first = publication_publish(year=2025, quarter=2)
    assert first.rows[0]["code"] == dep.code and first.rows[0]["total"] == "3.0"
    give(dep, B02=1)
    again = publication_publish(year=2025, quarter=2)
    assert again.pk == first.pk and again.rows[0]["total"] == "6.0"
    with pytest.raises(LedgerError):
        publication_publish(year=2025, quarter=5)


# --- report to voters --------------------------------------------------------------------------


def _reported(deputies, year):
    plan = VoterReportPlan.objects.create(year=year)
    for d in deputies:
        VoterReport.objects.create(plan=plan, deputy=d, status=ReportStatus.VERIFIED,
                                   held_on=date(year, 5, 1))  # fmt: skip


def test_plan_takes_20_percent_preferring_those_not_yet_reported(rules_2025):
    deputies = DeputyFactory.create_batch(10)
    _reported(deputies[:8], 2023)
    plan = voter_report_plan_create(year=2025, today=date(2026, 1, 5))
    chosen = set(plan.reports.values_list("deputy_id", flat=True))
    assert len(chosen) == math.ceil(0.2 * 10)
    assert chosen == {d.pk for d in deputies[8:]}


def test_plan_fills_up_with_those_who_reported_once_the_rest_are_done(rules_2025):
    deputies = DeputyFactory.create_batch(10)
    _reported(deputies[:9], 2024)
    plan = voter_report_plan_create(year=2025, share=0.3, today=date(2026, 1, 5))
    chosen = set(plan.reports.values_list("deputy_id", flat=True))
    assert len(chosen) == 3 and deputies[9].pk in chosen


def test_reports_of_an_earlier_term_do_not_count(rules_2025):
    old_term = TermFactory(number=16, start_date=date(2017, 1, 1), end_date=date(2021, 12, 31))
    deputies = DeputyFactory.create_batch(5)
    DeputyFactory(term=old_term)
    _reported(deputies[:4], 2020)  # earlier term
    plan = voter_report_plan_create(year=2025, today=date(2026, 1, 5))
    assert plan.reports.count() == 1
    # None reported this term; the one who never reported at all comes before those who did
    # in the earlier term.
    assert plan.reports.get().deputy == deputies[4]


def test_plan_only_once_per_year(rules_2025):
    DeputyFactory()
    voter_report_plan_create(year=2025, today=date(2026, 1, 5))
    with pytest.raises(LedgerError, match="已制定"):
        voter_report_plan_create(year=2025)


def test_record_and_verify_credits_b06_once(rules_2025, staff_user):
    DeputyFactory()
    report = voter_report_plan_create(year=2025, today=date(2026, 1, 5)).reports.get()
    with pytest.raises(LedgerError, match="请先登记"):
        voter_report_verify(report=report)
    with pytest.raises(LedgerError, match="不能超过"):
        voter_report_record(report=report, held_on=DAY, voters_present=10, satisfied=11)
    with pytest.raises(LedgerError, match="年度内"):
        voter_report_record(report=report, held_on=date(2024, 5, 1), voters_present=10)
    voter_report_record(report=report, held_on=DAY, voters_present=40, satisfied=30,
                        basically_satisfied=8, unsatisfied=2, actor=staff_user)  # fmt: skip
    first = voter_report_verify(report=report, actor=staff_user)
    second = voter_report_verify(report=report, actor=staff_user)
    assert first.pk == second.pk and first.rule.code == "B06"
    assert "满意 30" in first.title
    assert LedgerEntry.objects.filter(rule__code="B06").count() == 1
    with pytest.raises(LedgerError, match="已核实"):
        voter_report_record(report=report, held_on=DAY)
    assert services.ERR_REPORT_VERIFIED


def test_rejection_and_dispute_resolution_notify_the_deputy(rules_2025):
    from core.models import Notification
    from tests.deputies.factories import DeputyWithUserFactory

    deputy = DeputyWithUserFactory()
    entries = [LedgerEntryFactory(deputy=deputy, title=f"走访{i}") for i in range(2)]
    entries_reject(entries=entries, reason="缺少签到表")
    note = Notification.objects.get(recipient=deputy.user, kind=services.NOTIFY_REJECTED)
    assert "2 条" in note.title and "缺少签到表" in note.body
    dispute = dispute_open(deputy=deputy, kind=DisputeKind.DUPLICATE, entry=entries[0], note="x")
    dispute_resolve(dispute=dispute, accept=False, resolution="并非重复")
    note = Notification.objects.get(recipient=deputy.user, kind=services.NOTIFY_DISPUTE)
    assert "不予采纳" in note.title and note.body == "并非重复"


def test_roll_add_skips_those_on_the_roll_and_closed_rolls(rules_2025):
    from deputies.models import Deputy

    activity = ActivityFactory(occurred_on=DAY)
    a, _b = DeputyFactory.create_batch(2)
    AttendanceFactory(activity=activity, deputy=a, status=AttendanceStatus.EXCUSED)
    assert services.activity_roll_add(activity=activity, deputies=Deputy.objects.all()) == 1
    assert activity.attendances.get(deputy=a).status == AttendanceStatus.EXCUSED
    activity_close_roll(activity=activity)
    with pytest.raises(LedgerError, match="已结束点名"):
        services.activity_roll_add(activity=activity, deputies=Deputy.objects.all())


# --- review fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [DisputeKind.DUPLICATE, DisputeKind.WRONG])
def test_accepting_a_dispute_in_a_year_frozen_since_is_refused(dep, kind):
    entry = LedgerEntryFactory(deputy=dep)
    dispute = dispute_open(deputy=dep, kind=kind, entry=entry, note="有误")
    rule_set_freeze(year=2025)
    with pytest.raises(LedgerError, match="已封存"):
        dispute_resolve(dispute=dispute, accept=True)
    dispute.refresh_from_db()
    entry.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN and entry.status == EntryStatus.VERIFIED
    # Rejecting changes nothing in the ledger, so it is still possible.
    dispute_resolve(dispute=dispute, accept=False, resolution="已封存")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED


def test_accepting_a_missing_entry_in_a_frozen_year_is_refused(dep):
    dispute = dispute_open(deputy=dep, kind=DisputeKind.MISSING, note="漏记", rule_code="B03",
                           occurred_on=DAY)  # fmt: skip
    rule_set_freeze(year=2025)
    with pytest.raises(LedgerError, match="已封存"):
        dispute_resolve(dispute=dispute, accept=True)
    assert not LedgerEntry.objects.exists()


def test_plan_prefers_those_who_reported_longest_ago(rules_2025):
    deputies = DeputyFactory.create_batch(5)
    _reported(deputies[:2], 2024)  # codes first, reported recently
    _reported(deputies[2:], 2022)  # reported longer ago
    plan = voter_report_plan_create(year=2025, today=date(2026, 1, 5))
    assert plan.reports.get().deputy == deputies[2]


def test_decision_must_fit_the_list(dep, staff_user):
    from django.db import IntegrityError as DbIntegrityError

    from performance.models import ConsequenceDecision, ConsequenceKind, Decision

    with pytest.raises(LedgerError, match="不是"):
        services.decision_record(deputy=dep, year=2025, kind=ConsequenceKind.REELECTION,
                                 decision=Decision.PERSUADED, actor=staff_user)  # fmt: skip
    assert not ConsequenceDecision.objects.exists()
    wrong = {"kind": ConsequenceKind.EXIT, "decision": Decision.RECOMMENDED}
    with pytest.raises(DbIntegrityError), transaction.atomic():
        ConsequenceDecision.objects.create(deputy=dep, year=2025, decided_on=DAY, **wrong)
    record = services.decision_record(deputy=dep, year=2025, kind=ConsequenceKind.EXIT,
                                      decision=Decision.TALKED, actor=staff_user)  # fmt: skip
    assert record.get_decision_display() == "已谈话提醒"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"0" * 50),  # an executable renamed
        ("scan.pdf", b"\x89PNG" + b"0" * 50),  # a picture called .pdf
        ("notes.docx", b"%PDF-1.4" + b"0" * 50),
        ("pic.webp", b"RIFF0000AVI " + b"0" * 50),
    ],
)
def test_evidence_whose_content_does_not_match_its_extension_saves_nothing(dep, name, content):
    bad = SimpleUploadedFile(name, content)
    with pytest.raises(LedgerError, match="不符"):
        entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title="接待", files=[bad])
    assert not LedgerEntry.objects.exists() and not EntryEvidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"0" * 50),
        ("scan.pdf", b"%PDF-1.7\n" + b"0" * 50),
        ("list.xlsx", b"PK\x03\x04" + b"0" * 50),
        ("old.doc", b"\xd0\xcf\x11\xe0" + b"0" * 50),
        ("pic.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"0" * 50),
    ],
)
def test_evidence_of_each_accepted_kind_is_kept(dep, name, content):
    entry = entry_submit(deputy=dep, rule_code="B03", occurred_on=DAY, title="接待",
                         files=[SimpleUploadedFile(name, content)])  # fmt: skip
    assert entry.evidence.count() == 1


def _roll(n, status=AttendanceStatus.PRESENT):
    activity = ActivityFactory(occurred_on=DAY)
    for _i in range(n):
        AttendanceFactory(activity=activity, status=status)
    return activity


def test_closing_a_roll_takes_the_same_queries_for_any_size(rules_2025, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, big = _roll(2), _roll(12)
    with CaptureQueriesContext(connection) as few:
        activity_close_roll(activity=small)
    with django_assert_num_queries(len(few.captured_queries)):
        assert activity_close_roll(activity=big) == 12
    assert LedgerEntry.objects.filter(source_kind=SourceKind.AUTOMATIC).count() == 14


def test_batched_credits_are_idempotent_per_source(rules_2025):
    activity = _roll(3)
    credits = [
        services.Credit(deputy=a.deputy, rule_code="B02", source=a, occurred_on=DAY, title="视察")
        for a in activity.attendances.select_related("deputy")
    ]
    assert services.ledger_credit_many(credits=credits) == 3
    assert services.ledger_credit_many(credits=credits) == 0
    ledger_credit(**{k: getattr(credits[0], k) for k in ("deputy", "rule_code", "source",
                                                         "occurred_on", "title")})  # fmt: skip
    assert LedgerEntry.objects.count() == 3


def test_a_roll_with_a_deputy_who_left_before_the_activity_closes_nothing(rules_2025):
    activity = _roll(2)
    gone = activity.attendances.first().deputy
    gone.status, gone.status_date = Status.RESIGNED, DAY - timedelta(days=1)
    gone.status_reason = "迁出"
    gone.save()
    with pytest.raises(LedgerError, match="离任"):
        activity_close_roll(activity=activity)
    activity.refresh_from_db()
    assert activity.roll_closed_at is None and not LedgerEntry.objects.exists()


def test_an_entry_has_one_open_dispute_at_a_time(dep):
    entry = LedgerEntryFactory(deputy=dep)
    first = dispute_open(deputy=dep, kind=DisputeKind.DUPLICATE, entry=entry, note="重复")
    with pytest.raises(LedgerError, match="已有待处理的异议"):
        dispute_open(deputy=dep, kind=DisputeKind.WRONG, entry=entry, note="又一次")
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(deputy=dep, kind=DisputeKind.WRONG, entry=entry, note="绕过")
    dispute_resolve(dispute=first, accept=False, resolution="并无重复")
    again = dispute_open(deputy=dep, kind=DisputeKind.WRONG, entry=entry, note="另有错误")
    assert again.status == DisputeStatus.OPEN


def test_plan_share_is_rounded_up_exactly(rules_2025):
    # 0.28 × 25 is 7.000000000000001 in binary floating point, which would round up to 8.
    DeputyFactory.create_batch(25)
    plan = voter_report_plan_create(year=2025, share=Decimal("0.28"), today=date(2026, 1, 5))
    assert plan.reports.count() == 7


def test_publication_refuses_a_year_without_rules_and_a_future_quarter(rules_2025):
    with pytest.raises(LedgerError, match="尚未设置积分规则"):
        publication_publish(year=2024, quarter=4)
    assert not RuleSet.objects.filter(year=2024).exists()
    with pytest.raises(LedgerError, match="还没有开始"):
        publication_publish(year=2026, quarter=1, today=DAY)
    with pytest.raises(LedgerError, match="还没有开始"):
        publication_publish(year=2025, quarter=3, today=DAY)  # June: the second quarter
    assert publication_publish(year=2025, quarter=2, today=DAY).quarter == 2


def test_a_new_year_starts_from_the_previous_years_rules(rules_2025):
    Rule.objects.filter(rule_set=rules_2025, code="B04").update(points=Decimal("1.5"))
    rules_2025.base_cap = Decimal("50")
    rules_2025.save()
    rule_set_start(year=2026)
    rule = rule_by_code(2026, "B04", today=date(2026, 1, 5))
    assert rule.points == Decimal("1.5") and rule.rule_set.base_cap == Decimal("50")
    assert not rule.rule_set.frozen
    rule_set_start(year=2024)  # no earlier year to copy from: the default table
    assert rule_by_code(2024, "B04").points == Decimal("1")
    with pytest.raises(LedgerError) as exc:
        rule_set_start(year=2024)
    assert str(exc.value) == ERR_RULE_SET_EXISTS % {"year": 2024}


def test_looking_a_rule_up_never_creates_the_year(rules_2025):
    with pytest.raises(NoRuleSetError) as exc:
        rule_by_code(2026, "B04", today=date(2026, 1, 5))
    assert str(exc.value) == ERR_NO_RULE_SET % {"year": 2026}
    assert list(RuleSet.objects.values_list("year", flat=True)) == [2025]


def test_a_roll_cannot_close_before_the_activity_is_held(rules_2025):
    activity = _roll(1)
    activity.occurred_on = DAY + timedelta(days=3)
    activity.save()
    with pytest.raises(LedgerError, match="还没到"):
        activity_close_roll(activity=activity, today=DAY)
    activity.refresh_from_db()
    assert activity.roll_closed_at is None and not LedgerEntry.objects.exists()


def test_re_ruling_an_automatic_entry_onto_a_rule_its_source_already_earned_is_refused(dep):
    source = AttendanceFactory(deputy=dep)
    ledger_credit(deputy=dep, rule_code="B02", source=source, occurred_on=DAY, title="视察")
    b01 = ledger_credit(deputy=dep, rule_code="B01", source=source, occurred_on=DAY, title="会议")
    dispute = dispute_open(deputy=dep, kind=DisputeKind.WRONG, entry=b01, note="应为视察",
                           rule_code="B02")  # fmt: skip
    with pytest.raises(LedgerError, match="重复计分"):
        dispute_resolve(dispute=dispute, accept=True)
    b01.refresh_from_db()
    dispute.refresh_from_db()
    assert b01.rule.code == "B01" and dispute.status == DisputeStatus.OPEN
