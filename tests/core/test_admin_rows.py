"""The lean result table (``core.admin_rows``) writes exactly Django's ``{% result_list %}``,
the lean filters exactly Django's ``{% admin_list_filter %}``, the actions bar exactly
Django's ``{% admin_actions %}``, the pages exactly ``{% pagination %}`` and the add link exactly
``{% change_list_object_tools %}``.

On the demo data, every registered ModelAdmin's changelist is rendered twice, once with the
lean renderer and its kept page skeleton (``core.page_skeleton``) and once with them switched
off (Django's tags, the whole page rendered), and the pages must be the same
up to whitespace (and the per-render CSRF token): as the superuser and as the clerk, unsorted
and sorted on two columns (which puts the sort into every row's preserved-filters link)."""

import re
from unittest import mock

import pytest
from django.contrib import admin
from django.core.management import call_command

from accounts.models import User
from core import admin_list_parts, admin_rows, page_skeleton
from core.templatetags import admin_rows as admin_rows_tags
from core.templatetags import kept_html

pytestmark = pytest.mark.django_db

# Lists the demo fills that this proof must cover (it fails if one of them is empty).
MUST_HAVE_ROWS = {
    "performance.LedgerEntry",
    "suggestions.Suggestion",
    "deputies.Deputy",
    "training.Enrollment",
    "liaison.Visit",
    "liaison.Opinion",
    "training.Course",
}


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r"\s*(<|>)\s*", r"\1", html)
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


class Spy:
    """Counts the tables the lean renderer wrote (rather than handed back to Django)."""

    def __init__(self) -> None:
        self.written = 0

    def __call__(self, cl):
        html = admin_rows.render_result_list(cl)
        if html:
            self.written += 1
        return html


def both(client, url: str) -> tuple[str, str, int]:
    spy = Spy()
    with mock.patch.object(admin_rows_tags, "render_result_list", spy):
        ours = client.get(url, follow=True)
    with (
        mock.patch.object(admin_rows_tags, "render_result_list", lambda cl: None),
        mock.patch.object(admin_rows_tags, "render_filter", lambda cl, spec: None),
        mock.patch.object(admin_rows_tags, "render_actions", lambda context: None),
        mock.patch.object(admin_rows_tags, "render_pagination", lambda cl, context: None),
        mock.patch.object(admin_rows_tags, "render_object_tools", lambda context: None),
        mock.patch.object(
            kept_html.KeptNode, "render", lambda self, ctx: self.nodelist.render(ctx)
        ),
        mock.patch.object(page_skeleton, "render", lambda template, context: None),
    ):
        # Django's own tags for the rows and the filters, the page rendered in full.
        stock = client.get(url, follow=True)
    assert ours.status_code == stock.status_code, url
    return normalised(stock.content.decode()), normalised(ours.content.decode()), spy.written


def changelist_urls():
    for model in admin.site._registry:
        opts = model._meta
        yield model, f"/admin/{opts.app_label}/{opts.model_name}/"


def test_every_changelist_is_djangos_html(client, demo):
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    clerk = User.objects.get(username="clerk")
    with_rows, differ = set(), []
    for user, params in ((superuser, ""), (superuser, "?o=-2.1"), (clerk, "")):
        client.force_login(user)
        for model, url in changelist_urls():
            if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
                continue
            stock, ours, written = both(client, url + params)
            if ours != stock:
                differ.append(f"{user.username} {url}{params}")
            if 'id="result_list"' in stock:
                with_rows.add(model._meta.label)
                editable = bool(admin.site._registry[model].list_editable)
                assert written == (0 if editable else 1), f"{url}{params}: lean {written}"
    assert differ == []
    assert with_rows >= MUST_HAVE_ROWS, MUST_HAVE_ROWS - with_rows
    assert len(with_rows) >= 30, sorted(with_rows)


