"""The admin's app list is built once per permission set and language (``core.admin_nav``):
a user who gains a group sees the new models on the next request, a language switch renames
them, a second request builds nothing, and the Python-written list is Django's template's HTML."""

import re
from pathlib import Path
from unittest import mock

import django.contrib.admin
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.template import Context, Engine
from django.test import RequestFactory
from django.utils import translation

from core.admin_nav import render_app_list
from core.admin_site import LvzhiAdminSite
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

STOCK_APP_LIST = (
    Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "app_list.html"
).read_text()


def normalised(html: str) -> str:
    """Whitespace only: none around tags, single spaces elsewhere."""
    html = re.sub(r"\s*(<|>)\s*", r"\1", html)
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture(autouse=True)
def _fresh_memo():
    admin.site.app_list_memo.clear()
    yield
    admin.site.app_list_memo.clear()


def sidebar_models(client) -> set[str]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {m["object_name"] for app in response.context["available_apps"] for m in app["models"]}


def test_a_user_who_gains_a_group_sees_its_models_at_once(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_deputy"))
    client.force_login(user)
    assert sidebar_models(client) == {"Deputy"}
    assert sidebar_models(client) == {"Deputy"}  # now from the memo

    group = Group.objects.create(name="课程管理")
    group.permissions.add(Permission.objects.get(codename="view_course"))
    user.groups.add(group)
    assert sidebar_models(client) == {"Deputy", "Course"}

    user.groups.remove(group)
    assert sidebar_models(client) == {"Deputy"}


def test_two_users_with_other_permissions_see_their_own_lists(client, admin_user):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_deputy"))
    client.force_login(admin_user)
    assert len(sidebar_models(client)) == len(admin.site._registry)
    client.force_login(viewer)
    assert sidebar_models(client) == {"Deputy"}


def test_the_names_follow_the_language(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert ">代表队伍</a>" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    response = client.get("/admin/")
    page = response.content.decode()
    assert ">Deputies</a>" in page and ">代表队伍</a>" not in page
    names = [app["name"] for app in response.context["available_apps"]]
    assert "Deputies" in names and all(type(name) is str for name in names)


def test_a_second_request_builds_nothing(client, admin_user):
    client.force_login(admin_user)
    stock = admin.AdminSite._build_app_dict
    with mock.patch.object(
        LvzhiAdminSite, "_build_app_dict", autospec=True, side_effect=stock
    ) as build:
        client.get("/admin/deputies/deputy/")
        assert build.call_count == 1
        client.get("/admin/suggestions/suggestion/")
        client.get("/admin/")  # the index and its sidebar: the same list
        assert build.call_count == 1
        client.get("/admin/performance/")  # an app's own index is another list
        assert build.call_count == 2


def test_a_caller_changing_its_list_does_not_change_the_next_one(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    first = admin.site.get_app_list(request)
    first[0]["models"].clear()
    first[1]["name"] = "changed"
    second = admin.site.get_app_list(request)
    assert second[0]["models"] and second[1]["name"] != "changed"


def stock_and_ours(app_list, path, show_changelinks):
    request = RequestFactory().get(path)
    context = {"app_list": app_list, "request": request, "show_changelinks": show_changelinks}
    stock = Engine.get_default().from_string(STOCK_APP_LIST).render(Context(context))
    return normalised(stock), normalised(render_app_list(app_list, request.path, show_changelinks))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("show_changelinks", [True, False])
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/deputies/deputy/", "/admin/training/course/3/change/"]
)
def test_the_list_is_djangos_html(admin_user, language, show_changelinks, path):
    request = RequestFactory().get(path)
    request.user = admin_user
    with translation.override(language):
        app_list = admin.site.get_app_list(request)
        # A name to escape, a view-only model and a model without links.
        app_list[0]["name"] = "<队伍 & 名册>"
        app_list[0]["models"][0]["view_only"] = True
        app_list[0]["models"][1].update(admin_url=None, add_url=None)
        stock, ours = stock_and_ours(app_list, path, show_changelinks)
    assert ours == stock
    assert "current-model" in stock or path == "/admin/"


def test_an_empty_list_is_djangos_html():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            stock, ours = stock_and_ours([], "/admin/", True)
        assert ours == stock and "<p>" in stock


def test_a_view_only_user_sees_view_links(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_deputy"))
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    app_list = admin.site.get_app_list(request)
    stock, ours = stock_and_ours(app_list, "/admin/", True)
    assert ours == stock and "viewlink" in ours and "addlink" not in ours


def test_a_written_sidebar_is_kept_only_for_the_same_list_page_and_language(admin_user):
    """The memo of written sidebars: the same HTML as writing afresh, for another page, another
    language, another list (a renamed, removed or view-only model) or safe text."""
    from django.utils.safestring import mark_safe

    from core.admin_nav import write_app_list

    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for language in ("zh-hans", "en"):
        with translation.override(language):
            app_list = admin.site.get_app_list(request)
            variants = [app_list]
            for change in (
                lambda a: a[0]["models"][0].update(name="改名"),
                lambda a: a[0]["models"].pop(),
                lambda a: a[0]["models"][0].update(view_only=True),
                lambda a: a[0].update(name=mark_safe("<b>队伍</b>")),
                lambda a: a[0].update(name="<b>队伍</b>"),
            ):
                changed = admin.site.get_app_list(request)
                change(changed)
                variants.append(changed)
            for apps in variants:
                for path in ("/admin/", "/admin/deputies/deputy/"):
                    for links in (True, False):
                        assert render_app_list(apps, path, links) == write_app_list(
                            apps, path, links
                        )
                        assert render_app_list(apps, path, links) == write_app_list(
                            apps, path, links
                        )
