"""The staff's admin for the ledger: pages render, actions change data through the services."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import clock
from performance.defaults import DEFAULT_RULES
from performance.models import (
    Activity,
    Assessment,
    AttendanceStatus,
    ConsequenceDecision,
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryStatus,
    Grade,
    IdleReminder,
    LedgerEntry,
    Publication,
    ReportStatus,
    RuleSet,
    SupervisionTopic,
    VoterReport,
    VoterReportPlan,
)
from performance.scoring import assessment_compute
from performance.services import voter_report_plan_create
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import (
    ActivityFactory,
    AttendanceFactory,
    LedgerEntryFactory,
    SupervisionTopicFactory,
    rule_set,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "ruleset",
    "ledgerentry",
    "activity",
    "supervisiontopic",
    "topicsignup",
    "assessment",
    "consequencedecision",
    "publication",
    "dispute",
    "voterreportplan",
    "voterreport",
    "idlereminder",
]


def url(name, *args):
    return reverse(f"admin:performance_{name}", args=args)


def act(client, model, action, objs, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objs], **extra}
    return client.post(url(f"{model}_changelist"), data)


@pytest.fixture
def ledger(db):
    rule_set(2025)
    deputies = DeputyFactory.create_batch(3)
    for d in deputies:
        LedgerEntryFactory(deputy=d, code="B01")
        LedgerEntryFactory(deputy=d, code="I01", status=EntryStatus.PENDING, reviewed_at=None)
    assessment_compute(year=2025, today=date(2026, 6, 1))
    return deputies


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_renders_for_staff(staff_client, ledger, model):
    response = staff_client.get(url(f"{model}_changelist"), follow=True)
    assert response.status_code == 200


def test_assessment_list_opens_on_one_year(staff_client, ledger):
    """Ranks of two years interleaved would mislead; the bare list goes to the latest year."""
    LedgerEntryFactory(deputy=ledger[0], code="B01", year=2024)
    assessment_compute(year=2024, today=date(2026, 6, 1))
    response = staff_client.get(url("assessment_changelist"))
    assert response.status_code == 302 and response.url.endswith("?year=2025")
    response = staff_client.get(response.url)
    assert {a.rule_set.year for a in response.context["cl"].result_list} == {2025}


@pytest.mark.parametrize("model", ["ruleset", "ledgerentry", "activity", "supervisiontopic"])
def test_add_pages_render(staff_client, ledger, model):
    assert staff_client.get(url(f"{model}_add")).status_code == 200


def test_change_pages_render(staff_client, ledger):
    entry = LedgerEntry.objects.first()
    assert staff_client.get(url("ledgerentry_change", entry.pk)).status_code == 200
    assert staff_client.get(url("ruleset_change", entry.rule.rule_set_id)).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "deputy", "plain"])
def test_non_staff_cannot_reach_the_admin(client, deputy, plain_user, ledger, who):
    if who == "deputy":
        client.force_login(deputy.user)
    elif who == "plain":
        client.force_login(plain_user)
    for name in ("ledgerentry_changelist", "consequences", "ledgerentry_import"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


# --- ledger entries --------------------------------------------------------------------------


def test_bulk_verify(staff_client, staff_user, ledger):
    pending = list(LedgerEntry.objects.filter(status=EntryStatus.PENDING))
    response = act(staff_client, "ledgerentry", "verify", pending)
    assert response.status_code == 302
    assert not LedgerEntry.objects.filter(status=EntryStatus.PENDING).exists()
    assert LedgerEntry.objects.filter(reviewed_by=staff_user).count() == 3


def test_bulk_verify_says_why_entries_were_left_alone(staff_client, ledger):
    from performance.scoring import rule_set_freeze

    pending = list(LedgerEntry.objects.filter(status=EntryStatus.PENDING))
    verified = LedgerEntry.objects.filter(status=EntryStatus.VERIFIED).first()
    rule_set_freeze(year=2025)
    response = act(staff_client, "ledgerentry", "verify", [*pending, verified])
    texts = [str(m) for m in response.wsgi_request._messages]
    assert "已核实 0 条记录。" in texts
    assert "4 条属于已封存年度，未作改动。" in texts
    assert LedgerEntry.objects.filter(status=EntryStatus.PENDING).count() == 3


def test_bulk_reject_asks_for_a_reason_first(staff_client, ledger):
    pending = list(LedgerEntry.objects.filter(status=EntryStatus.PENDING))
    response = act(staff_client, "ledgerentry", "reject", pending)
    assert response.status_code == 200
    assert "退回履职记录" in response.content.decode()
    assert not LedgerEntry.objects.filter(status=EntryStatus.REJECTED).exists()
    response = act(staff_client, "ledgerentry", "reject", pending, apply="1", reason="")
    assert response.status_code == 200  # the form again, with the error
    response = act(staff_client, "ledgerentry", "reject", pending, apply="1", reason="无佐证")
    assert response.status_code == 302
    rejected = LedgerEntry.objects.filter(status=EntryStatus.REJECTED)
    assert rejected.count() == 3
    assert set(rejected.values_list("review_reason", flat=True)) == {"无佐证"}


def test_changelist_filters_and_search(staff_client, ledger):
    target = ledger[0]
    base = url("ledgerentry_changelist")
    for query in (
        "?year=2025",
        "?status__exact=pending",
        "?rule__dimension__exact=innovation",
        "?rule_code=B01",
        "?source_kind__exact=staff",
        "?deputy__level__exact=street",
        f"?q={target.code}",
        f"?q={target.name}",
    ):
        response = staff_client.get(base + query)
        assert response.status_code == 200, query
    response = staff_client.get(base + f"?q={target.code}")
    assert response.context["cl"].result_count == 2
    response = staff_client.get(base + "?rule_code=B01")
    assert response.context["cl"].result_count == 3


def test_staff_add_an_entry_through_the_admin(staff_client, staff_user, ledger):
    deputy = ledger[0]
    b03 = rule_set(2025).rules.get(code="B03")
    response = staff_client.post(
        url("ledgerentry_add"),
        {
            "deputy": deputy.pk,
            "rule": b03.pk,
            "occurred_on": "2025-05-06",
            "title": "进站接待选民",
            "place": "联络站",
            "description": "",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    entry = LedgerEntry.objects.get(rule=b03)
    assert (entry.status, entry.created_by, entry.source_kind) == ("verified", staff_user, "staff")


def test_admin_add_refuses_a_date_outside_the_rule_year(staff_client, ledger):
    b03 = rule_set(2025).rules.get(code="B03")
    response = staff_client.post(
        url("ledgerentry_add"),
        {
            "deputy": ledger[0].pk,
            "rule": b03.pk,
            "occurred_on": "2024-05-06",
            "title": "x",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "不在 2025 年度内" in response.content.decode()
    assert not LedgerEntry.objects.filter(rule=b03).exists()


def test_import_view_template_and_upload(staff_client, ledger):
    assert staff_client.get(url("ledgerentry_import")).status_code == 200
    template = staff_client.get(url("ledgerentry_import_template"))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    csv_template = staff_client.get(url("ledgerentry_import_template") + "?format=csv")
    assert "代表编号" in csv_template.content.decode("utf-8-sig")
    code = ledger[0].code
    good = f"代表编号,日期,规则编号,事项\n{code},2025-06-01,B04,走访群众\n".encode()
    response = staff_client.post(
        url("ledgerentry_import"), {"file": SimpleUploadedFile("a.csv", good)}
    )
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(rule__code="B04", status="verified").count() == 1
    bad = f"代表编号,日期,规则编号,事项\n{code},2025-06-02,B04,走访\nNOPE,2025-06-01,B04,x\n"
    response = staff_client.post(
        url("ledgerentry_import"), {"file": SimpleUploadedFile("b.csv", bad.encode())}
    )
    assert response.status_code == 200
    assert "第 3 行" in response.content.decode()
    assert LedgerEntry.objects.filter(rule__code="B04").count() == 1


def test_export_action(staff_client, ledger):
    response = act(staff_client, "ledgerentry", "export_xlsx", LedgerEntry.objects.all())
    assert response.status_code == 200
    # Dated since issue 8 (was "ledger.xlsx"), to the minute since issue 12: every export
    # says when it was taken, in its name and on its first line.
    stamp = clock.today().strftime("%Y%m%d")
    assert f'filename="ledger-{stamp}-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet["A1"].value == settings.LVZHI_COMMITTEE_NAME
    assert sheet["C1"].value.startswith("生成时间：")
    assert sheet.max_row == 2 + LedgerEntry.objects.count()


# --- rule sets -------------------------------------------------------------------------------


def test_copy_forward_action(staff_client, ledger):
    source = RuleSet.objects.get(year=2025)
    response = act(staff_client, "ruleset", "copy_forward", [source])
    assert response.status_code == 200
    response = act(staff_client, "ruleset", "copy_forward", [source], apply="1", year="2027")
    assert response.status_code == 302
    copied = RuleSet.objects.get(year=2027)
    assert copied.rules.count() == source.rules.count()
    response = act(staff_client, "ruleset", "copy_forward", [source], apply="1", year="2027")
    assert "已有积分规则" in response.content.decode()


def test_freeze_then_unfreeze_with_reason(staff_client, ledger):
    rs = RuleSet.objects.get(year=2025)
    act(staff_client, "ruleset", "freeze", [rs])
    rs.refresh_from_db()
    assert rs.frozen
    response = staff_client.get(url("ruleset_change", rs.pk))
    assert response.status_code == 200
    assert 'name="rules-0-points"' not in response.content.decode()  # frozen: read-only
    act(staff_client, "ruleset", "unfreeze", [rs], apply="1", reason="更正录入错误")
    rs.refresh_from_db()
    assert not rs.frozen


def test_compute_action_reports_a_frozen_year(staff_client, ledger):
    rs = RuleSet.objects.get(year=2025)
    act(staff_client, "ruleset", "freeze", [rs])
    response = act(staff_client, "ruleset", "compute", [rs])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("已封存" in m for m in messages)


# --- activities and topics -------------------------------------------------------------------


def test_close_roll_action_writes_ledger_entries(staff_client, ledger):
    activity = ActivityFactory(occurred_on=date(2025, 5, 12))
    present, absent, excused = ledger
    AttendanceFactory(activity=activity, deputy=present)
    AttendanceFactory(activity=activity, deputy=absent, status=AttendanceStatus.UNEXCUSED)
    AttendanceFactory(activity=activity, deputy=excused, status=AttendanceStatus.EXCUSED)
    act(staff_client, "activity", "close_roll", [activity])
    activity.refresh_from_db()
    assert activity.roll_closed_at is not None
    assert LedgerEntry.objects.get(deputy=present, rule__code="B02").status == "verified"
    assert LedgerEntry.objects.get(deputy=absent, rule__code="B07").rule.points < 0
    assert not LedgerEntry.objects.filter(deputy=excused, rule__code__in=["B02", "B07"]).exists()
    response = act(staff_client, "activity", "close_roll", [activity])  # again: a message
    assert any("已结束点名" in str(m) for m in response.wsgi_request._messages)
    assert LedgerEntry.objects.filter(rule__code__in=["B02", "B07"]).count() == 2
    assert staff_client.get(url("activity_change", activity.pk)).status_code == 200


def test_publish_topics_action(staff_client, ledger):
    topic = SupervisionTopicFactory(published_at=None)
    act(staff_client, "supervisiontopic", "publish", [topic])
    topic.refresh_from_db()
    assert topic.published_at is not None


# --- assessment, consequences, publication ---------------------------------------------------


def test_assessment_changelist_is_ranked_and_explained(staff_client, ledger):
    response = staff_client.get(
        url("assessment_changelist") + "?year=2025&grade__exact=incompetent"
    )
    assert response.status_code == 200
    ranks = [a.rank for a in response.context["cl"].result_list]
    assert ranks == sorted(ranks) and len(ranks) == 3
    assessment = Assessment.objects.first()
    response = staff_client.get(url("assessment_explain", assessment.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "B01" in body and "基础分" in body
    assert staff_client.get(url("assessment_add")).status_code == 403


def test_recompute_button_and_report_download(staff_client, ledger):
    LedgerEntryFactory(deputy=ledger[0], code="B02")
    response = staff_client.post(url("assessment_recompute"), {"year": "2025"})
    assert response.status_code == 302
    assert Assessment.objects.get(deputy=ledger[0]).base == Decimal("5")
    for fmt in ("csv", "xlsx", "pdf"):
        response = staff_client.get(url("assessment_report") + f"?year=2025&format={fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_consequences_page_and_decision(staff_client, staff_user, ledger, give):
    for year in (2023, 2024, 2025):
        rule_set(year)
    star = DeputyFactory()
    for year in (2023, 2024, 2025):
        give(star, year=year, B01=8, B02=5, B03=6, B04=6, B05=6, I01=3, I02=2, C01=4, C02=3)
        assessment_compute(year=year, today=date(2026, 6, 1))
    assert Assessment.objects.get(deputy=star, rule_set__year=2025).grade == Grade.EXCELLENT
    response = staff_client.get(url("consequences") + "?year=2025")
    assert response.status_code == 200
    assert [d for d, _ in response.context["reelection"]] == [star]
    exits = {c.deputy: c for c, _ in response.context["exits"]}
    assert set(exits) == set(ledger)  # 不称职 in 2024 and 2025
    assert all(c.incompetent_twice and not c.no_base_entry for c in exits.values())
    response = staff_client.post(
        url("consequences") + "?year=2025",
        {"deputy": star.pk, "kind": "reelection", "decision": "recommended", "note": "工委会研究"},
    )
    assert response.status_code == 302
    decision = ConsequenceDecision.objects.get()
    assert (decision.deputy, decision.year, decision.decided_by) == (star, 2025, staff_user)
    response = staff_client.get(url("consequences") + "?year=2025")
    assert "推荐连任" in response.content.decode()


def test_publish_quarter(staff_client, ledger):
    assert staff_client.get(url("assessment_publish")).status_code == 200
    response = staff_client.post(url("assessment_publish"), {"year": "2025", "quarter": "4"})
    assert response.status_code == 302
    assert len(Publication.objects.get(year=2025, quarter=4).rows) == 3


# --- disputes --------------------------------------------------------------------------------


def test_dispute_accept_and_reject(staff_client, ledger):
    entry = LedgerEntry.objects.filter(status="verified").first()
    dup = Dispute.objects.create(
        deputy=entry.deputy, kind=DisputeKind.DUPLICATE, entry=entry, note="重复"
    )
    missing = Dispute.objects.create(
        deputy=entry.deputy,
        kind=DisputeKind.MISSING,
        rule=rule_set(2025).rules.get(code="B03"),
        occurred_on=date(2025, 4, 1),
        title="接待选民",
        note="漏记",
    )
    act(staff_client, "dispute", "accept", [dup])
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED
    response = act(staff_client, "dispute", "reject", [missing])
    assert response.status_code == 200
    act(staff_client, "dispute", "reject", [missing], apply="1", reason="当日无接待安排")
    missing.refresh_from_db()
    assert (missing.status, missing.resolution) == (DisputeStatus.REJECTED, "当日无接待安排")
    assert staff_client.get(url("dispute_change", missing.pk)).status_code == 200


def test_dispute_list_puts_open_ones_first_and_says_what_accepting_does(staff_client, ledger):
    entry = LedgerEntry.objects.filter(status="verified").first()
    settled = Dispute.objects.create(
        deputy=entry.deputy, kind=DisputeKind.WRONG, entry=entry, note="旧异议",
        status=DisputeStatus.ACCEPTED,
    )  # fmt: skip
    dup = Dispute.objects.create(
        deputy=entry.deputy, kind=DisputeKind.DUPLICATE, entry=entry, note="与另一条重复"
    )
    Dispute.objects.filter(pk=dup.pk).update(created_at=settled.created_at - timedelta(days=3))
    response = staff_client.get(url("dispute_changelist"))
    assert [d.pk for d in response.context["cl"].result_list] == [dup.pk, settled.pk]
    assert "与另一条重复" in response.content.decode()
    body = staff_client.get(url("dispute_change", dup.pk)).content.decode()
    assert "退回所涉记录" in body and url("ledgerentry_change", entry.pk) in body


# --- report to voters ------------------------------------------------------------------------


def test_plan_create_record_and_verify(staff_client, ledger):
    assert staff_client.get(url("voterreportplan_add")).status_code == 302
    assert staff_client.get(url("voterreportplan_create")).status_code == 200
    response = staff_client.post(url("voterreportplan_create"), {"year": "2025", "share": "0.2"})
    assert response.status_code == 302
    plan = VoterReportPlan.objects.get(year=2025)
    report = plan.reports.get()  # ceil(0.2 * 3) = 1
    assert staff_client.get(url("voterreportplan_change", plan.pk)).status_code == 200
    response = staff_client.post(
        url("voterreport_change", report.pk),
        {
            "held_on": "2025-09-10",
            "place": "社区议事厅",
            "voters_present": "40",
            "satisfied": "30",
            "basically_satisfied": "8",
            "unsatisfied": "5",
        },
    )
    assert response.status_code == 200  # 43 votes > 40 voters
    assert "不能超过参会选民数" in response.content.decode()
    response = staff_client.post(
        url("voterreport_change", report.pk),
        {
            "held_on": "2025-09-10",
            "place": "社区议事厅",
            "voters_present": "40",
            "satisfied": "30",
            "basically_satisfied": "8",
            "unsatisfied": "2",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.satisfied) == (ReportStatus.HELD, 30)
    act(staff_client, "voterreport", "verify", [report])
    report.refresh_from_db()
    assert report.status == ReportStatus.VERIFIED
    assert LedgerEntry.objects.get(deputy=report.deputy, rule__code="B06").status == "verified"
    response = staff_client.post(url("voterreportplan_create"), {"year": "2025", "share": "0.2"})
    assert "已制定述职计划" in response.content.decode()


def test_verify_refuses_a_report_not_held(staff_client, ledger):
    plan = voter_report_plan_create(year=2025, today=date(2026, 6, 1))
    report = plan.reports.get()
    response = act(staff_client, "voterreport", "verify", [report])
    assert any("请先登记" in str(m) for m in response.wsgi_request._messages)
    assert VoterReport.objects.get().status == ReportStatus.PLANNED


# --- reminders -------------------------------------------------------------------------------


def test_talk_list_filter_and_record_talk(staff_client, ledger):
    deputy = ledger[0]
    IdleReminder.objects.create(deputy=deputy, idle_since=date(2025, 1, 1), sequence=1,
                                sent_on=date(2025, 3, 2))  # fmt: skip
    second = IdleReminder.objects.create(
        deputy=deputy, idle_since=date(2025, 1, 1), sequence=2, sent_on=date(2025, 4, 2)
    )
    LedgerEntry.objects.filter(deputy=deputy).delete()
    response = staff_client.get(url("idlereminder_changelist") + "?talk=due")
    assert list(response.context["cl"].result_list) == [second]
    response = act(staff_client, "idlereminder", "record_talk", [second])
    assert response.status_code == 200
    response = act(
        staff_client, "idlereminder", "record_talk", [second], apply="1", on="2099-01-01"
    )
    assert "谈话日期不能晚于今天" in response.content.decode()
    act(staff_client, "idlereminder", "record_talk", [second], apply="1", on="2025-04-10",
        note="已电话提醒")  # fmt: skip
    second.refresh_from_db()
    assert (second.talked_on, second.talk_note) == (date(2025, 4, 10), "已电话提醒")
    response = staff_client.get(url("idlereminder_changelist") + "?talk=due")
    assert list(response.context["cl"].result_list) == []


# --- query counts ----------------------------------------------------------------------------


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _more_rows(n):
    rules = rule_set(2025)
    topic = SupervisionTopicFactory()
    plan = VoterReportPlan.objects.get_or_create(year=2025)[0]
    for _i in range(n):
        deputy = DeputyFactory()
        entry = LedgerEntryFactory(deputy=deputy, code="B02")
        activity = ActivityFactory(topic=topic)
        AttendanceFactory(activity=activity, deputy=deputy)
        topic.signups.create(deputy=deputy)
        VoterReport.objects.create(plan=plan, deputy=deputy)
        Dispute.objects.create(deputy=deputy, kind=DisputeKind.WRONG, entry=entry, note="x")
        IdleReminder.objects.create(
            deputy=deputy, idle_since=date(2025, 1, 1), sequence=2, sent_on=date(2025, 4, 1)
        )
        ConsequenceDecision.objects.create(
            deputy=deputy, year=2025, kind="exit", decision="talked", decided_on=date(2025, 12, 1)
        )
    SupervisionTopic.objects.create(year=2025, title=f"议题{Activity.objects.count()}")
    assessment_compute(year=rules.year, today=date(2026, 6, 1))


@pytest.mark.parametrize("model", MODELS)
def test_changelist_query_count_does_not_grow(staff_client, ledger, model):
    path = url(f"{model}_changelist") + ("?year=2025" if model == "assessment" else "")
    _more_rows(2)
    _count(staff_client, path)  # warm what the process keeps between requests (cached counts)
    small = _count(staff_client, path)
    _more_rows(6)
    assert _count(staff_client, path) == small


@pytest.mark.parametrize("name", ["consequences"])
def test_consequences_query_count_does_not_grow(staff_client, ledger, give, name):
    path = url(name) + "?year=2025"
    _more_rows(2)
    _count(staff_client, path)  # warm what the process keeps between requests (cached counts)
    small = _count(staff_client, path)
    _more_rows(6)
    assert _count(staff_client, path) == small


def test_add_participants_by_group_or_level(staff_client, ledger):
    from deputies.models import Level

    activity = ActivityFactory(occurred_on=date(2025, 5, 12))
    DeputyFactory(level=Level.PROVINCE)
    response = act(staff_client, "activity", "add_participants", [activity], apply="1")
    assert response.status_code == 200  # neither group nor level: asked again
    body = response.content.decode()
    assert "请选择专业代表小组、代表层级或议题认领代表" in body
    assert '<label for="id_group">' in body  # optional: not marked as required
    reject = act(staff_client, "ledgerentry", "reject", LedgerEntry.objects.all()[:1])
    assert '<label class="required" for="id_reason">' in reject.content.decode()
    act(staff_client, "activity", "add_participants", [activity], apply="1", level="province")
    assert activity.attendances.count() == 1
    act(staff_client, "activity", "add_participants", [activity], apply="1", level="street")
    act(staff_client, "activity", "add_participants", [activity], apply="1", level="street")
    assert activity.attendances.count() == 4  # the three street deputies once each
    assert set(activity.attendances.values_list("status", flat=True)) == {"present"}


def test_add_participants_who_signed_up_for_the_topic(staff_client, ledger):
    topic = SupervisionTopicFactory()
    for deputy in ledger[:2]:
        topic.signups.create(deputy=deputy)
    under_topic = ActivityFactory(occurred_on=date(2025, 5, 12), topic=topic)
    loose = ActivityFactory(occurred_on=date(2025, 5, 13))
    act(staff_client, "activity", "add_participants", [under_topic, loose], apply="1",
        topic_signups="on")  # fmt: skip
    assert set(under_topic.attendances.values_list("deputy", flat=True)) == {
        d.pk for d in ledger[:2]
    }
    assert not loose.attendances.exists()


def test_rules_are_listed_in_the_order_of_the_scoring_table(staff_client, ledger):
    response = staff_client.get(url("ruleset_change", RuleSet.objects.get(year=2025).pk))
    (rules,) = [f.formset for f in response.context["inline_admin_formsets"]]
    codes = [form.instance.code for form in rules.forms if form.instance.pk]
    assert codes == [row[0] for row in DEFAULT_RULES]  # B01…B07, I01…I04, C01…C04


def test_an_ended_open_year_warns_that_edits_rewrite_it(staff_client, ledger):
    from performance.admin import ERR_ENDED_NOT_FROZEN

    past = RuleSet.objects.get(year=2025)  # the tests run after 2025
    response = staff_client.get(url("ruleset_change", past.pk))
    assert ERR_ENDED_NOT_FROZEN % {"year": 2025} in [str(m) for m in response.context["messages"]]
    current = rule_set(date.today().year)
    response = staff_client.get(url("ruleset_change", current.pk))
    assert not [m for m in response.context["messages"] if "尚未封存" in str(m)]


def test_rule_edit_errors_are_shown_not_raised(staff_client, ledger):
    rs = RuleSet.objects.get(year=2025)
    rules = list(rs.rules.order_by("id"))
    data = {
        "year": "2025",
        "base_cap": "60",
        "innovation_cap": "20",
        "contribution_cap": "20",
        "excellent_min": "85",
        "competent_min": "70",
        "basic_min": "60",
        "excellence_quota": "0.20",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": str(len(rules)),
    }
    for i, r in enumerate(rules):
        data.update({
            f"rules-{i}-id": str(r.pk), f"rules-{i}-rule_set": str(rs.pk),
            f"rules-{i}-code": r.code, f"rules-{i}-name": r.name,
            f"rules-{i}-dimension": r.dimension, f"rules-{i}-points": str(r.points),
            f"rules-{i}-yearly_cap": "" if r.yearly_cap is None else str(r.yearly_cap),
        })  # fmt: skip
    data["rules-0-points"] = "0"
    data["rules-1-yearly_cap"] = "-2"
    data["excellence_quota"] = "1.5"
    response = staff_client.post(url("ruleset_change", rs.pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "每次分值不能为 0" in body
    assert "优秀比例须大于 0 且不超过 1" in body
    assert rs.rules.get(pk=rules[0].pk).points != 0
    data.update({"rules-0-points": "2.5", "rules-1-yearly_cap": "20", "excellence_quota": "0.25"})
    assert staff_client.post(url("ruleset_change", rs.pk), data).status_code == 302
    assert rs.rules.get(pk=rules[0].pk).points == Decimal("2.5")


def test_automatic_entry_links_to_its_source(staff_client, ledger):
    from performance.services import ledger_credit

    activity = ActivityFactory(occurred_on=date(2025, 5, 12))
    attendance = AttendanceFactory(activity=activity, deputy=ledger[0])
    entry = ledger_credit(deputy=ledger[0], rule_code="B02", source=activity,
                          occurred_on=activity.occurred_on, title="视察")  # fmt: skip
    body = staff_client.get(url("ledgerentry_change", entry.pk)).content.decode()
    assert url("activity_change", activity.pk) in body
    other = ledger_credit(deputy=ledger[0], rule_code="B01", source=attendance,
                          occurred_on=activity.occurred_on, title="出席")  # fmt: skip
    assert staff_client.get(url("ledgerentry_change", other.pk)).status_code == 200


def test_closed_activities_and_held_plans_cannot_be_deleted(staff_client, ledger):
    activity = ActivityFactory(occurred_on=date(2025, 5, 12))
    AttendanceFactory(activity=activity, deputy=ledger[0])
    assert staff_client.get(url("activity_delete", activity.pk)).status_code == 200
    act(staff_client, "activity", "close_roll", [activity])
    assert staff_client.get(url("activity_delete", activity.pk)).status_code == 403
    plan = voter_report_plan_create(year=2025, today=date(2026, 6, 1))
    assert staff_client.get(url("voterreportplan_delete", plan.pk)).status_code == 200
    plan.reports.update(status=ReportStatus.HELD, held_on=date(2025, 9, 1))
    assert staff_client.get(url("voterreportplan_delete", plan.pk)).status_code == 403
