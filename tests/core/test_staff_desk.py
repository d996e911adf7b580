"""The staff desk on the admin index (工委工作台): each app's to-do cards, counted right, each
linking to an admin list that shows exactly the counted rows, in a fixed number of queries."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deputies import panels as deputy_panels
from deputies.models import Status as DeputyStatus
from performance import panels as performance_panels
from performance.models import (
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryStatus,
    Grade,
    IdleReminder,
    ReportStatus,
    RuleSet,
    VoterReport,
    VoterReportPlan,
)
from suggestions import panels as suggestion_panels
from suggestions.models import (
    CheckKind,
    Commitment,
    CommitmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    QuarterlyReport,
    ToughProject,
)
from suggestions.selectors import last_quarter
from tests.deputies.factories import DeputyFactory, DeputyWithUserFactory
from tests.performance.factories import ActivityFactory, LedgerEntryFactory, rule_set
from tests.suggestions import helpers
from tests.suggestions.factories import HandlingUnitFactory, RegisteredSuggestionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
CARD = re.compile(
    r'<(a|div) class="desk-card([^"]*)"(?: href="([^"]*)")?>\s*'
    r'<span class="desk-count">([^<]*)</span>\s*'
    r'<span class="desk-label">([^<]*)</span>\s*'
    r'(?:<span class="desk-hint">([^<]*)</span>)?'
)


@pytest.fixture(autouse=True)
def _reference_data(db):
    """A transactional test elsewhere may have flushed the reused database; put back the roles
    and the staff group's permissions the admin checks."""
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def desk_cards(client) -> list[dict]:
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="staff-desk"' in page
    desk = page.split('id="staff-desk"', 1)[1].split('class="app-', 1)[0]
    cards = []
    for tag, classes, href, count, label, hint in CARD.findall(desk):
        cards.append(
            {
                "label": label,
                "count": count.strip(),
                "href": html.unescape(href) if tag == "a" else "",
                "due": "is-due" in classes,
                "hint": hint,
            }
        )
    return cards


def card(cards: list[dict], label: str, hint: str = "") -> dict:
    found = [c for c in cards if c["label"] == label and hint in c["hint"]]
    assert len(found) == 1, (label, hint, cards)
    return found[0]


# --- data ------------------------------------------------------------------------------------


