"""The base page's own work: at most two queries on a cold cache, none on a warm one, and the
cached facts (role names, unread badge) follow every change."""

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.roles import Role, user_has_role
from core.notifications import notification_mark_read, notification_send, unread_count

pytestmark = pytest.mark.django_db


def _render_base(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("core/bench_page.html", request=request)


def _fresh(user):
    """The user as the auth middleware loads it on the next request (no per-object cache)."""
    return type(user).objects.get(pk=user.pk)


def test_base_page_costs_two_queries_cold_and_none_warm(deputy, django_assert_num_queries):
    cold, warm = _fresh(deputy.user), _fresh(deputy.user)
    with django_assert_num_queries(2):  # role names for the menu, the unread count
        html = _render_base(cold)
    assert "履职档案" in html
    with django_assert_num_queries(0):
        _render_base(warm)


def test_unread_badge_follows_sends_and_reads(deputy, django_capture_on_commit_callbacks):
    user = deputy.user
    assert unread_count(user) == 0
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, kind="test", title="提醒一")
        notification_send(recipient=user, kind="test", title="提醒二")
    assert unread_count(user) == 2
    assert 'badge rounded-pill text-bg-warning">2<' in _render_base(_fresh(user))
    with django_capture_on_commit_callbacks(execute=True):
        notification_mark_read(user=user)
    assert unread_count(user) == 0


def test_role_names_follow_group_changes_from_both_sides(deputy):
    user = deputy.user
    staff = Group.objects.get(name=Role.STAFF.value)
    assert not user_has_role(_fresh(user), Role.STAFF)
    user.groups.add(staff)
    assert user_has_role(_fresh(user), Role.STAFF)
    staff.user_set.remove(user)
    assert not user_has_role(_fresh(user), Role.STAFF)
    staff.user_set.add(user)
    assert user_has_role(_fresh(user), Role.STAFF)
    staff.user_set.clear()
    assert not user_has_role(_fresh(user), Role.STAFF)
