"""The 民意指数 page: staff only, any ?week= without a 500, the same queries whatever the data,
adopt and dismiss by POST; the staff desk card and the menu entry."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import Notification
from core.navigation import nav_items_for
from liaison.models import FlagStatus, OpinionFlag
from liaison.selectors_index import week_start
from liaison.services.index import opinion_flags_compute, opinion_index_weekly
from performance.models import SupervisionTopic
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

from .factories import ExternalEventFactory, OpinionFactory, VisitFactory

URL = reverse("liaison:opinion_index")
W48 = date(2026, 11, 23)
MOMENT = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday of 2026-W48


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.LVZHI_OPINION_MIN_COUNT = 5
    settings.LVZHI_OPINION_FACTOR = 2.0
    with time_machine.travel(MOMENT, tick=False):
        yield


def _jump(week=W48, n=6, community=None, category=None):
    community = community or CommunityFactory()
    category = category or CategoryFactory()
    for i in range(n):
        ExternalEventFactory(
            occurred_on=week + timedelta(days=i % 3), community=community, category=category
        )
    return community, category


def _flag(**kwargs) -> OpinionFlag:
    _jump(**kwargs)
    return opinion_flags_compute(week=kwargs.get("week", W48))[0]


# --- access -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_deputy_is_refused(deputy_client):
    assert deputy_client.get(URL).status_code == 403


def test_other_deputy_is_refused(client, other_deputy):
    client.force_login(other_deputy.user)
    assert client.get(URL).status_code == 403


def test_unit_user_is_refused(unit_client):
    assert unit_client.get(URL).status_code == 403


def test_plain_user_is_refused(client, plain_user):
    client.force_login(plain_user)
    assert client.get(URL).status_code == 403


def test_deputy_and_unit_cannot_decide(deputy, unit_user):
    flag = _flag()
    for user in (deputy.user, unit_user):
        c = Client()
        c.force_login(user)
        assert c.post(reverse("liaison:opinion_flag_adopt", args=[flag.pk])).status_code == 403
        response = c.post(reverse("liaison:opinion_flag_dismiss", args=[flag.pk]), {"reason": "x"})
        assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


@pytest.mark.django_db
def test_anonymous_cannot_decide(client):
    flag = _flag()
    response = client.post(reverse("liaison:opinion_flag_adopt", args=[flag.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert OpinionFlag.objects.get().status == FlagStatus.OPEN


# --- the page ---------------------------------------------------------------------------------


def test_staff_sees_heat_table_trend_and_open_flags(staff_client):
    community, category = _jump()
    quiet = CategoryFactory(name="教育测试")
    VisitFactory(occurred_on=W48, category=quiet, station__community=community)
    OpinionFactory(submitted_on=W48 - timedelta(weeks=2), community=community, category=quiet)
    flag = opinion_flags_compute(week=W48)[0]

    response = staff_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-W48" in html
    heat = response.context["heat"]
    assert set(heat["categories"]) == {category.name, quiet.name}
    [line] = heat["rows"]
    cells = {name: cell for name, cell in zip(heat["categories"], line["cells"], strict=True)}
    assert cells[category.name] == {"count": 6, "level": 5, "flagged": True}
    assert cells[quiet.name]["count"] == 1 and not cells[quiet.name]["flagged"]
    [trend] = response.context["trend"]
    assert [bar["count"] for bar in trend["bars"]] == [0] * 8 + [6]
    assert trend["bars"][-1]["label"] == "2026-W48"
    assert reverse("liaison:opinion_flag_adopt", args=[flag.pk]) in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_heat_table_is_paged_by_community(staff_client):
    """A district's forty-odd communities: twelve lines a page, in the communities' order,
    every page with every category's column and the levels of the whole week; the page links
    keep the week, and the flagged pairs of every page are in the trend."""
    from liaison.selectors_index import HEAT_COMMUNITIES_PER_PAGE as PER_PAGE

    names = [f"社区{i:02d}" for i in range(PER_PAGE + 2)]
    category, other = CategoryFactory(), CategoryFactory()
    for i, name in enumerate(names):
        community = CommunityFactory(name=name, order=i)
        _jump(n=1 + i % 3, community=community, category=category)
    _jump(n=9, community=CommunityFactory(name=names[-1] + "末", order=99), category=other)
    week = "2026-W48"

    first = staff_client.get(URL, {"week": week})
    heat = first.context["heat"]
    assert [line["community"] for line in heat["rows"]] == names[:PER_PAGE]
    assert heat["categories"] == [category.name, other.name] and heat["top"] == 9
    assert heat["rows"][0]["cells"][0] == {"count": 1, "level": 1, "flagged": False}
    html = first.content.decode()
    assert f"?week={week}&amp;page=2" in html and "1 / 2" in html
    assert [item["row"].community for item in first.context["trend"]] == [names[-1] + "末"]

    second = staff_client.get(URL, {"week": week, "page": "2"})
    lines = second.context["heat"]["rows"]
    assert [line["community"] for line in lines] == [*names[PER_PAGE:], names[-1] + "末"]
    assert lines[-1]["cells"][1] == {"count": 9, "level": 5, "flagged": True}
    assert "2 / 2" in second.content.decode() and names[-1] + "末" in second.content.decode()
    assert "?week=" + week + "&amp;page=1" in second.content.decode()
    assert names[-1] + "末" in html  # the second page's flagged pair, in the first's trend
    # An odd page number is the nearest page, as elsewhere.
    odd = staff_client.get(URL, {"week": week, "page": "x"}).context["heat"]["rows"]
    assert [line["community"] for line in odd] == names[:PER_PAGE]


def test_names_are_escaped(staff_client):
    _jump(community=CommunityFactory(name="<script>alert(1)</script>"))
    opinion_flags_compute(week=W48)
    html = staff_client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "value",
    ["2027-W53", "abc", "2026-W99", "0000-W01", "9999-W52", "2026-W4８", "<b>x</b>", "1" * 500],
)
def test_bad_week_falls_back_to_this_week_with_a_message(staff_client, value):
    response = staff_client.get(URL, {"week": value})
    assert response.status_code == 200
    assert response.context["week"] == week_start(MOMENT.date())
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "已显示本周" in messages[0]
    assert "<b>x</b>" not in response.content.decode()


def test_week_parameter_selects_the_week(staff_client):
    _jump(week=date(2026, 12, 28))  # 2026-W53
    response = staff_client.get(URL, {"week": "2026-W53"})
    assert response.context["week"] == date(2026, 12, 28)
    assert response.context["next_label"] == "2027-W01"
    assert response.context["heat"]["rows"][0]["cells"][0]["count"] == 6


def test_query_count_does_not_grow_with_data(staff_client, django_assert_max_num_queries):
    _flag()
    staff_client.get(URL)  # warm caches (roles, session)
    with django_assert_max_num_queries(30) as small:
        staff_client.get(URL)
    small_count = len(small.captured_queries)
    for i in range(6):
        community = CommunityFactory()
        for k in range(3):
            _jump(community=community, category=CategoryFactory(), n=5 + i + k)
            VisitFactory(occurred_on=W48 - timedelta(weeks=k), station__community=community)
    opinion_flags_compute(week=W48)
    staff_client.get(URL)  # once unmeasured: the kept names learn the new communities
    with django_assert_max_num_queries(small_count):
        response = staff_client.get(URL)
    assert len(response.context["flags"]) == 19


# --- decisions --------------------------------------------------------------------------------


def test_staff_adopts_a_flag_once(staff_client):
    flag = _flag()
    url = reverse("liaison:opinion_flag_adopt", args=[flag.pk])
    response = staff_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}?week=2026-W48"
    topic = SupervisionTopic.objects.get()
    assert topic.year == 2026 and topic.published_at is None
    assert any("已列入" in str(m) for m in response.context["messages"])
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ADOPTED and flag.topic == topic

    response = staff_client.post(url, follow=True)
    assert SupervisionTopic.objects.count() == 1
    assert any("已处理" in str(m) for m in response.context["messages"])


def test_staff_dismisses_with_a_reason(staff_client):
    flag = _flag()
    url = reverse("liaison:opinion_flag_dismiss", args=[flag.pk])
    response = staff_client.post(url, {"reason": ""}, follow=True)
    assert any("理由" in str(m) for m in response.context["messages"])
    assert OpinionFlag.objects.get().status == FlagStatus.OPEN
    staff_client.post(url, {"reason": "季节性投诉，已由城管专项处理"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED and flag.decision_note.startswith("季节性")
    assert staff_client.get(URL).context["flags"] == []


def test_decisions_need_post_and_a_real_flag(staff_client):
    flag = _flag()
    assert (
        staff_client.get(reverse("liaison:opinion_flag_adopt", args=[flag.pk])).status_code == 405
    )
    assert staff_client.post(reverse("liaison:opinion_flag_adopt", args=[99999])).status_code == 404


def test_post_without_csrf_token_is_refused(staff_user, db):
    flag = _flag()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(reverse("liaison:opinion_flag_adopt", args=[flag.pk]))
    assert response.status_code == 403
    assert OpinionFlag.objects.get().status == FlagStatus.OPEN


# --- the desk and the menu --------------------------------------------------------------------


def test_staff_desk_counts_open_flags(staff_client):
    _flag()
    _flag()
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "民意预警待研判" in html
    assert f'href="{URL}"' in html


def test_menu_entry_for_staff_only(staff_user, deputy, unit_user):
    assert ("民意指数", URL) in [(str(label), url) for label, url in nav_items_for(staff_user)]
    for user in (deputy.user, unit_user):
        assert URL not in [url for _label, url in nav_items_for(user)]


def test_flag_admin_list_and_adopt_action(staff_client):
    flag = _flag()
    listing = staff_client.get(reverse("admin:liaison_opinionflag_changelist"))
    assert listing.status_code == 200 and "2026-W48" in listing.content.decode()
    staff_client.post(
        reverse("admin:liaison_opinionflag_changelist"),
        {"action": "adopt", "_selected_action": [flag.pk]},
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ADOPTED


def test_an_imported_hotline_file_raises_a_flag_that_staff_adopt(staff_client, tmp_path):
    """Done-when: an imported hotline file raises a flag that staff adopt as a topic."""
    CommunityFactory(name="东湖社区")
    CategoryFactory(name="交通出行")
    lines = ["日期,来源,类别,社区,摘要"]
    lines += [f"2026-11-{16 + i % 5},12345,交通出行,东湖社区,电动车充电难{i}" for i in range(7)]
    lines += ["2026-10-20,网格,交通出行,东湖社区,停车难"]
    path = tmp_path / "hotline.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import_events", str(path), stdout=io.StringIO())

    assert opinion_index_weekly() == 1  # Thursday of W48: judges W47 (16–22 November)
    assert Notification.objects.filter(kind="liaison.opinion_flag").count() == 1
    flag = OpinionFlag.objects.get()
    assert (flag.week, flag.week_count) == (date(2026, 11, 16), 7)
    page = staff_client.get(URL).content.decode()
    assert "东湖社区 · 交通出行" in page
    staff_client.post(reverse("liaison:opinion_flag_adopt", args=[flag.pk]))
    topic = SupervisionTopic.objects.get()
    assert "东湖社区" in topic.title and "交通出行" in topic.title
    assert staff_client.get(reverse("admin:index")).status_code == 200