def test_the_english_lists_are_djangos_html(client, demo):
    client.force_login(User.objects.get(username="clerk"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    for url in ("/admin/performance/ledgerentry/?o=3", "/admin/suggestions/suggestion/"):
        stock, ours, written = both(client, url)
        assert ours == stock and written == 1
        assert "Select this object for an action" in ours


def test_popups_and_editable_lists_keep_djangos_tag(client, demo):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    for url in (
        "/admin/deputies/deputy/?_popup=1",
        "/admin/deputies/community/",  # list_editable
    ):
        stock, ours, written = both(client, url)
        assert ours == stock and 'id="result_list"' in ours and written == 0


def test_chosen_filters_are_djangos_html(client, demo):
    """A chosen filter value (the ``selected`` item, the other choices' links keeping it), in
    both languages (the "By …" heading is translated)."""
    client.force_login(User.objects.get(username="clerk"))
    urls = (
        "/admin/liaison/visit/?status__exact=open",
        "/admin/liaison/opinion/?station__id__exact=1&year=2025",
        "/admin/deputies/deputy/?level__exact=district&term__id__exact=1",
        "/admin/training/course/?year=2025&is_published__exact=1",
        "/admin/performance/ledgerentry/?status__exact=pending",
        "/admin/suggestions/suggestion/?lead_unit__id__exact=1",
        "/admin/core/auditevent/?actor=system",
        "/admin/deputies/deputy/?q=%E4%BB%A3&level__exact=district",  # a search kept too
    )
    for language in ("zh-hans", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
        for url in urls:
            # The plain list first: a filter written once for it must not stand for the
            # chosen one (``core.admin_list_parts.render_filter`` keeps some per key).
            plain_stock, plain_ours, _written = both(client, url.partition("?")[0])
            assert plain_ours == plain_stock, f"{language} {url}"
            stock, ours, _written = both(client, url)
            assert ours == stock, f"{language} {url}"
            assert 'class="selected"' in ours, url


def test_the_actions_bar_is_written_and_djangos_html(client, demo, monkeypatch):
    """The bar is written by ``render_actions`` (not handed back), on top and at the bottom
    (the second one's button says ``index`` 1), with the "select all" question when the list
    has more rows than its page, in both languages."""
    from performance.models import LedgerEntry

    written = []

    def spy(context):
        html = admin_list_parts.render_actions(context)
        written.append(html is not None)
        return html

    model_admin = admin.site._registry[LedgerEntry]
    monkeypatch.setattr(model_admin, "actions_on_bottom", True)
    monkeypatch.setattr(model_admin, "list_per_page", 5)
    client.force_login(User.objects.get(username="clerk"))
    for language in ("zh-hans", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
        written.clear()
        with mock.patch.object(admin_rows_tags, "render_actions", spy):
            ours = client.get("/admin/performance/ledgerentry/")
        assert written == [True, True]
        stock, ours_html, _rows = both(client, "/admin/performance/ledgerentry/")
        assert ours_html == stock == normalised(ours.content.decode())
        assert 'name="index" value="1"' in stock and 'class="question hidden"' in stock


def test_the_add_link_is_djangos_byte_for_byte(client, demo):
    """The add link keeps the chosen filters (``_changelist_filters``) and, in a popup, the
    popup flag, exactly as Django's template writes them, whitespace included."""
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    for url in (
        "/admin/deputies/deputy/?level__exact=district",
        "/admin/deputies/deputy/?_popup=1",
    ):
        with mock.patch.object(admin_rows_tags, "render_object_tools", lambda context: None):
            stock = client.get(url).content.decode()
        ours = client.get(url).content.decode()
        tools = re.compile(r'<ul class="object-tools">.*?</ul>', re.S)
        assert tools.search(ours).group(0) == tools.search(stock).group(0)
        assert 'class="addlink"' in ours and "/admin/deputies/deputy/add/?" in ours


def test_kept_links_follow_the_query_and_the_language(client, demo, monkeypatch):
    """The row links (``core.admin_rows``: the change URL with the preserved filters), the
    page links and the add link (``core.admin_list_parts``) are written once per process and
    key: a list visited again with another sort, page, filter or language gets its own, each
    exactly Django's."""
    from performance.models import LedgerEntry

    model_admin = admin.site._registry[LedgerEntry]
    monkeypatch.setattr(model_admin, "list_per_page", 5)  # pages of links to keep apart
    client.force_login(User.objects.get(username="clerk"))
    url = "/admin/performance/ledgerentry/"
    for language in ("zh-hans", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
        for query in ("", "?o=-1", "?o=-1&p=2", "?p=2", "?status__exact=verified", ""):
            stock, ours, written = both(client, url + query)
            assert ours == stock and written == 1, f"{language} {query}"
            assert 'class="paginator"' in ours and 'class="addlink"' in ours
