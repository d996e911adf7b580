"""The deputy's pages of the duty ledger: access for every role, submitting, disputes, the
explained score, the topic menu and the published standings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from performance.models import (
    ERR_FILE_TYPE,
    Dispute,
    DisputeKind,
    EntryStatus,
    LedgerEntry,
    TopicSignup,
)
from performance.scoring import assessment_compute
from performance.services import (
    ERR_DATE_IN_FUTURE,
    ERR_EVIDENCE_REQUIRED,
    publication_publish,
)
from tests.performance.factories import SupervisionTopicFactory
from tests.performance.factories_pages import (
    current_rules,
    entry,
    evidence,
    png,
    this_year,
)

pytestmark = pytest.mark.django_db

# The pages read today's date from the clock. Pinned inside the demo term of the deputy
# factories (2022-2026), so "this year" has a serving deputy whatever the real date is.
PINNED = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(PINNED, tick=False):
        yield


@pytest.fixture
def own(deputy):
    e = entry(deputy, title="走访东湖社区独居老人")
    evidence(e)
    return e


@pytest.fixture
def others(other_deputy):
    e = entry(other_deputy, title="他人的秘密记录")
    evidence(e)
    return e


@pytest.fixture
def topic(db):
    return SupervisionTopicFactory(year=this_year(), title="老旧小区加装电梯")


def _urls(own, topic):
    """Every page with the deputy's own objects; (name, url, method)."""
    ev = own.evidence.first()
    return [
        ("my_ledger", reverse("performance:my_ledger"), "get"),
        ("submit", reverse("performance:submit"), "get"),
        ("entry_detail", reverse("performance:entry_detail", args=[own.pk]), "get"),
        ("dispute", reverse("performance:dispute", args=[own.pk]), "get"),
        ("missing", reverse("performance:missing"), "get"),
        ("evidence", reverse("performance:evidence", args=[ev.pk]), "get"),
        ("standings", reverse("performance:standings"), "get"),
        ("topics", reverse("performance:topics"), "get"),
        ("topic_signup", reverse("performance:topic_signup", args=[topic.pk]), "post"),
    ]


STAFF_ALLOWED = {"standings", "evidence"}


def test_anonymous_is_sent_to_login(client, own, topic):
    for name, url, method in _urls(own, topic):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


@pytest.mark.parametrize("who", ["plain_user", "unit_user"])
def test_wrong_roles_are_refused(client, own, topic, who, request):
    client.force_login(request.getfixturevalue(who))
    for name, url, method in _urls(own, topic):
        assert getattr(client, method)(url).status_code == 403, name


def test_deputy_opens_every_page(deputy_client, own, topic):
    for name, url, method in _urls(own, topic):
        expected = 302 if method == "post" else 200
        assert getattr(deputy_client, method)(url).status_code == expected, name


def test_staff_see_standings_and_evidence_but_not_deputy_pages(staff_client, own, topic):
    for name, url, method in _urls(own, topic):
        response = getattr(staff_client, method)(url)
        assert response.status_code == (200 if name in STAFF_ALLOWED else 403), name


def test_deputy_gets_404_for_another_deputys_entry(deputy_client, others):
    for url in (
        reverse("performance:entry_detail", args=[others.pk]),
        reverse("performance:dispute", args=[others.pk]),
        reverse("performance:evidence", args=[others.evidence.first().pk]),
    ):
        assert deputy_client.get(url).status_code == 404, url
    response = deputy_client.post(
        reverse("performance:dispute", args=[others.pk]), {"kind": "wrong", "note": "x"}
    )
    assert response.status_code == 404
    assert not Dispute.objects.exists()


def test_ledger_lists_only_own_entries(deputy_client, own, others):
    response = deputy_client.get(reverse("performance:my_ledger"))
    assert own.title in response.text
    assert others.title not in response.text