def build_performance(deputy) -> dict:
    """Known to-dos of the ledger, each next to look-alikes that must not be counted."""
    now = timezone.now()
    for year in (YEAR, YEAR - 1, YEAR - 2):
        rule_set(year)
    RuleSet.objects.filter(year=YEAR - 2).update(frozen=True, frozen_at=now)

    def entry(year, status=EntryStatus.PENDING, **kw):
        return LedgerEntryFactory(
            deputy=kw.pop("who", deputy),
            year=year,
            occurred_on=date(year, 1, 10),
            status=status,
            reviewed_at=None if status == EntryStatus.PENDING else now,
            **kw,
        )

    pending_now = [entry(YEAR) for _ in range(3)]
    pending_last = [entry(YEAR - 1)]
    entry(YEAR - 2)  # frozen year: cannot be verified any more
    entry(YEAR, EntryStatus.VERIFIED)
    entry(YEAR, EntryStatus.REJECTED, review_reason="不符合")

    base_rule = rule_set(YEAR).rules.get(code="B03")
    open_disputes = [
        Dispute.objects.create(
            deputy=deputy,
            kind=DisputeKind.MISSING,
            rule=base_rule,
            occurred_on=date(YEAR, 2, 1),
            note="漏记",
        )
        for _ in range(2)
    ]
    Dispute.objects.create(
        deputy=deputy,
        kind=DisputeKind.MISSING,
        rule=base_rule,
        occurred_on=date(YEAR, 2, 1),
        note="已处理",
        status=DisputeStatus.ACCEPTED,
    )

    idle = DeputyWithUserFactory()
    since = TODAY - timedelta(days=200)
    talk = IdleReminder.objects.create(
        deputy=idle, idle_since=since, sequence=2, sent_on=TODAY - timedelta(days=10)
    )
    IdleReminder.objects.create(deputy=idle, idle_since=since, sequence=1, sent_on=since)
    talked = DeputyWithUserFactory()
    IdleReminder.objects.create(
        deputy=talked, idle_since=since, sequence=2, sent_on=since, talked_on=TODAY
    )

    last = RuleSet.objects.get(year=YEAR - 1)

    def assess(who, grade, rs=last, base_entries=0):
        zero = Decimal("0")
        return Assessment.objects.create(
            rule_set=rs,
            deputy=who,
            base=zero,
            innovation=zero,
            contribution=zero,
            total=zero,
            rank=1,
            assessed_count=3,
            grade=grade,
            level=who.level,
            base_entries=base_entries,
            computed_at=now,
        )

    # Two exit candidates (no verified base entry last year), one already decided.
    exit_open, exit_done = DeputyWithUserFactory(), DeputyWithUserFactory()
    for who in (exit_open, exit_done):
        assess(who, Grade.BASIC)
    ConsequenceDecision.objects.create(
        deputy=exit_done,
        year=YEAR - 1,
        kind=ConsequenceKind.EXIT,
        decision=Decision.TALKED,
        decided_on=TODAY,
    )
    # One deputy excellent three years running, with base entries: re-election only.
    star = DeputyWithUserFactory()
    for year in (YEAR - 3, YEAR - 2, YEAR - 1):
        assess(star, Grade.EXCELLENT, rule_set(year), base_entries=int(year == YEAR - 1))
    entry(YEAR - 1, EntryStatus.VERIFIED, who=star)  # counted by the scoring (base_entries)

    plan, _created = VoterReportPlan.objects.get_or_create(year=YEAR)
    planned = [VoterReport.objects.create(plan=plan, deputy=DeputyWithUserFactory())]
    planned.append(VoterReport.objects.create(plan=plan, deputy=DeputyWithUserFactory()))
    held = VoterReport.objects.create(
        plan=plan, deputy=DeputyWithUserFactory(), status=ReportStatus.HELD, held_on=TODAY
    )
    VoterReport.objects.create(
        plan=plan, deputy=DeputyWithUserFactory(), status=ReportStatus.VERIFIED, held_on=TODAY
    )

    rolls_open = [
        ActivityFactory(occurred_on=TODAY - timedelta(days=3)),
        ActivityFactory(occurred_on=TODAY - timedelta(days=40)),
    ]
    ActivityFactory(occurred_on=TODAY - timedelta(days=5), roll_closed_at=now)
    ActivityFactory(occurred_on=TODAY)  # today: the roll may still be called
    ActivityFactory(occurred_on=TODAY + timedelta(days=7))
    return {
        "pending_now": pending_now,
        "pending_last": pending_last,
        "disputes": open_disputes,
        "talk": [talk],
        "consequences": {(exit_open.pk, "exit"), (star.pk, "reelection")},
        "planned": planned,
        "held": [held],
        "rolls": rolls_open,
    }


def build_suggestions() -> dict:
    submitted = [helpers.submitted(), helpers.submitted()]
    helpers.registered()  # registered already: not waiting for registration
    overdue = [helpers.assigned(), helpers.in_handling()]
    on_time = helpers.assigned(on=TODAY - timedelta(days=1))
    assert on_time.reply_deadline >= TODAY

    extension = ExtensionRequest.objects.create(
        suggestion=on_time,
        unit=on_time.lead_unit,
        requested_deadline=on_time.deadline_limit,
        reason="需要协调资金",
    )
    ExtensionRequest.objects.create(
        suggestion=overdue[0],
        unit=overdue[0].lead_unit,
        requested_deadline=overdue[0].deadline_limit,
        reason="已处理",
        status=ExtensionStatus.APPROVED,
    )

    # Checks: two due on one suggestion, one on another; one done and one not yet due elsewhere.
    with_checks = [RegisteredSuggestionFactory() for _ in range(3)]
    FollowUpCheck.objects.create(
        suggestion=with_checks[0], kind=CheckKind.PROGRESS, due_on=TODAY - timedelta(days=9)
    )
    FollowUpCheck.objects.create(suggestion=with_checks[0], kind=CheckKind.EFFECT, due_on=TODAY)
    FollowUpCheck.objects.create(
        suggestion=with_checks[1], kind=CheckKind.PROGRESS, due_on=TODAY - timedelta(days=1)
    )
    FollowUpCheck.objects.create(
        suggestion=with_checks[1],
        kind=CheckKind.EFFECT,
        due_on=TODAY - timedelta(days=1),
        done_on=TODAY,
        findings="已查",
    )
    FollowUpCheck.objects.create(
        suggestion=with_checks[2], kind=CheckKind.PROGRESS, due_on=TODAY + timedelta(days=1)
    )

    unit = HandlingUnitFactory()
    with_commitments = [RegisteredSuggestionFactory() for _ in range(3)]

    def commit(s, due_on, **kw):
        return Commitment.objects.create(
            suggestion=s, owner_unit=unit, content="增设停车位", due_on=due_on, **kw
        )

    commit(with_commitments[0], TODAY - timedelta(days=3))
    commit(with_commitments[0], TODAY - timedelta(days=30))
    commit(with_commitments[1], TODAY - timedelta(days=1))
    commit(with_commitments[2], TODAY)  # due today: not overdue yet
    commit(
        with_commitments[2],
        TODAY - timedelta(days=9),
        status=CommitmentStatus.MET,
        completed_on=TODAY,
    )

    year, quarter = last_quarter(TODAY)
    lacking = ToughProject.objects.create(
        suggestion=overdue[1], difficulty=2, team="专班", started_on=date(year - 1, 1, 5)
    )
    reported = ToughProject.objects.create(
        suggestion=on_time, difficulty=1, team="专班", started_on=date(year - 1, 1, 5)
    )
    QuarterlyReport.objects.create(
        project=reported, year=year, quarter=quarter, content="进展", unit=on_time.lead_unit
    )
    return {
        "submitted": submitted,
        "overdue": overdue,
        "extensions": [extension],
        "checks": with_checks[:2],
        "commitments": with_commitments[:2],
        "tough": [lacking],
    }


