"""A page's URL configuration, script prefix and language are read once when its template
starts rendering (core.render_env); outside a page they are read afresh."""

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation

from core import render_env


class Seen:
    """A context value recording, when the page writes it, what the keys would read."""

    def __init__(self):
        self.seen = []

    def __str__(self):
        self.seen.append((render_env._PAGE.get(), render_env.environment()))
        return "x"


def test_a_page_reads_them_once_and_its_parts_see_that_read(monkeypatch):
    seen = Seen()
    reads = []
    plain_read = render_env.read

    def counting():
        reads.append(1)
        return plain_read()

    monkeypatch.setattr(render_env, "read", counting)
    page = engines["django"].from_string("{{ seen }}{{ seen }}{{ seen }}")
    with translation.override("en"):
        assert page.render({"seen": seen}) == "xxx"
    assert len(reads) == 1  # on entry, not once per part
    snapshots = {snapshot for snapshot, _env in seen.seen}
    assert snapshots == {("config.urls", "/", "en")}
    assert all(env == ("config.urls", "/", "en") for _snapshot, env in seen.seen)
    assert render_env._PAGE.get() is None  # gone once the page is written


def test_outside_a_page_they_are_read_afresh():
    assert render_env._PAGE.get() is None
    with translation.override("en"):
        assert render_env.language() == "en"
        with translation.override("zh-hans"):
            assert render_env.language() == "zh-hans"
            assert render_env.environment()[2] == "zh-hans"
    set_script_prefix("/lvzhi/")
    try:
        assert render_env.environment()[1] == "/lvzhi/"
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="core.bench"):
        assert render_env.environment()[0] == "core.bench"


def test_a_page_inside_a_page_has_its_own_and_gives_the_outer_back():
    inner = engines["django"].from_string("{{ seen }}")
    seen = Seen()

    class Nested:
        def __str__(self):
            with translation.override("en"):
                inner.render({"seen": seen})
            return str(render_env._PAGE.get()[2])

    outer = engines["django"].from_string("{{ nested }}")
    with translation.override("zh-hans"):
        assert outer.render({"nested": Nested()}) == "zh-hans"
    assert seen.seen[0][0][2] == "en"


@pytest.mark.django_db
def test_the_admin_header_and_links_follow_the_language(staff_client):
    """The kept parts and reversed links keyed by the page's read: each language its own."""
    chinese = staff_client.get("/admin/").content.decode()
    staff_client.cookies["django_language"] = "en"
    english = staff_client.get("/admin/").content.decode()
    assert "退出登录" in chinese and "Log out" in english and "退出登录" not in english


def test_a_page_view_reads_them_once_for_the_parts_it_writes(monkeypatch):
    """``page_view``: a view writing its page's parts in Python (the dashboard, the ledger)
    reads the three values once on entry, and they are gone when it returns."""
    reads = []
    plain_read = render_env.read
    monkeypatch.setattr(render_env, "read", lambda: reads.append(1) or plain_read())

    @render_env.page_view
    def view(request):
        return [render_env.environment() for _ in range(5)], render_env.language()

    with translation.override("en"):
        environments, language = view(None)
    assert len(reads) == 1 and language == "en"
    assert set(environments) == {("config.urls", "/", "en")}
    assert render_env._PAGE.get() is None


def test_a_page_translates_each_word_once_per_language(monkeypatch):
    """``render_env.gettext``: Django's text, looked up once per language while pages are
    written; outside a page, and for safe text, Django's own call."""
    from django.utils.safestring import SafeString, mark_safe

    render_env._TEXTS.clear()
    asked = []
    django_gettext = render_env.django_gettext
    monkeypatch.setattr(
        render_env,
        "django_gettext",
        lambda message: asked.append(message) or django_gettext(message),
    )
    for language, expected in (("en", "Home"), ("zh-hans", "首页"), ("en", "Home")):
        with translation.override(language), render_env.rendering():
            assert [render_env.gettext("首页") for _ in range(3)] == [expected] * 3
    assert asked == ["首页", "首页"]  # once for English, once for Chinese
    with translation.override("en"):
        assert render_env.gettext("首页") == "Home" and len(asked) == 3  # outside a page
        with render_env.rendering():
            assert type(render_env.gettext(mark_safe("首页"))) is SafeString
    with override_settings(LOCALE_PATHS=[]):
        assert render_env._TEXTS == {}


def test_plural_words_are_kept_per_language_and_number():
    render_env._TEXTS.clear()
    with translation.override("en"), render_env.rendering():
        words = [render_env.ngettext("附件 %(n)s", "附件 %(n)s", n) for n in (1, 2, 1)]
        assert words == [translation.ngettext("附件 %(n)s", "附件 %(n)s", n) for n in (1, 2, 1)]
    assert {key[3] for key in render_env._TEXTS} == {1, 2}
    assert all(key[0] == "en" for key in render_env._TEXTS)
