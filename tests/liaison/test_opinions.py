"""Opinion triage: the services (assign, reply, close, merge, the once-only reminder) and the
staff's admin desk (new first, filters, intermediate action pages)."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.models import AuditEvent, Notification
from liaison.models import Opinion, OpinionStatus
from liaison.services import opinions as services
from tests.accounts.factories import StaffUserFactory
from tests.suggestions.factories import CategoryFactory

from .factories import OpinionFactory, StationFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC)
CHANGELIST = reverse("admin:liaison_opinion_changelist")


def opinion(**extra):
    extra.setdefault("tracking_code", services.new_tracking_code())
    return OpinionFactory(**extra)


# --- submission ---------------------------------------------------------------------------------


def test_codes_are_unambiguous_and_unique():
    codes = {services.new_tracking_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == 10 and not set(c) & set("0O1IL") for c in codes)


def test_submit_refuses_bad_input_even_without_the_form(settings):
    community = opinion().community
    category = CategoryFactory()
    ok = {"category": category, "community": community, "consent": True}
    with pytest.raises(services.OpinionError, match="请填写意见内容"):
        services.opinion_submit(description=" ", **ok)
    settings.LVZHI_OPINION_MAX_CHARS = 5
    with pytest.raises(services.OpinionError, match="不能超过 5"):
        services.opinion_submit(description="六个字的意见", **ok)
    with pytest.raises(services.OpinionError, match="隐私"):
        services.opinion_submit(description="ok", **{**ok, "consent": False})
    with pytest.raises(services.OpinionError, match="站点"):
        services.opinion_submit(description="ok", station=StationFactory(is_active=False), **ok)
    assert Opinion.objects.count() == 1


def test_a_drawn_code_that_exists_is_drawn_again(monkeypatch):
    existing = opinion()
    draws = iter([existing.tracking_code, "NEWCQDEXYZ"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(draws))
    new = services.opinion_submit(
        category=existing.category,
        community=existing.community,
        description="重复码",
        consent=True,
    )
    assert new.tracking_code == "NEWCQDEXYZ"


# --- triage -------------------------------------------------------------------------------------


def test_assign_notifies_the_deputy(staff_user, deputy):
    o = opinion()
    services.opinion_assign(opinion=o, deputy=deputy, actor=staff_user)
    o.refresh_from_db()
    assert o.status == OpinionStatus.ASSIGNED and o.assigned_deputy == deputy
    assert Notification.objects.filter(recipient=deputy.user).count() == 1
    with pytest.raises(services.OpinionError):
        services.opinion_assign(opinion=o, actor=staff_user)


def test_only_staff_triage(deputy):
    o = opinion()
    for call in (
        lambda: services.opinion_assign(opinion=o, deputy=deputy, actor=deputy.user),
        lambda: services.opinion_reply(opinion=o, reply="x", actor=deputy.user),
        lambda: services.opinion_close(opinion=o, actor=deputy.user),
        lambda: services.opinion_merge(opinions=[o, opinion()], actor=deputy.user),
    ):
        with pytest.raises(services.OpinionError, match="只有工委工作人员"):
            call()


def test_reply_then_close(staff_user):
    o = opinion()
    with pytest.raises(services.OpinionError):
        services.opinion_reply(opinion=o, reply="  ", actor=staff_user)
    services.opinion_reply(opinion=o, reply="已处理", actor=staff_user, now=NOW)
    services.opinion_close(opinion=o, actor=staff_user, now=NOW)
    o.refresh_from_db()
    assert (o.status, o.reply, o.replied_at, o.closed_at) == (
        OpinionStatus.CLOSED,
        "已处理",
        NOW,
        NOW,
    )
    with pytest.raises(services.OpinionError, match="已办结"):
        services.opinion_reply(opinion=o, reply="再答复", actor=staff_user)
    assert AuditEvent.objects.filter(action="liaison.opinion.close").count() == 1


def test_merge_into_the_oldest_and_flatten_chains(staff_user):
    base = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    old, mid, new = (opinion(submitted_at=base + datetime.timedelta(days=i)) for i in range(3))
    earlier_dup = opinion()
    services.opinion_merge(opinions=[mid, earlier_dup], into=mid, actor=staff_user)
    survivor = services.opinion_merge(opinions=[new, mid, old], actor=staff_user)
    assert survivor == old
    for row in (mid, new, earlier_dup):
        row.refresh_from_db()
        assert row.status == OpinionStatus.MERGED and row.merged_into == old


def test_merge_needs_two_and_a_live_target(staff_user):
    a, b = opinion(), opinion()
    with pytest.raises(services.OpinionError):
        services.opinion_merge(opinions=[a], actor=staff_user)
    services.opinion_merge(opinions=[a, b], into=a, actor=staff_user)
    with pytest.raises(services.OpinionError, match="本身已被合并"):
        services.opinion_merge(opinions=[a, opinion()], into=b, actor=staff_user)


# --- the reminder -------------------------------------------------------------------------------


def test_triage_reminder_once_per_opinion(settings):
    settings.LVZHI_OPINION_TRIAGE_DAYS = 3
    staff = StaffUserFactory()
    old = opinion(submitted_at=NOW - datetime.timedelta(days=4))
    opinion(submitted_at=NOW - datetime.timedelta(days=2))  # not yet due
    done = opinion(submitted_at=NOW - datetime.timedelta(days=9), status=OpinionStatus.ASSIGNED)
    assert services.opinion_triage_reminders_send(now=NOW) == 1
    assert services.opinion_triage_reminders_send(now=NOW) == 0
    assert services.opinion_triage_reminders_send(now=NOW + datetime.timedelta(hours=1)) == 0
    old.refresh_from_db()
    done.refresh_from_db()
    assert old.triage_reminded_at == NOW and done.triage_reminded_at is None
    notes = Notification.objects.filter(recipient=staff)
    assert notes.count() == 1
    assert old.tracking_code in notes.get().body


def test_triage_reminder_with_nothing_due_sends_nothing():
    StaffUserFactory()
    assert services.opinion_triage_reminders_send(now=NOW) == 0
    assert not Notification.objects.exists()


# --- the admin desk -----------------------------------------------------------------------------


def test_anonymous_cannot_open_the_desk(client):
    assert client.get(CHANGELIST).status_code == 302


def test_deputy_cannot_open_the_desk(deputy_client):
    assert deputy_client.get(CHANGELIST).status_code in (302, 403)


def test_new_opinions_come_first(staff_client):
    replied = opinion(status=OpinionStatus.REPLIED, submitted_at=NOW)
    new = opinion(submitted_at=NOW - datetime.timedelta(days=5))
    response = staff_client.get(CHANGELIST)
    rows = list(response.context["cl"].result_list)
    assert rows.index(new) < rows.index(replied)


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=new",
        "year=2026",
        "year=abc",
        "station__id__exact=1",
        "q=<script>",
        "o=2",
        "community__id__exact=x",
    ],
)
def test_filters_never_500(staff_client, query):
    opinion(description="<script>alert(1)</script>")
    response = staff_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code in (200, 302)
    assert b"<script>alert(1)</script>" not in response.content


def test_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        opinion(station=StationFactory())
    with django_assert_max_num_queries(20) as small:
        staff_client.get(CHANGELIST)
    for _ in range(12):
        opinion(station=StationFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(CHANGELIST)


def action(client, name, rows, **data):
    payload = {"action": name, ACTION_CHECKBOX_NAME: [r.pk for r in rows], **data}
    return client.post(CHANGELIST, payload)


def test_assign_action_intermediate_page_then_apply(staff_client, deputy):
    o = opinion()
    page = action(staff_client, "assign", [o])
    assert page.status_code == 200 and "分办群众意见" in page.content.decode()
    response = action(staff_client, "assign", [o], apply="1", deputy=deputy.pk)
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.assigned_deputy == deputy
    # nothing chosen: the page again with a message
    again = action(staff_client, "assign", [opinion()], apply="1")
    assert "请选择分办的代表或站点" in again.content.decode()


def test_reply_and_close_actions(staff_client):
    o = opinion()
    action(staff_client, "reply", [o], apply="1", reply="已转城管处理")
    action(staff_client, "close", [o])
    o.refresh_from_db()
    assert o.reply == "已转城管处理" and o.status == OpinionStatus.CLOSED


def test_merge_action_into_a_chosen_one(staff_client, client):
    a, b, c = opinion(), opinion(), opinion()
    page = action(staff_client, "merge", [a, b, c])
    assert "保留哪一条" in page.content.decode()
    action(staff_client, "merge", [a, b, c], apply="1", into=c.pk)
    a.refresh_from_db()
    assert a.status == OpinionStatus.MERGED and a.merged_into == c
    body = client.get(reverse("liaison:track_code", args=[a.tracking_code])).content.decode()
    assert c.tracking_code in body


def test_tampered_selection_is_refused_not_500(staff_client):
    response = staff_client.post(CHANGELIST, {"action": "close", ACTION_CHECKBOX_NAME: ["abc"]})
    assert response.status_code in (200, 302)


def test_change_page_shows_contact_to_staff_masked_until_asked(staff_client):
    o = opinion(contact_phone="13912345678")
    page = staff_client.get(reverse("admin:liaison_opinion_change", args=[o.pk]))
    assert "139****5678" in page.content.decode()
    assert "13912345678" not in page.content.decode()  # 显示完整号码: test_phone_reveal


# --- the deputy's page --------------------------------------------------------------------------


def test_deputy_sees_assigned_and_addressed_opinions_masked(deputy_client, deputy, staff_user):
    assigned = opinion(contact_phone="13912345678", contact_name="陈女士", description="分办来的")
    services.opinion_assign(opinion=assigned, deputy=deputy, actor=staff_user)
    opinion(deputy=deputy, description="写给我的")
    opinion(description="别人的")
    body = deputy_client.get(reverse("liaison:my_opinions")).content.decode()
    assert "分办来的" in body and "写给我的" in body and "别人的" not in body
    assert "139****5678" in body and "13912345678" not in body
    assert "陈**" in body and "陈女士" not in body


def test_unit_user_cannot_see_opinions(unit_client):
    assert unit_client.get(reverse("liaison:my_opinions")).status_code == 403
