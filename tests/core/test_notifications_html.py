"""The notifications page's list written in Python (``core.notifications_html``) is the HTML
its template wrote, in both languages: read and unread notices, with and without a link or a
body, values to escape, a body of several lines, a notice dated near midnight (the local
time), a second page, and no notice at all."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template import engines
from django.test import Client
from django.utils import translation

from accounts.models import User
from core.models import Notification

pytestmark = pytest.mark.django_db

# The page's list before it was written in Python.
FORMER = """{% load i18n %}<div class="list-group lv-card">
  {% for note in page %}
    <div class="list-group-item {% if not note.read_at %}list-group-item-warning{% endif %}">
      <div class="d-flex justify-content-between gap-2">
        <strong>{% if note.url %}<a href="{{ note.url }}">{{ note.title }}</a>{% else %}{{ note.title }}{% endif %}</strong>
        <small class="text-muted text-nowrap">{{ note.created_at|date:"Y-m-d H:i" }}</small>
      </div>
      {% if note.body %}<div class="small mt-1">{{ note.body|linebreaksbr }}</div>{% endif %}
    </div>
  {% empty %}
    <div class="list-group-item text-muted">{% translate "暂无通知。" %}</div>
  {% endfor %}
</div>"""  # noqa: E501


def _notify(user: User) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="test",
            title=f'<b>"通知"</b> & {i}' if i % 3 == 0 else f"通知 {i}",
            url=f"/suggestions/{i}/?a=1&b=<2>" if i % 2 else "",
            body=("第一行 <em>&</em>\r\n第二行\n\n第三行" if i % 4 == 1 else ""),
            read_at=datetime(2026, 3, 1, tzinfo=UTC) if i % 5 == 0 else None,
        )
        for i in range(23)
    )
    # Dated near midnight in UTC: the page shows the local day and time.
    for i, note in enumerate(Notification.objects.filter(recipient=user)):
        note.created_at = datetime(2026, 12, 31 - i, 16 + i % 8, 7 * i % 60, tzinfo=UTC)
        note.save(update_fields=["created_at"])


def _former(user: User, number: str) -> str:
    page = Paginator(user.notifications.all(), 20).get_page(number)
    return engines["django"].from_string(FORMER).render({"page": page})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("number", ["1", "2"])
@pytest.mark.parametrize("notes", [True, False])
def test_list_is_the_templates(language, number, notes):
    user = User.objects.create(username="n1")
    if notes:
        _notify(user)
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/notifications/?page={number}").content.decode()
    with translation.override(language):
        former = _former(user, number)
    assert former in page
    assert ("list-group-item-warning" in former) == notes


@pytest.mark.parametrize(
    "number", [None, "", "1", "2", "3", "4", "0", "-3", "999", "abc", "1e9", "9" * 30]
)
@pytest.mark.parametrize("notes", [0, 3, 45])
def test_the_page_is_the_paginators(number, notes, django_assert_max_num_queries):
    """``notification_page`` answers any page number with the page ``Paginator.get_page``
    gives, its notices and their count read in one query (two before: the count, the rows);
    a number past the last page asks the count and the last page besides."""
    from django.core.paginator import Paginator

    from core.notifications import notification_page
    from core.notifications_html import ROW

    user = User.objects.create(username="n1")
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="test", title=f"通知 {i}") for i in range(notes)
    )
    expected = Paginator(user.notifications.values_list(*ROW), 20).get_page(number)
    inside = number in (None, "", "1", "abc", "1e9") or (notes == 45 and number in ("2", "3"))
    with django_assert_max_num_queries(1 if inside else 3):
        page = notification_page(user, number, ROW)
    assert (page.number, page.paginator.count) == (expected.number, expected.paginator.count)
    assert list(page.object_list) == list(expected.object_list)
    assert (page.has_previous(), page.has_next()) == (expected.has_previous(), expected.has_next())
