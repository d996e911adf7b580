"""The ledger's doors: the public module other apps credit through, a year without rules, the
one entry builder, the recompute queued once per transaction, and who may call each write."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from core.models import AuditEvent
from performance import public, services, tasks
from performance.access import ERR_NOT_PERMITTED
from performance.models import (
    Attendance,
    AttendanceStatus,
    Dispute,
    DisputeKind,
    EntryStatus,
    LedgerEntry,
    RuleSet,
    SourceKind,
    VoterReport,
    VoterReportPlan,
)
from performance.scoring import ScoringError, assessment_compute, rule_set_freeze, rule_set_unfreeze
from performance.services import (
    ERR_NO_RULE_SET,
    Credit,
    LedgerError,
    NoRuleSetError,
    activity_close_roll,
    dispute_open,
    entry_build,
    entry_create,
    entry_submit,
    ledger_credit,
    voter_report_verify,
)
from tests.accounts.factories import UserFactory
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.performance.factories import (
    ActivityFactory,
    AttendanceFactory,
    LedgerEntryFactory,
    SupervisionTopicFactory,
    rule,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 1)
NO_RULES = date(2024, 6, 1)  # a plausible year nobody has set up
NOW = datetime(2025, 6, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def dep(rules_2025):
    return DeputyWithUserFactory()


# --- the public module -----------------------------------------------------------------------


def test_the_door_offers_the_credit_type_one_many_and_the_error():
    assert set(public.__all__) == {
        "Credit",
        "ERR_DAY_ALREADY_CREDITED",
        "ERR_NOT_PERMITTED",
        "LedgerError",
        "ONCE_PER_DAY_RULES",
        "PublishedAchievement",
        "RULE_CODE_FACTS",
        "ledger_credit",
        "ledger_credit_many",
        "ledger_rule_counts",
        "ledger_withdraw",
        "published_achievements",
        "supervision_topic_propose",
    }
    assert public.ledger_credit is services.ledger_credit
    assert issubclass(NoRuleSetError, public.LedgerError)
    assert "None" in public.__doc__ and "year without rules" in public.__doc__


# --- a year without rules: lookups never create, credits write nothing ---------------------


def test_a_credit_for_a_year_without_rules_writes_nothing_and_returns_none(dep, caplog):
    source = AttendanceFactory(deputy=dep)
    with caplog.at_level(logging.WARNING, logger="performance.services.credits"):
        entry = public.ledger_credit(
            deputy=dep, rule_code="C02", source=source, occurred_on=NO_RULES, title="办结"
        )
    assert entry is None
    assert not LedgerEntry.objects.exists()
    assert not RuleSet.objects.filter(year=2024).exists()
    assert "2024 has no rule set" in caplog.text


def test_credit_many_skips_the_years_without_rules_and_counts_what_it_wrote(dep):
    sources = [AttendanceFactory(deputy=dep) for _i in range(3)]
    credits = [
        Credit(deputy=dep, rule_code="B02", source=sources[0], occurred_on=DAY, title="视察"),
        Credit(deputy=dep, rule_code="B02", source=sources[1], occurred_on=NO_RULES, title="x"),
        Credit(deputy=dep, rule_code="B01", source=sources[2], occurred_on=DAY, title="会议"),
    ]
    assert public.ledger_credit_many(credits=credits) == 2
    assert sorted(LedgerEntry.objects.values_list("source_id", flat=True)) == sorted(
        [sources[0].pk, sources[2].pk]
    )
    assert list(RuleSet.objects.values_list("year", flat=True)) == [2025]
    assert public.ledger_credit_many(credits=credits) == 0  # idempotent


def test_a_credit_given_before_the_year_was_set_up_can_be_given_again(dep):
    source = AttendanceFactory(deputy=dep)
    kwargs = {"deputy": dep, "rule_code": "B02", "source": source, "title": "视察"}
    assert public.ledger_credit(occurred_on=NO_RULES, **kwargs) is None
    services.rule_set_start(year=2024)
    entry = public.ledger_credit(occurred_on=NO_RULES, **kwargs)
    assert entry.rule.rule_set.year == 2024 and entry.status == EntryStatus.VERIFIED


def test_staff_and_deputy_writes_in_a_year_without_rules_are_refused(dep, staff_user):
    message = ERR_NO_RULE_SET % {"year": 2024}
    with pytest.raises(NoRuleSetError) as exc:
        entry_create(deputy=dep, rule_code="B01", occurred_on=NO_RULES, title="x", actor=staff_user)
    assert str(exc.value) == message
    with pytest.raises(NoRuleSetError):
        entry_submit(deputy=dep, rule_code="B03", occurred_on=NO_RULES, title="x", actor=dep.user)
    with pytest.raises(NoRuleSetError):
        dispute_open(
            deputy=dep,
            kind=DisputeKind.MISSING,
            rule_code="B01",
            occurred_on=NO_RULES,
            note="漏记",
            actor=dep.user,
        )
    assert not LedgerEntry.objects.exists() and not Dispute.objects.exists()
    assert not RuleSet.objects.filter(year=2024).exists()


def test_a_roll_in_a_year_without_rules_stays_open(dep, staff_user):
    activity = ActivityFactory(occurred_on=NO_RULES)
    AttendanceFactory(activity=activity, deputy=dep)
    with pytest.raises(NoRuleSetError):
        activity_close_roll(activity=activity, actor=staff_user, today=DAY)
    activity.refresh_from_db()
    assert activity.roll_closed_at is None and not LedgerEntry.objects.exists()


def test_a_voter_report_in_a_year_without_rules_is_not_verified(dep, staff_user):
    plan = VoterReportPlan.objects.create(year=2024)
    report = VoterReport.objects.create(plan=plan, deputy=dep, held_on=NO_RULES)
    with pytest.raises(NoRuleSetError):
        voter_report_verify(report=report, actor=staff_user)
    report.refresh_from_db()
    assert report.verified_at is None and not LedgerEntry.objects.exists()


# --- one builder -----------------------------------------------------------------------------


def test_the_builder_cuts_the_title_and_keeps_the_review_rules(dep, staff_user):
    common = {"deputy": dep, "rule": rule("B01"), "occurred_on": DAY, "title": "长" * 250}
    staff = entry_build(
        **common,
        place="地" * 150,
        source_kind=SourceKind.STAFF,
        verified=True,
        actor=staff_user,
        now=NOW,
    )
    assert (len(staff.title), len(staff.place)) == (200, 100)
    assert (staff.status, staff.reviewed_by, staff.reviewed_at) == (
        EntryStatus.VERIFIED,
        staff_user,
        NOW,
    )
    assert staff.created_by == staff_user and staff.pk is None  # built, not saved

    pending = entry_build(
        **common, source_kind=SourceKind.DEPUTY, verified=False, actor=dep.user, now=NOW
    )
    assert (pending.status, pending.reviewed_by, pending.reviewed_at) == (
        EntryStatus.PENDING,
        None,
        None,
    )
    source = AttendanceFactory(deputy=dep)
    credit = entry_build(
        **common,
        source=source,
        source_kind=SourceKind.AUTOMATIC,
        verified=True,
        actor=staff_user,
        now=NOW,
    )
    assert credit.reviewed_by is None and credit.reviewed_at == NOW  # verified by its rule
    assert (credit.source_type.model, credit.source_id) == ("attendance", source.pk)
    system = entry_build(**common, source_kind=SourceKind.STAFF, verified=True, now=NOW)
    assert system.created_by is None and system.reviewed_by is None


def test_every_way_in_builds_the_same_entry(dep, staff_user):
    """Credit, staff entry and submission all go through the builder: same cut title."""
    long = "长" * 250
    credited = ledger_credit(
        deputy=dep,
        rule_code="B02",
        source=AttendanceFactory(deputy=dep),
        occurred_on=DAY,
        title=long,
        actor=staff_user,
    )
    created = entry_create(deputy=dep, rule_code="B04", occurred_on=DAY, title=long)
    submitted = entry_submit(
        deputy=dep, rule_code="B03", occurred_on=DAY, title=long, actor=dep.user
    )
    for entry in (credited, created, submitted):
        entry.refresh_from_db()
        assert entry.title == "长" * 200
    assert credited.created_by == staff_user and created.created_by is None
    assert submitted.created_by == dep.user and submitted.reviewed_at is None


# --- the recompute is queued once per committed transaction ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_swallow_the_next_recompute(monkeypatch):
    from tests.performance.factories import rule_set

    rule_set(2025)
    dep = DeputyFactory()
    queued = []
    monkeypatch.setattr(tasks.recompute_assessment, "delay", queued.append)
    with pytest.raises(RuntimeError), transaction.atomic():
        entry_create(deputy=dep, rule_code="B04", occurred_on=DAY, title="走访")
        raise RuntimeError("rolled back")
    assert queued == []
    with transaction.atomic():
        entry_create(deputy=dep, rule_code="B04", occurred_on=DAY, title="走访")
        entry_create(deputy=dep, rule_code="B02", occurred_on=DAY, title="视察")
    assert queued == [2025]
    entry_create(deputy=dep, rule_code="B01", occurred_on=DAY, title="会议")  # autocommit
    assert queued == [2025, 2025]


# --- who may act -----------------------------------------------------------------------------


@pytest.fixture
def world(dep, staff_user):
    """One object of each kind a write service acts on."""
    entry = LedgerEntryFactory(deputy=dep, code="B03", status=EntryStatus.PENDING)
    activity = ActivityFactory(occurred_on=DAY)
    AttendanceFactory(activity=activity, deputy=dep, status=AttendanceStatus.PRESENT)
    plan = VoterReportPlan.objects.create(year=2025)
    report = VoterReport.objects.create(plan=plan, deputy=dep, held_on=DAY)
    dispute = dispute_open(deputy=dep, kind=DisputeKind.DUPLICATE, entry=entry, note="重复")
    return {
        "dep": dep,
        "entry": entry,
        "activity": activity,
        "report": report,
        "dispute": dispute,
        "topic": SupervisionTopicFactory(year=2025),
        "source": Attendance.objects.first(),
    }


STAFF_SERVICES = {
    "rule_set_load_defaults": lambda w, a: services.rule_set_load_defaults(year=2024, actor=a),
    "rule_set_start": lambda w, a: services.rule_set_start(year=2024, actor=a),
    "rule_set_copy_forward": lambda w, a: services.rule_set_copy_forward(
        source=w["entry"].rule.rule_set, year=2024, actor=a
    ),
    "entry_create": lambda w, a: services.entry_create(
        deputy=w["dep"], rule_code="B04", occurred_on=DAY, title="走访", actor=a
    ),
    "entries_verify": lambda w, a: services.entries_verify(entries=[w["entry"]], actor=a),
    "entries_reject": lambda w, a: services.entries_reject(
        entries=[w["entry"]], reason="重复", actor=a
    ),
    "ledger_credit": lambda w, a: services.ledger_credit(
        deputy=w["dep"], rule_code="B02", source=w["source"], occurred_on=DAY, title="x", actor=a
    ),
    "ledger_credit_many": lambda w, a: services.ledger_credit_many(
        credits=[Credit(w["dep"], "B02", w["source"], DAY, "x")], actor=a
    ),
    "dispute_resolve": lambda w, a: services.dispute_resolve(
        dispute=w["dispute"], accept=True, actor=a
    ),
    "publication_publish": lambda w, a: services.publication_publish(
        year=2025, quarter=2, actor=a, today=DAY
    ),
    "decision_record": lambda w, a: services.decision_record(
        deputy=w["dep"], year=2025, kind="reelection", decision="recommended", actor=a
    ),
    "topic_publish": lambda w, a: services.topic_publish(
        topics=type(w["topic"]).objects.all(), actor=a
    ),
    "activity_roll_add": lambda w, a: services.activity_roll_add(
        activity=w["activity"], deputies=type(w["dep"]).objects.all(), actor=a
    ),
    "activity_close_roll": lambda w, a: services.activity_close_roll(
        activity=w["activity"], actor=a, today=DAY
    ),
    "voter_report_plan_create": lambda w, a: services.voter_report_plan_create(
        year=2026, actor=a, today=date(2026, 1, 5)
    ),
    "voter_report_record": lambda w, a: services.voter_report_record(
        report=w["report"], held_on=DAY, actor=a, today=DAY
    ),
    "voter_report_verify": lambda w, a: services.voter_report_verify(report=w["report"], actor=a),
}

DEPUTY_SERVICES = {
    "entry_submit": lambda w, a: services.entry_submit(
        deputy=w["dep"], rule_code="B03", occurred_on=DAY, title="接待", actor=a
    ),
    "dispute_open": lambda w, a: services.dispute_open(
        deputy=w["dep"],
        kind=DisputeKind.MISSING,
        rule_code="B01",
        occurred_on=DAY,
        note="漏记",
        actor=a,
    ),
    "topic_signup": lambda w, a: services.topic_signup(
        topic=w["topic"], deputy=w["dep"], actor=a, today=DAY
    ),
}


def _refused(call, world, actor):
    audits = AuditEvent.objects.count()
    entries = LedgerEntry.objects.count()
    with pytest.raises(LedgerError) as exc:
        call(world, actor)
    assert str(exc.value) == ERR_NOT_PERMITTED
    assert (AuditEvent.objects.count(), LedgerEntry.objects.count()) == (audits, entries)


@pytest.mark.parametrize("name", STAFF_SERVICES)
def test_staff_services_refuse_a_deputy(world, name):
    _refused(STAFF_SERVICES[name], world, world["dep"].user)


@pytest.mark.parametrize("name", STAFF_SERVICES)
def test_staff_services_accept_staff(world, staff_user, name):
    STAFF_SERVICES[name](world, staff_user)  # no LedgerError: staff may act


@pytest.mark.parametrize("name", DEPUTY_SERVICES)
def test_deputy_services_refuse_another_deputy_and_staff(world, staff_user, name):
    other = DeputyWithUserFactory()
    _refused(DEPUTY_SERVICES[name], world, other.user)
    _refused(DEPUTY_SERVICES[name], world, staff_user)


@pytest.mark.parametrize("name", DEPUTY_SERVICES)
def test_deputy_services_accept_the_deputy_themself(world, name):
    DEPUTY_SERVICES[name](world, world["dep"].user)


def test_a_user_without_a_role_is_refused_everywhere(world):
    nobody = UserFactory()
    for call in (*STAFF_SERVICES.values(), *DEPUTY_SERVICES.values()):
        _refused(call, world, nobody)


def test_scoring_writes_are_staff_only(world, staff_user):
    deputy_user = world["dep"].user
    for call in (
        lambda a: assessment_compute(year=2025, actor=a),
        lambda a: rule_set_freeze(year=2025, actor=a),
        lambda a: rule_set_unfreeze(year=2025, actor=a, reason="更正"),
    ):
        with pytest.raises(ScoringError) as exc:
            call(deputy_user)
        assert str(exc.value) == ERR_NOT_PERMITTED
    assert not RuleSet.objects.get(year=2025).frozen
    rule_set_freeze(year=2025, actor=staff_user)
    assert RuleSet.objects.get(year=2025).frozen
