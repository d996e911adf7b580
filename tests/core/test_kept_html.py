"""A part of the admin's pages kept per process (``{% kept_html %}``, the admin's header): the
same bytes as rendering it afresh, the request's own CSRF token, and another staff member's or
language's header never shown."""

import re

import pytest
from django.template import Context, Engine
from django.test import Client
from django.urls import reverse

from core.templatetags import kept_html
from tests.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("admin:index"),
    reverse("admin:performance_ledgerentry_changelist"),
    reverse("admin:deputies_deputy_add"),
]


def _header(html: str) -> str:
    return html[html.index('<header id="header">') : html.index("</header>")]


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def _plain(monkeypatch) -> None:
    monkeypatch.setattr(kept_html.KeptNode, "render", lambda self, ctx: self.nodelist.render(ctx))


@pytest.mark.parametrize("path", PAGES)
def test_the_kept_header_is_the_header_rendered_afresh(staff_client, path, monkeypatch):
    kept_html._KEPT.clear()
    staff_client.get(path)  # keeps the header
    kept = staff_client.get(path).content.decode()
    with monkeypatch.context() as patch:
        _plain(patch)
        fresh = staff_client.get(path).content.decode()
    blank = lambda html: re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "T", html)  # noqa: E731
    assert blank(_header(kept)) == blank(_header(fresh))
    assert "logout-form" in _header(kept) and "T" in blank(_header(kept))


def test_each_request_gets_its_own_token_and_its_own_name(staff_client, staff_user):
    path = reverse("admin:index")
    first, second = (staff_client.get(path).content.decode() for _ in range(2))
    assert _tokens(first) and _tokens(first) != _tokens(second)  # masked anew each time
    assert kept_html._TOKEN_MARK not in first + second
    other = StaffUserFactory(username="another")
    client = Client()
    client.force_login(other)
    theirs = _header(client.get(path).content.decode())
    name = '<strong class="admin-user">{}</strong>'
    assert name.format("another") in theirs and name.format("staff") not in theirs
    assert name.format("staff") in _header(second)


def test_the_header_follows_the_language(staff_client):
    path = reverse("admin:index")
    chinese = _header(staff_client.get(path).content.decode())
    staff_client.cookies["django_language"] = "en"
    english = _header(staff_client.get(path).content.decode())
    assert "退出登录" in chinese and "退出登录" not in english and "Log out" in english


def test_a_part_whose_key_cannot_be_named_is_written_afresh(rf, staff_user):
    """A key part that is None (an app list not from the memo) keeps nothing: two users' parts
    are never confused under a key that does not name what differs."""
    from django.middleware.csrf import get_token
    from django.template import engines

    kept_html._KEPT.clear()
    page = engines["django"].from_string(
        "{% load kept_html %}{% kept_html missing %}{{ shown }}{% endkept_html %}"
    )
    request = rf.get("/")
    get_token(request)
    first = page.render({"missing": None, "shown": "甲"}, request)
    second = page.render({"missing": None, "shown": "乙"}, request)
    assert (first, second) == ("甲", "乙") and not kept_html._KEPT
    page.render({"missing": "named", "shown": "丙"}, request)
    assert page.render({"missing": "named", "shown": "丁"}, request) == "丙"  # kept by name


@pytest.mark.parametrize("path", PAGES)
def test_a_second_visit_writes_no_kept_part_again(staff_client, path, monkeypatch):
    """Every kept part of the page (header, sidebar, breadcrumbs, styles, search form) is
    found under its key on the next visit: none names something that changes per request,
    none is written afresh for want of a key."""
    staff_client.get(path)
    calls = {"render": 0, "kept": 0, "written": 0}

    def counting(name, original):
        def call(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        return call

    node = kept_html.KeptNode
    monkeypatch.setattr(node, "render", counting("render", node.render))
    monkeypatch.setattr(node, "_written", counting("written", node._written))
    monkeypatch.setattr(
        kept_html._KEPT, "get_or_make", counting("kept", kept_html._KEPT.get_or_make)
    )
    staff_client.get(path)
    assert calls["render"] >= 1
    assert calls["kept"] == calls["render"] and calls["written"] == 0, calls


def test_two_parts_naming_the_same_values_are_kept_apart():
    """Templates compiled without debugging do not know where a tag stands in them."""
    engine = Engine(libraries={"kept_html": "core.templatetags.kept_html"}, debug=False)
    template = engine.from_string(
        "{% load kept_html %}{% kept_html who %}first {{ who }}{% endkept_html %}|"
        "{% kept_html who %}second {{ who }}{% endkept_html %}"
    )
    context = {"who": "clerk", "csrf_token": "token"}
    for _ in range(2):  # written, then kept
        assert template.render(Context(context)) == "first clerk|second clerk"