def build_roster() -> list:
    without = [DeputyFactory(), DeputyFactory()]
    DeputyFactory(
        status=DeputyStatus.RESIGNED, status_date=TODAY, status_reason="工作调动"
    )  # left office: no account needed
    return without


# --- tests -----------------------------------------------------------------------------------


def test_desk_counts_and_links_list_exactly_the_counted_rows(staff_client):
    deputy = DeputyWithUserFactory()
    perf = build_performance(deputy)
    sugg = build_suggestions()
    roster = build_roster()
    cards = desk_cards(staff_client)

    def check_list(c, expected):
        assert c["due"] and c["href"], c
        assert c["count"] == str(len(expected)), c
        response = staff_client.get(c["href"])
        assert response.status_code == 200, c["href"]
        cl = response.context["cl"]
        assert cl.result_count == len(expected), c["href"]
        assert {o.pk for o in cl.queryset} == {o.pk for o in expected}, c["href"]

    check_list(card(cards, "履职记录待审核", f"{YEAR} 年度"), perf["pending_now"])
    check_list(card(cards, "履职记录待审核", f"{YEAR - 1} 年度"), perf["pending_last"])
    assert not [c for c in cards if f"{YEAR - 2} 年度" in c["hint"]]  # frozen year
    check_list(card(cards, "积分异议待处理"), perf["disputes"])
    check_list(card(cards, "提醒谈话"), perf["talk"])
    check_list(card(cards, "代表待述职"), perf["planned"])
    check_list(card(cards, "述职待核实"), perf["held"])
    check_list(card(cards, "活动未结束点名"), perf["rolls"])

    consequences = card(cards, "考核结果运用待决定")
    assert consequences["count"] == "2" and consequences["due"]
    response = staff_client.get(consequences["href"])
    assert response.status_code == 200
    undecided = {(d.pk, "reelection") for d, made in response.context["reelection"] if not made}
    undecided |= {(c.deputy.pk, "exit") for c, made in response.context["exits"] if not made}
    assert undecided == perf["consequences"]

    check_list(card(cards, "待立案"), sugg["submitted"])
    check_list(card(cards, "延期申请待审核"), sugg["extensions"])
    check_list(card(cards, "超期未答复"), sugg["overdue"])
    checks = card(cards, "办结后检查到期")
    assert "共 3 项检查" in checks["hint"]
    check_list(checks, sugg["checks"])
    commitments = card(cards, "承诺事项逾期")
    assert "共 3 项承诺" in commitments["hint"]
    check_list(commitments, sugg["commitments"])
    check_list(card(cards, "攻坚项目缺季度述职"), sugg["tough"])

    check_list(card(cards, "在任代表未开通账号"), roster)


def test_desk_without_work_is_calm(staff_client):
    rule_set(YEAR)
    VoterReportPlan.objects.create(year=YEAR)
    cards = desk_cards(staff_client)
    assert len(cards) == 22  # 7 ledger, 8 suggestion, 1 roster, 3 liaison desk, 1 index, 2 training
    for c in cards:
        assert c["count"] == "0", c
        assert not c["due"] and not c["href"], c
    assert "desk-card is-due" not in staff_client.get("/admin/").content.decode()


