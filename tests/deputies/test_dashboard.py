"""The deputy's dashboard, phone first (issue #12): score card, capability portrait, the to-do
list merged from the apps, their suggestions, the unread count; the same number of queries with
5 and with 500 rows; only deputies, and only their own."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.notifications import notification_send
from performance.deputy_panels import level_rank
from performance.models import EntryStatus, LedgerEntry, Rule
from performance.scoring import assessment_compute
from suggestions.models import Category, Status, Suggestion
from suggestions.selectors import deputy_suggestions
from tests.core.scale_pages import query_counts
from tests.liaison.factories import DutyFactory
from tests.performance.factories_pages import entry
from tests.suggestions.factories import SuggestionFactory
from tests.suggestions.helpers import replied
from tests.training.factories import SurveyFactory

pytestmark = pytest.mark.django_db

PINNED = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = PINNED.date()
URL = "/deputy/"


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(PINNED, tick=False):
        yield


def _rejected(deputy, code="B02"):
    return entry(
        deputy,
        code,
        status=EntryStatus.REJECTED,
        review_reason="缺少签到表",
        reviewed_at=timezone.now(),
    )


@pytest.fixture
def busy(deputy, other_deputy, django_capture_on_commit_callbacks):
    """A deputy with something on every panel, and another deputy with their own."""
    entry(deputy, "B01")
    entry(deputy, "B01")
    entry(deputy, "B05")
    _rejected(deputy)
    entry(other_deputy, "B01")
    assessment_compute(year=TODAY.year)
    replied(lead_deputy=deputy, title="关于加装电梯的建议", today=TODAY)
    SuggestionFactory(lead_deputy=other_deputy, title="别人的建议：修路")
    DutyFactory(deputy=deputy, reception_day__date=TODAY + timedelta(days=3))
    DutyFactory(deputy=deputy, reception_day__date=TODAY + timedelta(days=20))  # not this week
    SurveyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=deputy.user, kind="test", title="提醒一")
        notification_send(recipient=deputy.user, kind="test", title="提醒二")
    return deputy


def test_dashboard_shows_every_part(deputy_client, busy):
    response = deputy_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # the score card: total, grade, rank in the level, dimensions, the explained breakdown
    total = busy.assessments.get().total
    shown = f"{total:.0f}" if total == int(total) else f"{total:.1f}"
    assert f'lv-stat text-danger">{shown}<' in html
    assert "街道议政代表中排名" in html
    assert "基础分" in html and "创新分" in html and "贡献分" in html
    assert reverse("performance:my_ledger") in html
    # the portrait: a radar fed with JSON data, and the same figures in the table
    assert 'data-chart="portrait-radar"' in html
    assert 'id="portrait-radar" type="application/json"' in html
    row = re.search(r'<tr data-axis="attendance">.*?</tr>', html, re.S).group(0)
    assert re.findall(r'lv-num">([^<]+)<', row) == ["2", "1.5", "133"]
    # the to-do list, merged from performance, liaison, suggestions and training
    labels = [todo.label for todo in response.context["todos"]]
    assert labels == [
        "被退回的履职记录",
        "近 7 天进站接待",
        "建议答复待测评",
        "需求调查待填写",
    ]
    assert [todo.count for todo in response.context["todos"]] == [1, 1, 1, 1]
    assert f"{reverse('suggestions:mine')}?status=replied" in html
    # their suggestions, never another deputy's
    assert "关于加装电梯的建议" in html
    assert "别人的建议" not in html
    # the unread count on the bell and on the 消息 tab, without opening a menu
    unread = Notification.objects.filter(recipient=busy.user, read_at__isnull=True).count()
    assert unread >= 2  # the two reminders and what the suggestion's workflow sent
    assert f'lv-bell-badge">{unread}<' in html
    assert f'lv-tab-badge">{unread}<' in html
    # the big record button and the tab bar, 首页 marked current
    assert f'href="{reverse("performance:submit")}"' in html
    home_tab = re.search(r'<a class="lv-tab" href="/deputy/"[^>]*>', html).group(0)
    assert 'aria-current="page"' in home_tab


def test_score_card_rank_in_level_is_level_rank(deputy_client, busy, other_deputy):
    """The card's rank among the deputies of the same level (counted with the facts from the
    assessments' level, kept by the scoring) is ``level_rank``'s, ties sharing a rank, once
    the year is recomputed after a deputy's level changed (as the nightly run does)."""
    other_deputy.level = busy.level
    other_deputy.save(update_fields=["level"])
    assessment_compute(year=TODAY.year)
    response = deputy_client.get(URL)
    (panel,) = [c for t, c in response.context["panels"] if t == "performance/_panel.html"]
    assessment = busy.assessments.get()
    assert panel["level_rank"] == level_rank(assessment, busy.level)
    assert panel["level_rank"][1] == 2


