"""The menu each app registers, shown per role; and the staff group's apps derived once."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role, staff_managed_apps, sync_staff_permissions
from core.navigation import nav_items_for

pytestmark = pytest.mark.django_db


def _urls(user) -> list[str]:
    return [url for _label, url in nav_items_for(user)]


def test_deputy_menu_comes_from_the_apps(deputy):
    urls = _urls(deputy.user)
    assert urls == [
        reverse("deputies:dashboard"),
        reverse("performance:my_ledger"),
        reverse("liaison:my_duties"),
        reverse("liaison:visits"),
        reverse("performance:topics"),
        reverse("training:home"),
        reverse("suggestions:mine"),
    ]


def test_unit_and_staff_menus(unit_user, staff_user):
    assert _urls(unit_user) == [reverse("suggestions:unit_home")]
    staff_urls = _urls(staff_user)
    assert reverse("suggestions:staff_home") in staff_urls
    assert staff_urls[-1] == reverse("admin:index")
    assert reverse("performance:my_ledger") not in staff_urls


def test_anonymous_has_no_menu(client):
    from django.contrib.auth.models import AnonymousUser

    assert nav_items_for(AnonymousUser()) == []
    assert nav_items_for(None) == []


def test_menu_is_rendered_in_the_base_page(deputy_client):
    html = deputy_client.get(reverse("performance:my_ledger")).content.decode()
    # The menu's link goes to the page and says its name (the tab bar links it too).
    mine = reverse("suggestions:mine")
    assert f'<a class="nav-link" href="{mine}">我的建议</a>' in html
    assert f'<a class="nav-link" href="{reverse("deputies:dashboard")}">我的履职</a>' in html
    assert f'href="{reverse("admin:index")}"' not in html


def test_staff_managed_apps_are_the_local_apps():
    labels = staff_managed_apps()
    assert {"deputies", "performance", "suggestions", "liaison", "training"} <= set(labels)
    assert "auth" not in labels and "sessions" not in labels


def test_staff_group_gets_every_local_model_permission():
    sync_staff_permissions()
    staff = Group.objects.get(name=Role.STAFF.value)
    apps = set(staff.permissions.values_list("content_type__app_label", flat=True))
    assert {"deputies", "performance", "suggestions"} <= apps
    assert "sessions" not in apps