def test_evidence_is_served_to_its_deputy(deputy_client, own):
    response = deputy_client.get(reverse("performance:evidence", args=[own.evidence.first().pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --- submitting ----------------------------------------------------------------------------


def _post(client, **overrides):
    rules = current_rules()
    data = {
        "rule": rules.rules.get(code="B04").pk,
        "occurred_on": timezone.localdate().isoformat(),
        "title": "走访独居老人",
        "place": "东湖社区",
        "description": "了解加装电梯意愿",
        "files": [png()],
    }
    data.update(overrides)
    return client.post(reverse("performance:submit"), data, follow=True)


def test_submit_with_a_photo_creates_a_pending_entry(deputy_client, deputy):
    response = _post(deputy_client)
    assert response.redirect_chain[-1][0] == reverse("performance:my_ledger")
    entry_ = LedgerEntry.objects.get(deputy=deputy)
    assert entry_.status == EntryStatus.PENDING
    assert entry_.rule.code == "B04"
    assert entry_.evidence.count() == 1
    assert "已提交，工委核实后计入积分。" in response.text
    assert "走访独居老人" in response.text


def test_submit_several_files(deputy_client, deputy):
    _post(deputy_client, files=[png("a.png"), png("b.png")])
    assert LedgerEntry.objects.get(deputy=deputy).evidence.count() == 2


def test_submit_rejects_wrong_file_type(deputy_client):
    bad = png("virus.exe")
    response = _post(deputy_client, files=[bad])
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "files" in errors
    assert "virus.exe" in errors["files"][0]
    assert ERR_FILE_TYPE in errors["files"][0]
    assert not LedgerEntry.objects.exists()
    assert "is-invalid" in response.text


def test_submit_rejects_a_file_too_big(deputy_client, settings):
    settings.LVZHI_LEDGER_EVIDENCE_MAX_MB = 1
    response = _post(deputy_client, files=[png("big.png", size=1024 * 1024 + 1)])
    assert "不能超过 1 MB" in response.context["form"].errors["files"][0]
    assert not LedgerEntry.objects.exists()


def test_submit_rejects_a_future_date(deputy_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _post(deputy_client, occurred_on=tomorrow.isoformat())
    assert response.context["form"].errors["occurred_on"] == [ERR_DATE_IN_FUTURE]
    assert not LedgerEntry.objects.exists()


def test_submit_offers_only_self_service_rules(deputy_client):
    rules = current_rules()
    response = deputy_client.get(reverse("performance:submit"))
    codes = {r.code for r in response.context["form"].fields["rule"].queryset}
    assert "B04" in codes and "I01" in codes
    assert not codes & {"B06", "B07", "C01", "C02"}
    response = _post(deputy_client, rule=rules.rules.get(code="B07").pk)
    assert "rule" in response.context["form"].errors
    assert not LedgerEntry.objects.exists()


def test_submit_requires_evidence_where_the_rule_does(deputy_client):
    rule = current_rules().rules.get(code="I01")
    response = _post(deputy_client, rule=rule.pk, files=[])
    assert response.context["form"].errors["files"] == [ERR_EVIDENCE_REQUIRED % {"rule": rule}]
    assert not LedgerEntry.objects.exists()


def test_submit_to_a_frozen_year_is_refused_with_a_message(deputy_client):
    rules = current_rules()
    rules.frozen, rules.frozen_at = True, timezone.now()
    rules.save()
    assert "已封存" in deputy_client.get(reverse("performance:submit")).text
    response = _post(deputy_client)
    assert response.context["form"].non_field_errors()
    assert not LedgerEntry.objects.exists()


def test_submit_page_without_rules_says_so(deputy_client):
    response = deputy_client.get(reverse("performance:submit"))
    assert "尚未发布" in response.text


# --- the ledger page -----------------------------------------------------------------------


def test_ledger_explains_the_score_with_caps(deputy_client, deputy):
    for _ in range(10):  # B01: 10 x 2 = 20, capped at 16
        entry(deputy, "B01")
    entry(deputy, "I01")
    assessment_compute(year=this_year())
    response = deputy_client.get(reverse("performance:my_ledger"))
    assert response.context["assessment"].total == 20  # 16 + 4
    base = response.context["breakdown"][0]
    b01 = next(line for line in base.rules if line.rule.code == "B01")
    assert (b01.count, b01.raw, b01.score, b01.capped) == (10, 20, 16, True)
    assert "超出年度上限，按 16 分计" in response.text
    assert "已核实 10 次 × 2 分 = 20 分" in response.text
    assert "名次" in response.text


def test_ledger_before_any_computation_previews_the_verified_entries(deputy_client, deputy):
    entry(deputy, "B02")
    entry(deputy, "B02", status=EntryStatus.PENDING)
    response = deputy_client.get(reverse("performance:my_ledger"))
    assert response.context["assessment"] is None
    b02 = next(line for line in response.context["breakdown"][0].rules if line.rule.code == "B02")
    assert b02.count == 1


def test_ledger_shows_a_dimension_floored_at_zero(deputy_client, deputy):
    entry(deputy, "B07")
    assessment_compute(year=this_year())
    response = deputy_client.get(reverse("performance:my_ledger"))
    assert response.context["breakdown"][0].floored
    assert "扣分后低于 0，按 0 分计" in response.text


def test_ledger_filters_by_status_and_shows_the_reason(deputy_client, deputy):
    entry(deputy, title="已核实的那条")
    entry(deputy, title="被退回的那条", status=EntryStatus.REJECTED, review_reason="照片看不清")
    response = deputy_client.get(reverse("performance:my_ledger"), {"status": "rejected"})
    assert [e.title for e in response.context["page"]] == ["被退回的那条"]
    assert "照片看不清" in response.text


def test_ledger_filters_by_year(deputy_client, deputy):
    entry(deputy, title="今年的", year=this_year())
    entry(deputy, title="去年的", year=this_year() - 1)
    response = deputy_client.get(reverse("performance:my_ledger"), {"year": this_year() - 1})
    assert [e.title for e in response.context["page"]] == ["去年的"]
    assert "今年的" not in response.text


def test_ledger_empty_state_says_what_to_do(deputy_client):
    current_rules()
    response = deputy_client.get(reverse("performance:my_ledger"))
    assert "还没有履职记录" in response.text
    assert "记一笔" in response.text


def _ledger_queries(client, django_assert_max_num_queries, n):
    with django_assert_max_num_queries(n):
        assert client.get(reverse("performance:my_ledger")).status_code == 200


def test_ledger_query_count_does_not_grow(deputy_client, deputy, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    entry(deputy, "B01")
    assessment_compute(year=this_year())
    with CaptureQueriesContext(connection) as few:
        deputy_client.get(reverse("performance:my_ledger"))
    for i, code in enumerate(["B01", "B02", "B03", "I01", "C03"] * 6):
        e = entry(deputy, code, status=[EntryStatus.VERIFIED, EntryStatus.PENDING][i % 2])
        evidence(e)
    Dispute.objects.create(deputy=deputy, kind=DisputeKind.WRONG, entry=e, note="错")
    assessment_compute(year=this_year())
    _ledger_queries(deputy_client, django_assert_max_num_queries, len(few))


def test_dashboard_panel_renders_on_deputy_home(deputy_client, deputy):
    entry(deputy, "B01")
    entry(deputy, "B02", status=EntryStatus.PENDING)
    assessment_compute(year=this_year())
    response = deputy_client.get(reverse("deputies:dashboard"))
    assert response.status_code == 200
    # The card is written in Python (``performance.card_html``), not included.
    assert "performance/_panel.html" in dict(response.context["panels"])
    assert "记一笔：提交履职记录" in response.text
    assert "1 条履职记录待工委核实" in response.text
    assert reverse("performance:my_ledger") in response.text
    assert "基础分" in response.text


def test_dashboard_panel_without_rules(deputy_client):
    response = deputy_client.get(reverse("deputies:dashboard"))
    assert "积分规则尚未发布" in response.text


# --- disputes ------------------------------------------------------------------------------


def test_dispute_an_own_entry(deputy_client, deputy, own):
    response = deputy_client.post(
        reverse("performance:dispute", args=[own.pk]),
        {"kind": DisputeKind.DUPLICATE, "note": "同一次走访记了两遍"},
        follow=True,
    )
    dispute = Dispute.objects.get()
    assert (dispute.deputy, dispute.entry, dispute.kind) == (deputy, own, DisputeKind.DUPLICATE)
    assert "异议已提交" in response.text


def test_dispute_with_a_bad_file_shows_a_field_error(deputy_client, own):
    response = deputy_client.post(
        reverse("performance:dispute", args=[own.pk]),
        {"kind": DisputeKind.WRONG, "note": "记错了", "evidence": png("x.bat")},
    )
    assert ERR_FILE_TYPE in response.context["form"].errors["evidence"][0]
    assert not Dispute.objects.exists()


def test_report_a_missing_entry(deputy_client, deputy):
    rule = current_rules().rules.get(code="B06")
    response = deputy_client.post(
        reverse("performance:missing"),
        {
            "rule": rule.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "title": "向选民述职",
            "note": "述职会已开，未见记录",
        },
        follow=True,
    )
    dispute = Dispute.objects.get()
    assert (dispute.kind, dispute.rule, dispute.deputy) == (DisputeKind.MISSING, rule, deputy)
    assert "补记申请已提交" in response.text


def test_missing_entry_in_the_future_is_a_field_error(deputy_client):
    rule = current_rules().rules.get(code="B01")
    response = deputy_client.post(
        reverse("performance:missing"),
        {
            "rule": rule.pk,
            "occurred_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "title": "会议",
            "note": "漏记",
        },
    )
    assert response.context["form"].errors["occurred_on"] == [ERR_DATE_IN_FUTURE]
    assert not Dispute.objects.exists()


def test_entry_detail_shows_evidence_and_reason(deputy_client, deputy):
    e = entry(deputy, status=EntryStatus.REJECTED, review_reason="日期与签到表不符")
    item = evidence(e, "签到表.pdf")
    response = deputy_client.get(reverse("performance:entry_detail", args=[e.pk]))
    assert "日期与签到表不符" in response.text
    assert reverse("performance:evidence", args=[item.pk]) in response.text
    assert "签到表.pdf" in response.text


# --- topic menu ----------------------------------------------------------------------------


def test_topic_signup_and_withdraw(deputy_client, deputy, topic):
    url = reverse("performance:topic_signup", args=[topic.pk])
    response = deputy_client.post(url, follow=True)
    assert TopicSignup.objects.filter(topic=topic, deputy=deputy).exists()
    assert "已认领“老旧小区加装电梯”" in response.text
    assert "取消认领" in response.text
    deputy_client.post(url, {"withdraw": "1"})
    assert not TopicSignup.objects.exists()


def test_unpublished_topics_are_hidden(deputy_client):
    draft = SupervisionTopicFactory(year=this_year(), title="草稿议题", published_at=None)
    assert "草稿议题" not in deputy_client.get(reverse("performance:topics")).text
    url = reverse("performance:topic_signup", args=[draft.pk])
    assert deputy_client.post(url).status_code == 404


def test_topics_empty_state(deputy_client):
    assert "尚未发布" in deputy_client.get(reverse("performance:topics")).text


# The ledger's entry rows as the page's template wrote them before they were written in Python.
def test_standings_show_the_published_table(deputy_client, deputy, other_deputy):
    entry(deputy, "B02")
    entry(other_deputy, "B01", title="他人的秘密记录")
    publication_publish(year=this_year(), quarter=1)
    response = deputy_client.get(reverse("performance:standings"))
    assert deputy.name in response.text and other_deputy.name in response.text
    assert "他人的秘密记录" not in response.text  # totals only, never entries
    assert response.context["own_code"] == deputy.code


# The rows as the page's template wrote them before they were written in Python.
def test_standings_unpublished(deputy_client, staff_client):
    assert "尚未公布" in deputy_client.get(reverse("performance:standings")).text
    url = reverse("performance:standings")
    assert deputy_client.get(url, {"year": this_year()}).status_code == 404


def test_a_returned_entry_can_be_resubmitted_prefilled(deputy_client, deputy, other_deputy):
    from performance.models import SourceKind

    returned = entry(
        deputy,
        "B03",
        status=EntryStatus.REJECTED,
        review_reason="缺签到表",
        source_kind=SourceKind.DEPUTY,
        title="进站接待选民",
    )
    detail = deputy_client.get(reverse("performance:entry_detail", args=[returned.pk]))
    assert f"?from={returned.pk}" in detail.text
    form = deputy_client.get(reverse("performance:submit"), {"from": returned.pk}).context["form"]
    assert form.initial["title"] == "进站接待选民"
    assert form.initial["rule"] == returned.rule_id
    theirs = entry(other_deputy, status=EntryStatus.REJECTED, review_reason="否")
    assert deputy_client.get(reverse("performance:submit"), {"from": theirs.pk}).status_code == 404


def test_ledger_and_panel_say_how_far_the_next_grade_line_is(deputy_client, deputy):
    for _ in range(5):
        entry(deputy, "B02")  # 15 points
    assessment_compute(year=this_year())
    expected = "距“基本称职”分数线还差 <strong>45</strong> 分。"
    assert expected in deputy_client.get(reverse("performance:my_ledger")).text
    assert expected in deputy_client.get(reverse("deputies:dashboard")).text


# --- dispute evidence ----------------------------------------------------------------------


@pytest.fixture
def dispute_with_file(deputy, own):
    return Dispute.objects.create(
        deputy=deputy, kind=DisputeKind.WRONG, entry=own, note="记错了", evidence=png("proof.png")
    )


def test_dispute_evidence_is_for_its_deputy_and_staff_only(
    deputy_client, staff_user, dispute_with_file, other_deputy
):
    from django.test import Client

    path = reverse("performance:dispute_evidence", args=[dispute_with_file.pk])
    assert Client().get(path).status_code == 302  # to the login page
    response = deputy_client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    other = Dispute.objects.create(
        deputy=other_deputy, kind=DisputeKind.WRONG, entry=entry(other_deputy), note="x",
        evidence=png("theirs.png"),
    )  # fmt: skip
    other_path = reverse("performance:dispute_evidence", args=[other.pk])
    assert deputy_client.get(other_path).status_code == 404
    staff = Client()
    staff.force_login(staff_user)
    assert staff.get(other_path).status_code == 200


def test_entry_with_an_open_dispute_offers_no_second_one(deputy_client, own):
    path = reverse("performance:entry_detail", args=[own.pk])
    dispute_url = reverse("performance:dispute", args=[own.pk])
    assert dispute_url in deputy_client.get(path).content.decode()
    Dispute.objects.create(deputy=own.deputy, kind=DisputeKind.DUPLICATE, entry=own, note="重复")
    body = deputy_client.get(path).content.decode()
    assert dispute_url not in body and "等待工委处理" in body
    response = deputy_client.post(dispute_url, {"kind": DisputeKind.WRONG, "note": "再提"})
    assert response.status_code == 200 and "已有待处理的异议" in response.content.decode()
    assert Dispute.objects.filter(entry=own).count() == 1


def test_ledger_breakdown_follows_entries_verified_since_the_last_computation(
    deputy_client, deputy
):
    entry(deputy, "B01")
    assessment_compute(year=this_year())
    response = deputy_client.get(reverse("performance:my_ledger"))
    assert not response.context["stale"]
    entry(deputy, "B01")  # verified after the computation
    response = deputy_client.get(reverse("performance:my_ledger"))
    b01 = next(line for line in response.context["breakdown"][0].rules if line.rule.code == "B01")
    assert b01.count == 2 and len(b01.entries) == 2
    assert response.context["stale"] and "重新计算后更新" in response.text


def test_past_years_topics_are_shown_without_signup_buttons(deputy_client):
    past = SupervisionTopicFactory(year=this_year() - 1, title="去年的议题")
    response = deputy_client.get(reverse("performance:topics") + f"?year={past.year}")
    assert "去年的议题" in response.text
    assert reverse("performance:topic_signup", args=[past.pk]) not in response.text
    response = deputy_client.post(reverse("performance:topic_signup", args=[past.pk]), follow=True)
    assert not TopicSignup.objects.exists() and "已经结束" in response.text