def test_suggestion_card_counts_led_and_cosigned_once(deputy_client, deputy, other_deputy):
    """The card's counts by status (read with the facts, led and co-signed apart) are those of
    ``deputy_suggestions``: a suggestion the deputy leads and co-signs counts once."""
    SuggestionFactory(lead_deputy=deputy)
    both = SuggestionFactory(lead_deputy=deputy, status=Status.SUBMITTED)
    both.co_signers.add(deputy)
    cosigned = SuggestionFactory(lead_deputy=other_deputy, status=Status.SUBMITTED)
    cosigned.co_signers.add(deputy)
    SuggestionFactory(lead_deputy=other_deputy)  # not theirs
    response = deputy_client.get(URL)
    (panel,) = [c for t, c in response.context["panels"] if t == "suggestions/_panel.html"]
    expected = dict(
        deputy_suggestions(deputy).values_list("status").annotate(n=Count("pk")).order_by()
    )
    assert panel["total"] == 3
    assert panel["counts"] == [
        (label, expected[value]) for value, label in Status.choices if value in expected
    ]
    assert panel["counts"] == [(Status.DRAFT.label, 1), (Status.SUBMITTED.label, 2)]


def test_empty_todo_list_says_so(deputy_client, deputy):
    response = deputy_client.get(URL)
    assert response.context["todos"] == []
    assert "暂无待办事项" in response.content.decode()


def _grow(deputy, n: int) -> None:
    """``n`` more ledger entries and suggestions of the deputy, in bulk."""
    rule = Rule.objects.get(rule_set__year=TODAY.year, code="B01")
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            deputy=deputy,
            rule=rule,
            occurred_on=date(TODAY.year, 1, 1 + i % 28),
            title=f"活动{i}",
            status=[EntryStatus.VERIFIED, EntryStatus.PENDING][i % 2],
            reviewed_at=timezone.now() if i % 2 == 0 else None,
        )
        for i in range(n)
    )
    category = Category.objects.first()
    Suggestion.objects.bulk_create(
        Suggestion(
            lead_deputy=deputy,
            category=category,
            title=f"建议{i}",
            body="内容",
            status=[Status.SUBMITTED, Status.DRAFT][i % 2],
            submitted_on=TODAY,
        )
        for i in range(n)
    )


def test_queries_are_the_same_with_5_and_with_500_rows(client, busy):
    _grow(busy, 2)  # four entries and a suggestion already
    client.force_login(busy.user)
    assessment_compute(year=TODAY.year)
    small = query_counts(client, [URL])
    _grow(busy, 500)
    assessment_compute(year=TODAY.year)
    assert LedgerEntry.objects.filter(deputy=busy).count() >= 500
    assert Suggestion.objects.filter(lead_deputy=busy).count() >= 500
    assert query_counts(client, [URL]) == small


def test_no_other_deputys_data_by_any_parameter(deputy_client, busy, other_deputy):
    """The dashboard takes no id: a deputy's id in the query string changes nothing."""
    mine = deputy_client.get(URL).content.decode()
    named = deputy_client.get(f"{URL}?deputy={other_deputy.pk}&id={other_deputy.pk}")
    assert named.status_code == 200
    assert "别人的建议" not in named.content.decode()
    assert named.context["deputy"] == busy
    assert other_deputy.name not in mine


def test_units_and_staff_do_not_get_the_deputy_dashboard(unit_client, staff_user, client):
    assert unit_client.get(URL).status_code == 403
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "lv-tabbar" not in client.get(reverse("notifications")).content.decode()
