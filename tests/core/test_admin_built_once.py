"""``built_once_a_day``: an admin list's queryset built once per day and process, each request a
fresh copy that filtering cannot change for the next, a new day a new build."""

import datetime

from django.contrib import admin
from django.test import RequestFactory

from core import clock
from core.admin_lists import built_once_a_day
from deputies.models import Deputy


class CountingAdmin(admin.ModelAdmin):
    builds = 0

    @built_once_a_day
    def get_queryset(self, request):
        CountingAdmin.builds += 1
        return Deputy.objects.filter(name__startswith=str(clock.today().year))


def make_admin():
    CountingAdmin.builds = 0
    return CountingAdmin(Deputy, admin.site)


def test_built_once_then_copied(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2031, 5, 6))
    model_admin, request = make_admin(), RequestFactory().get("/")
    first = model_admin.get_queryset(request)
    narrowed = first.filter(code="x")
    second = model_admin.get_queryset(request)
    assert CountingAdmin.builds == 1
    assert second is not first
    assert str(second.query) == str(first.query) != str(narrowed.query)
    assert first._result_cache is None and second._result_cache is None


def test_a_new_day_builds_again(monkeypatch):
    model_admin, request = make_admin(), RequestFactory().get("/")
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2031, 5, 6))
    model_admin.get_queryset(request)
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2031, 5, 7))
    later = model_admin.get_queryset(request)
    assert CountingAdmin.builds == 2
    assert "2031" in str(later.query)
