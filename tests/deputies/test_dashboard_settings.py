"""The phone-first frame of the deputy pages (issue #12): the bottom tab bar with vendored
icons, the 我的 page and its large-text setting (a POST, audited, a class on <html>)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts.services import ERR_OWN_PREFERENCES, AccountError, user_preferences_set
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts:large_text")
PROFILE = reverse("deputies:profile")


def _static(path: str) -> str:
    return Path(finders.find(path)).read_text(encoding="utf-8")


def _html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def test_large_text_on_and_off(deputy_client, deputy):
    page = deputy_client.get(PROFILE).content.decode()
    assert "lv-large" not in _html_tag(page)
    assert 'name="large_text" value="1"' in page

    response = deputy_client.post(URL, {"large_text": "1", "next": PROFILE})
    assert response.status_code == 302 and response.url == PROFILE
    deputy.user.refresh_from_db()
    assert deputy.user.large_text
    page = deputy_client.get(PROFILE).content.decode()
    assert 'class="lv-large"' in _html_tag(page)
    assert 'class="lv-large"' in _html_tag(deputy_client.get("/deputy/").content.decode())
    assert AuditEvent.objects.filter(action="accounts.preferences").count() == 1

    deputy_client.post(URL, {"large_text": "0", "next": PROFILE})
    deputy.user.refresh_from_db()
    assert not deputy.user.large_text
    assert "lv-large" not in _html_tag(deputy_client.get(PROFILE).content.decode())


def test_large_text_is_post_only_and_ignores_foreign_next(deputy_client, deputy):
    assert deputy_client.get(URL).status_code == 405
    response = deputy_client.post(URL, {"large_text": "1", "next": "https://evil.example/"})
    assert response.url == "/"
    deputy.user.refresh_from_db()
    assert deputy.user.large_text


def test_nobody_sets_someone_elses_large_text(deputy, other_deputy):
    with pytest.raises(AccountError, match=ERR_OWN_PREFERENCES):
        user_preferences_set(user=deputy.user, actor=other_deputy.user, large_text=True)
    deputy.user.refresh_from_db()
    assert not deputy.user.large_text


def test_large_text_css_scales_the_root_font():
    css = _static("css/lvzhi.css")
    assert re.search(r"html\.lv-large\s*\{\s*font-size:\s*125%", css)


def test_tab_bar_for_deputies(deputy_client):
    html = deputy_client.get(reverse("performance:my_ledger")).content.decode()
    bar = re.search(r'<nav class="lv-tabbar.*?</nav>', html, re.S).group(0)
    labels = re.findall(r'lv-tab-label">([^<]+)', bar)
    assert labels == ["首页", "履职", "记录", "建议", "消息", "我的"]
    icons = re.findall(r'sprite\.svg#([a-z-]+)"', bar)
    assert icons == ["house-door", "journal-check", "camera", "lightbulb", "bell", "person-circle"]
    current = re.findall(r'href="([^"]+)" aria-current="page"', bar)
    assert current == [reverse("performance:my_ledger")]
    assert 'href="/deputy/profile/"' in bar


def test_tab_bar_marks_the_profile_not_home(deputy_client):
    bar = deputy_client.get(PROFILE).content.decode()
    assert re.findall(r'href="([^"]+)" aria-current="page"', bar) == [PROFILE]


def test_no_tab_bar_for_units(unit_client):
    assert "lv-tabbar" not in unit_client.get(reverse("suggestions:unit_home")).content.decode()


def test_vendored_icons_carry_their_licence():
    sprite = _static("vendor/bootstrap-icons/sprite.svg")
    for icon in ("house-door", "journal-check", "camera", "lightbulb", "bell", "person-circle"):
        assert f'<symbol id="{icon}"' in sprite
    assert "MIT" in _static("vendor/bootstrap-icons/LICENSE")
