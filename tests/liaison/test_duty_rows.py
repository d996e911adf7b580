"""A deputy's duty rows, written in Python (``liaison.duty_rows``), are the HTML the former
template ``liaison/duty_row.html`` wrote, in both languages; the dashboard card and the 我的接待
page show them and cost the same queries at two sizes."""

import datetime

import pytest
import time_machine
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

from liaison.duty_rows import duty_rows_html
from liaison.models import Duty, ReceptionTheme
from tests.core.scale_pages import query_counts
from tests.liaison.factories import DutyFactory, ReceptionDayFactory, StationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)  # a Friday
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# The row as the pages included it before it was written in Python.
FORMER_ROW = """{% load i18n %}{% with day=duty.reception_day %}
<li class="list-group-item">
  <div class="d-flex justify-content-between">
    <strong>{{ day.date|date:"n月j日" }} {{ day.date|date:"l" }} {{ day.starts_at|time:"H:i" }}{% if day.ends_at %}–{{ day.ends_at|time:"H:i" }}{% endif %}</strong>
    {% if past %}
      {% if duty.attended %}<span class="badge text-bg-success">{% translate "已到岗" %}</span>
      {% elif duty.attended is False %}<span class="badge text-bg-secondary">{% translate "未到岗" %}</span>
      {% else %}<span class="badge text-bg-light">{% translate "待登记" %}</span>{% endif %}
    {% elif day.date == today %}<span class="badge text-bg-danger">{% translate "今天" %}</span>{% endif %}
  </div>
  <div>{{ day.station.name }} · {{ day.get_theme_display }}{% if day.topic %}：{{ day.topic }}{% endif %}</div>
  {% if day.station.address and not past %}<div class="small text-muted">{{ day.station.address }}</div>{% endif %}
</li>{% endwith %}"""  # noqa: E501


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI), tick=False):
        yield


def _duties(deputy) -> list[Duty]:
    """Every case of the row: attended, absent, not yet marked; today, later; no end time, a
    topic, another theme, no address, names to escape."""
    plain = StationFactory(name='<b>"站"</b> & 点', address="路 <1> 号")
    bare = StationFactory(address="")
    days = [
        ReceptionDayFactory(station=plain, date=TODAY - datetime.timedelta(days=9)),
        ReceptionDayFactory(
            station=bare,
            date=TODAY - datetime.timedelta(days=2),
            ends_at=None,
            theme=ReceptionTheme.LEGISLATIVE,
            topic="《条例》<草案>",
        ),
        ReceptionDayFactory(station=plain, date=TODAY - datetime.timedelta(days=1)),
        ReceptionDayFactory(
            station=plain, date=TODAY, starts_at=datetime.time(8, 5), ends_at=datetime.time(17, 0)
        ),
        ReceptionDayFactory(
            station=bare, date=TODAY + datetime.timedelta(days=3), theme=ReceptionTheme.BUDGET
        ),
        ReceptionDayFactory(station=plain, date=TODAY + datetime.timedelta(days=40), topic="x"),
    ]
    marks = [True, False, None, None, None, None]
    for day, attended in zip(days, marks, strict=True):
        DutyFactory(reception_day=day, deputy=deputy, attended=attended)
    return list(
        Duty.objects.filter(deputy=deputy)
        .select_related("reception_day__station")
        .order_by("reception_day__date")
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("past", [False, True])
def test_rows_are_the_former_templates(deputy, language, past):
    duties = _duties(deputy)
    template = engines["django"].from_string(FORMER_ROW)
    with translation.override(language):
        context = {"today": TODAY, **({"past": True} if past else {})}
        expected = "".join(template.render({**context, "duty": duty}) for duty in duties)
        assert duty_rows_html(duties, today=TODAY, past=past) == expected
    assert "&lt;b&gt;&quot;站&quot;&lt;/b&gt; &amp; 点" in expected
    assert "《条例》&lt;草案&gt;" in expected
    assert ("text-bg-secondary" in expected) == past
    assert ("text-bg-danger" in expected) != past
    assert ("路 &lt;1&gt; 号" in expected) != past


def test_no_duties_write_nothing():
    assert duty_rows_html([], today=TODAY) == ""


def test_pages_show_the_rows_at_the_same_queries_at_two_sizes(deputy):
    client = Client()
    client.force_login(deputy.user)
    urls = [reverse("liaison:my_duties"), "/deputy/"]
    DutyFactory(
        reception_day=ReceptionDayFactory(date=TODAY + datetime.timedelta(days=1)), deputy=deputy
    )
    small = query_counts(client, urls)
    _duties(deputy)
    for i in range(12):
        DutyFactory(
            reception_day=ReceptionDayFactory(date=TODAY - datetime.timedelta(days=20 + i)),
            deputy=deputy,
            attended=bool(i % 2),
        )
    assert query_counts(client, urls) == small
    page = client.get(urls[0]).content.decode()
    assert page.count('<li class="list-group-item">') == 4 + 15  # coming, then past
    assert "&lt;b&gt;&quot;站&quot;&lt;/b&gt; &amp; 点" in page
    assert "今天" in page and "未到岗" in page
    # Coming rows are written as coming ones: the former page's ``past`` list leaked into
    # their include, so they showed an attendance badge and no address.
    assert "示范路 1 号" in page and page.count("待登记") == 1
    dashboard = client.get(urls[1]).content.decode()
    assert "接待日值班" in dashboard and "今天" in dashboard
