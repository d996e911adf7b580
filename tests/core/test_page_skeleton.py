"""An admin change list (and the staff desk) is written once per key as its skeleton, and on
each later visit only its changing blocks are rendered (``core.page_skeleton``,
``core.admin_page``): byte for byte the page a full render gives, for each staff member,
language, query and message."""

import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.template import loader_tags
from django.template.base import NodeList

from accounts.models import User
from core import admin_page, clock, page_skeleton

pytestmark = pytest.mark.django_db

LEDGER = "/admin/performance/ledgerentry/"


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture(autouse=True)
def _no_kept_skeletons():
    page_skeleton._KEPT.clear()
    yield


@pytest.fixture(autouse=True)
def _one_moment(monkeypatch):
    """The clock stopped at the test's start: the desk's overdue-opinions link names its
    cutoff to the second, so two renders a second apart differ however they are written."""
    moment = clock.now()
    monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.fixture
def writes(monkeypatch):
    """The skeletons written (rather than read back) during the test."""
    written = []
    real = page_skeleton._written

    def spy(template, context, chain, key):
        written.append(template.origin.name)
        return real(template, context, chain, key)

    monkeypatch.setattr(page_skeleton, "_written", spy)
    return written


def _token_free(response) -> str:
    return re.sub(r'value="[A-Za-z0-9]{64}"', 'value="T"', response.content.decode())


def _full(client, url: str, **kwargs) -> str:
    with mock.patch.object(page_skeleton, "render", lambda template, context: None):
        return _token_free(client.get(url, **kwargs))


def test_a_list_is_written_once_then_only_its_holes(client, demo, writes):
    client.force_login(User.objects.get(username="clerk"))
    first, second = (_token_free(client.get(LEDGER)) for _ in range(2))
    assert len(writes) == 1 and writes[0].endswith("performance/ledgerentry/change_list.html")
    assert first == second == _full(client, LEDGER)
    assert 'id="result_list"' in second and "<h1>" in second
    # Each visit has its own CSRF token, in the header's logout form and the list's form.
    visits = [
        re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', client.get(LEDGER).text)
        for _ in range(2)
    ]
    assert [len(set(tokens)) for tokens in visits] == [1, 1]
    assert len(visits[0]) == 2 and visits[0] != visits[1]


def test_queries_share_the_skeleton_and_keep_their_own_rows(client, demo, writes):
    client.force_login(User.objects.get(username="clerk"))
    for url in (
        LEDGER,
        LEDGER + "?status__exact=pending",
        LEDGER + "?q=%E5%BB%BA&o=-3",
        LEDGER + "?p=2",
        "/admin/liaison/opinion/?station__id__exact=1",
        "/admin/deputies/deputy/?level__exact=district",
    ):
        assert _token_free(client.get(url)) == _full(client, url), url
    assert len(writes) == 3  # one per list


def test_each_staff_member_sees_their_own_header_and_tools(client, demo, writes):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    clerk = User.objects.get(username="clerk")
    pages = {}
    for user in (root, clerk, root):
        client.force_login(user)
        pages[user.username] = _token_free(client.get("/admin/deputies/deputy/"))
        assert pages[user.username] == _full(client, "/admin/deputies/deputy/")
    assert 'class="admin-user">root<' in pages["root"]
    assert 'class="admin-user">root<' not in pages["clerk"]


def test_each_language_has_its_own_skeleton(client, demo, writes):
    client.force_login(User.objects.get(username="clerk"))
    chinese = _token_free(client.get(LEDGER))
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    english = _token_free(client.get(LEDGER))
    assert english == _full(client, LEDGER)
    assert 'lang="en"' in english and 'lang="zh-hans"' in chinese
    assert len(writes) == 2


def test_a_message_shows_in_its_hole(client, demo, writes):
    """An action asked for without rows says so above the list (Django's message)."""
    client.force_login(User.objects.get(username="clerk"))
    client.get(LEDGER)
    response = client.post(LEDGER, {"action": "delete_selected", "index": 0}, follow=True)
    assert 'class="messagelist"' in response.text
    assert 'class="messagelist"' not in client.get(LEDGER).text  # shown once, as always
    assert len(writes) == 1


def test_the_staff_desk_is_kept_and_an_apps_index_is_not(client, demo, writes):
    """The desk's cards, app list and recent actions are holes; an app's index (Django's
    ``app_index.html``) writes its own breadcrumbs, outside the desk's holes."""
    root = User.objects.create_superuser("root", "root@example.org", "x")
    for user in (User.objects.get(username="clerk"), root):
        client.force_login(user)
        for _ in range(2):
            desk = _token_free(client.get("/admin/"))
            assert desk == _full(client, "/admin/")
        assert f'class="admin-user">{user.username}<' in desk and 'id="staff-desk"' in desk
    assert len(writes) == 1 and writes[0].endswith("templates/admin/index.html")
    app_index = _token_free(client.get("/admin/performance/"))
    assert app_index == _full(client, "/admin/performance/") and len(writes) == 1


def test_popups_are_rendered_in_full(client, demo, writes):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    url = "/admin/deputies/deputy/?_popup=1"
    assert _token_free(client.get(url)) == _full(client, url)
    assert writes == [] and not page_skeleton._KEPT


def test_a_kept_visit_still_tells_the_test_client_its_context(client, demo):
    client.force_login(User.objects.get(username="clerk"))
    client.get(LEDGER)
    response = client.get(LEDGER)
    assert response.context["cl"].model._meta.model_name == "ledgerentry"
    names = [template.name for template in response.templates]
    assert names[:5] == [
        "admin/performance/ledgerentry/change_list.html",
        "admin/change_list.html",
        "admin/change_list.html",
        "admin/base_site.html",
        "admin/base.html",
    ]


def _block(name: str, *inside: str) -> loader_tags.BlockNode:
    return loader_tags.BlockNode(name, NodeList([_block(n) for n in inside]))


def test_a_template_overriding_a_fixed_block_is_rendered_in_full():
    """Below the anchor, a template may override blocks inside the holes only: what it writes
    elsewhere would be kept with the first visit's data."""
    django_list = {"object-tools": _block("object-tools", "object-tools-items")}
    tools_only = {"object-tools-items": _block("object-tools-items")}
    own_title = {"content_title": _block("content_title")}
    skeleton = admin_page.CHANGE_LIST
    assert page_skeleton._only_holes(skeleton, [tools_only, {}, django_list], 1)
    assert not page_skeleton._only_holes(skeleton, [own_title, {}, django_list], 1)
    # At or above the anchor the key names what the templates show.
    assert page_skeleton._only_holes(skeleton, [{}, own_title, django_list], 1)