def test_missing_voter_report_plan_links_to_making_one(staff_client):
    cards = desk_cards(staff_client)
    plan = card(cards, "述职计划")
    assert plan["count"] == "未制定" and plan["due"]
    assert staff_client.get(plan["href"]).status_code == 200
    assert not [c for c in cards if c["label"] == "代表待述职"]


def test_panels_take_a_fixed_number_of_queries(rf, staff_user, django_assert_max_num_queries):
    request = rf.get("/admin/")
    request.user = staff_user
    staff_user.has_module_perms("performance")  # permissions cached, as on the admin index

    def measure():
        counts = []
        for panel, limit in (
            (performance_panels.staff_panel, 1),
            (suggestion_panels.staff_panel, 1),
            (deputy_panels.staff_panel, 1),
        ):
            with django_assert_max_num_queries(limit) as captured:
                assert panel(request)["items"]
            counts.append(len(captured))
        return counts

    build_performance(DeputyWithUserFactory())
    build_suggestions()
    build_roster()
    first = measure()
    build_performance(DeputyWithUserFactory())  # twice the data: same queries
    build_suggestions()
    build_roster()
    assert measure() == first


def test_desk_page_queries_do_not_grow_with_data(staff_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/admin/").status_code == 200
        return len(captured)

    build_performance(DeputyWithUserFactory())
    build_roster()
    queries()  # warm what the process keeps between requests (the base page's cached counts)
    first = queries()
    build_performance(DeputyWithUserFactory())
    build_roster()
    build_roster()
    assert queries() == first


@pytest.mark.parametrize("who", ["deputy_client", "unit_client"])
def test_deputies_and_units_get_no_desk(request, who):
    client = request.getfixturevalue(who)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert "staff-desk" not in client.get(response["Location"]).content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_without_app_permissions_sees_no_panel_of_that_app(client, db):
    from tests.accounts.factories import UserFactory

    user = UserFactory(is_staff=True)  # staff flag, but no role and no permissions
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "desk-card" not in response.content.decode()


def test_long_id_lists_link_to_the_staff_page(staff_client, monkeypatch):
    """A card listing its rows by id (the tough projects lacking a report) links to the staff
    page once the ids would outgrow a request line."""
    monkeypatch.setattr(suggestion_panels, "MAX_IDS_IN_LINK", 0)
    build_suggestions()
    tough = card(desk_cards(staff_client), "攻坚项目缺季度述职")
    assert tough["count"] == "1" and tough["href"] == "/suggestions/staff/"
    assert staff_client.get(tough["href"]).status_code == 200


def test_check_and_commitment_cards_link_to_the_attention_filter(staff_client):
    """However many suggestions have a check due, the card's link is the list's 督办事项
    filter (it named every suggestion's id before, up to three hundred of them)."""
    build_suggestions()
    cards = desk_cards(staff_client)
    assert card(cards, "办结后检查到期")["href"].endswith("?attention=checks")
    assert card(cards, "承诺事项逾期")["href"].endswith("?attention=commitments")


def test_desk_counts_every_panel_in_one_query(rf, staff_user, time_machine):
    """The admin index counts all panels' plain counts in one UNION query; the cards are the
    same as each panel counting its own."""
    time_machine.move_to(timezone.now(), tick=False)  # the triage card's link has the time
    from accounts.roles import Role
    from core.dashboard import panels_for
    from liaison.panels import index as index_panels
    from liaison.panels import opinions as opinion_panels
    from training.panels import staff as training_panels

    request = rf.get("/admin/")
    request.user = staff_user
    staff_user.has_module_perms("performance")  # permissions cached, as on the admin index
    build_performance(DeputyWithUserFactory())
    build_suggestions()
    build_roster()
    with CaptureQueriesContext(connection) as captured:
        desk = [context["items"] for _template, context in panels_for(Role.STAFF, request)]
    unions = [q for q in captured if "UNION ALL" in q["sql"] and "desk_card" in q["sql"]]
    assert len(unions) == 1
    assert len(captured) == 1  # the union, with the reads that are not plain counts
    alone = [
        panel(request)["items"]
        for panel in (
            performance_panels.staff_panel,
            suggestion_panels.staff_panel,
            deputy_panels.staff_panel,
            opinion_panels.staff_panel,
            index_panels.staff_panel,
            training_panels.staff_panel,
        )
    ]
    assert desk == alone
    assert any(item.count for items in desk for item in items)
