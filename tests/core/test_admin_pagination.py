"""The admin's page links and count written in Python (``core.admin_list_parts.
render_pagination``) are byte for byte what ``{% pagination cl %}`` draws with the project's
``admin/pagination.html``: one page, many pages with gaps, the last page, an estimated and a
capped count, and the "show all" link, in both languages."""

import pytest
from django.contrib import admin
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from accounts.models import User
from core.admin_list_parts import is_project_pagination, render_pagination
from deputies.models import Deputy
from performance.models import LedgerEntry
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

DJANGO = Template("{% load admin_list %}{% pagination cl %}")


def changelist(model, query: dict, user):
    request = RequestFactory().get("/", query)
    request.user = user
    return admin.site._registry[model].get_changelist_instance(request)


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("root", "root@example.org", "x")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"p": "2"},
        {"p": "9"},
        {"p": "5"},
        {"q": "代表"},
        {"p": "3", "q": ""},
        {"all": "", "q": ""},
    ],
)
def test_same_as_djangos_tag(staff, language, query, settings):
    DeputyFactory.create_batch(12)
    model_admin = admin.site._registry[Deputy]
    original = model_admin.list_per_page
    model_admin.list_per_page = 1  # twelve pages: links, gaps and the last page
    try:
        with translation.override(language):
            cl = changelist(Deputy, query, staff)
            context = Context({"cl": cl, "opts": cl.opts})
            assert render_pagination(cl, context) == DJANGO.render(context)
    finally:
        model_admin.list_per_page = original


@pytest.mark.parametrize("kind", ["approximate", "capped"])
def test_estimated_and_capped_counts(staff, kind):
    DeputyFactory.create_batch(3)
    cl = changelist(Deputy, {}, staff)
    setattr(cl.paginator, kind, True)
    cl.paginator.max_rows = 2  # three rows: past the pages offered
    context = Context({"cl": cl, "opts": cl.opts})
    html = render_pagination(cl, context)
    assert html == DJANGO.render(context)
    assert "可翻阅前" in html


def test_an_estimate_within_the_pages_offered_says_no_limit(staff):
    DeputyFactory.create_batch(3)
    cl = changelist(Deputy, {}, staff)
    cl.paginator.approximate = True
    context = Context({"cl": cl, "opts": cl.opts})
    html = render_pagination(cl, context)
    assert html == DJANGO.render(context)
    assert "约 3" in html and "可翻阅前" not in html


def test_show_all_link(staff):
    DeputyFactory.create_batch(3)
    model_admin = admin.site._registry[Deputy]
    original = model_admin.list_per_page, model_admin.list_max_show_all
    model_admin.list_per_page, model_admin.list_max_show_all = 1, 100
    try:
        cl = changelist(Deputy, {}, staff)
        context = Context({"cl": cl, "opts": cl.opts})
        html = render_pagination(cl, context)
        assert 'class="showall"' in html
        assert html == DJANGO.render(context)
    finally:
        model_admin.list_per_page, model_admin.list_max_show_all = original


def test_project_template_recognised():
    assert is_project_pagination(LedgerEntry._meta)
