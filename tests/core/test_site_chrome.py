"""The page layout written in Python (``core/templatetags/site_chrome.py``) writes the same bytes
as the template it replaced, for every kind of visitor, message and language."""

import re
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import format_html

from core.notifications import notification_send

pytestmark = pytest.mark.django_db

# base.html as a template, before its parts were written in Python.
FORMER_BASE = (Path(__file__).parent / "former_base.html").read_text(encoding="utf-8")

CHILD = (
    "{% extends base %}{% block title %}页{% endblock %}"
    "{% block body_class %}lv-x{% endblock %}{% block content %}<p>内容</p>{% endblock %}"
)


def _request(user, path="/deputy/?q=a&b=%22x%22", messages=()):
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    for level, text in messages:
        request._messages.add(level, text)
    return request


def _both(user, **kwargs) -> tuple[str, str]:
    """The page through the former template and through base.html, each with its own request
    (messages are read once)."""
    engine = engines["django"]
    former_base = engine.from_string(FORMER_BASE).template
    pages = []
    for base in (former_base, "base.html"):
        request = _request(user, **kwargs)
        request.META["CSRF_COOKIE"] = "x" * 32  # the same token, so the masked forms differ
        html = engine.from_string(CHILD).render({"base": base}, request)
        pages.append(html)
    return pages[0], pages[1]


def _without_csrf(html: str) -> str:
    """A page with its CSRF tokens blanked: each rendering masks the token anew."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


MESSAGES = [
    (constants.SUCCESS, "已保存"),
    (constants.ERROR, "日期 <不对> & 重填"),
    (constants.INFO, format_html('<a href="{}">{}</a>', "/x/", "看看")),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_deputy_page_is_written_as_the_template_wrote_it(deputy, language):
    deputy.user.large_text = True
    deputy.user.save(update_fields=["large_text"])
    notification_send(recipient=deputy.user, kind="test", title="提醒")
    with translation.override(language):
        former, written = _both(deputy.user, messages=MESSAGES)
    assert _without_csrf(former) == _without_csrf(written)
    assert 'class="lv-large"' in written and "lv-bell-badge" in written
    assert "日期 &lt;不对&gt; &amp; 重填" in written and '<a href="/x/">' in written
    assert written.count("TOKEN") == 0 and _without_csrf(written).count("TOKEN") == 2


def test_staff_page_is_written_as_the_template_wrote_it(staff_user):
    former, written = _both(staff_user)
    assert _without_csrf(former) == _without_csrf(written)
    assert "/admin/" in written  # the staff desk closes the menu


def test_anonymous_page_is_written_as_the_template_wrote_it():
    from django.contrib.auth.models import AnonymousUser

    with translation.override("en"):
        former, written = _both(AnonymousUser(), path="/stations/")
    assert _without_csrf(former) == _without_csrf(written)
    assert "mainnav" not in written  # no menu for a resident


def test_kept_parts_follow_the_user_the_count_and_the_page(
    deputy, other_deputy, django_capture_on_commit_callbacks
):
    """The navbar and footer are kept per process for what shapes them; a request's own
    values (its name, unread count, address, CSRF token) are never another's."""
    engine = engines["django"]
    child = engine.from_string(CHILD)

    def page(user, path):
        request = _request(user, path=path)
        request.META["CSRF_COOKIE"] = "y" * 32
        return child.render({"base": "base.html"}, request)

    first = page(deputy.user, "/deputy/?a=1")
    assert str(deputy.user) in first and 'value="/deputy/?a=1"' in first
    assert "lv-bell-badge" not in first
    other = page(other_deputy.user, "/ledger/")
    assert str(other_deputy.user) in other and str(deputy.user) not in other
    assert 'value="/ledger/"' in other and 'value="/deputy/?a=1"' not in other
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=deputy.user, kind="test", title="提醒")
    again = page(deputy.user, "/deputy/")
    assert 'lv-bell-badge">1<' in again
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)
    assert len(tokens) == 2 and "<lv-slot>" not in again
