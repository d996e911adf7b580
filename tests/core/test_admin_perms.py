"""The staff member's permissions on admin pages come from the cache (no permission query on a
warm cache) and are exactly Django's: any change of a user's groups or own permissions, of a
group's permissions, of a permission, group or content type, takes effect on the next request,
whichever side it is made from; inactive users and superusers as before."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core import admin_perms
from tests.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

LIST = "admin:training_course_changelist"


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()
    cache.clear()
    yield
    cache.clear()


def _permission_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, sum(
        'FROM "auth_permission"' in q["sql"] for q in captured.captured_queries
    )


def _ours(user) -> set[str]:
    """What prime() gives the user, from the cache or the database."""
    user = type(user).objects.get(pk=user.pk)
    admin_perms.prime(user)
    return set(user._perm_cache)


def _djangos(user) -> set[str]:
    user = type(user).objects.get(pk=user.pk)
    return user.get_all_permissions()


def test_a_warm_cache_asks_no_permission_query(staff_client):
    url = reverse(LIST)
    assert _permission_queries(staff_client, url) == (200, 2)
    assert _permission_queries(staff_client, url) == (200, 0)


def test_the_cached_set_is_djangos_after_every_kind_of_change(staff_user):
    view = Permission.objects.get(codename="view_course")
    staff = Group.objects.get(name=Role.STAFF.value)
    other = StaffUserFactory()
    assert _ours(staff_user) == _djangos(staff_user) and "training.view_course" in _ours(staff_user)

    changes = [
        lambda: staff_user.groups.remove(staff),  # the user's side
        lambda: staff_user.groups.add(staff),
        lambda: staff.user_set.remove(staff_user),  # the group's side
        lambda: staff.user_set.add(staff_user),
        lambda: staff.permissions.remove(view),  # a group's permissions
        lambda: view.group_set.add(staff),  # … from the permission's side
        lambda: staff_user.user_permissions.add(view),  # own permissions
        lambda: view.user_set.clear(),
        lambda: staff.permissions.clear(),
        lambda: staff.permissions.set(Permission.objects.all()),
        lambda: (
            Permission.objects.filter(pk=view.pk).update(codename="view_course") or view.save()
        ),  # a renamed permission (saved)
        lambda: Group.objects.get(pk=staff.pk).delete(),  # rows go with it, no m2m signal
    ]
    for change in changes:
        _ours(staff_user), _ours(other)  # warm
        change()
        assert _ours(staff_user) == _djangos(staff_user)
        assert _ours(other) == _djangos(other)


def test_a_change_is_seen_on_the_next_request(staff_client, staff_user):
    url = reverse(LIST)
    assert staff_client.get(url).status_code == 200
    staff_user.groups.clear()
    assert staff_client.get(url).status_code == 403
    staff_user.groups.add(Group.objects.get(name=Role.STAFF.value))
    assert staff_client.get(url).status_code == 200
    Group.objects.get(name=Role.STAFF.value).permissions.remove(
        *Permission.objects.filter(codename__endswith="_course")
    )
    assert staff_client.get(url).status_code == 403


def test_superusers_and_inactive_users_as_before(staff_user, admin_user):
    _ours(staff_user)
    staff_user.is_superuser = True
    staff_user.save()
    assert _ours(staff_user) == _djangos(staff_user) == _djangos(admin_user)
    assert len(_ours(admin_user)) == Permission.objects.count()
    staff_user.is_active = False
    staff_user.save()
    user = type(staff_user).objects.get(pk=staff_user.pk)
    admin_perms.prime(user)
    assert not hasattr(user, "_perm_cache") and user.get_all_permissions() == set()


def test_a_lost_generation_never_revives_a_stale_entry(staff_user):
    _ours(staff_user)
    staff_user.groups.clear()
    assert _ours(staff_user) == set()
    cache.delete(admin_perms.GENERATION_KEY)
    cache.delete(admin_perms._user_generation_key(staff_user.pk))
    staff_user.groups.add(Group.objects.get(name=Role.STAFF.value))
    cache.delete(admin_perms._user_generation_key(staff_user.pk))
    assert _ours(staff_user) == _djangos(staff_user) != set()


def test_a_change_committed_after_a_read_is_not_kept(
    staff_user, django_capture_on_commit_callbacks
):
    """A request that read the permissions before another one committed its change does not
    keep them: the generation moves again on commit."""
    _ours(staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_user.groups.clear()
    stale = (
        (
            cache.get(admin_perms.GENERATION_KEY),
            cache.get(admin_perms._user_generation_key(staff_user.pk)),
        ),
        frozenset({"training.view_course"}),
        frozenset(),
    )
    cache.set(admin_perms._key(staff_user), stale)  # as a concurrent reader would have kept
    for callback in callbacks:
        callback()
    assert _ours(staff_user) == _djangos(staff_user) == set()
