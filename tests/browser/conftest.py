"""Browser tests: Playwright drives the system's Chromium (Debian's ``chromium`` package, which
``.ci/run`` installs where absent) against pytest-django's live server. Playwright's own browser
download is never used: the executable is named here.

A machine without Chromium skips these tests with the reason, except in CI (``CI=true``), where
a missing browser fails them: a green CI run must have driven a browser.

Every page a test opens records its console errors and uncaught exceptions (a script blocked by
the Content-Security-Policy, a chart that threw, a missing static file); :func:`shot` saves a
screenshot under ``var/screenshots/`` and asserts there were none so far.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Long enough for a loaded machine (CI has two cores, and Chromium starts cold).
TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    """``LVZHI_CHROMIUM`` if set, else the first Chromium on ``PATH``."""
    explicit = os.environ.get("LVZHI_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def in_ci() -> bool:
    """``CI`` as CI services set it (``true``); ``.ci/run`` sets it too."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(items):
    """Every test under tests/browser is a ``browser`` test (``-m browser`` runs only them)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """The live server needs committed rows, so these tests run in transactions that end with a
    flush. An earlier transactional test may have flushed the role groups and staff permissions
    (made by migrations); put them back. The flush leaves the shared cache's table (rate limits
    of the public pages, counted per address: every browser here is 127.0.0.1), so empty it."""
    from django.contrib.auth.models import Group
    from django.core.cache import caches
    from django.core.management.sql import emit_post_migrate_signal

    from accounts.roles import Role, sync_staff_permissions

    caches["shared"].clear()
    if Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role):
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_staff_permissions()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One Chromium per test module. Playwright's sync API keeps an event loop in this thread
    while it runs, so Django's ORM (which refuses to run inside one) is allowed for the module;
    the flag goes away with the browser, before any other test runs."""
    executable = chromium_path()
    if executable is None:
        reason = "no Chromium found (install Debian's chromium, or set LVZHI_CHROMIUM)"
        if in_ci():
            pytest.fail(f"browser tests in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        manager.stop()
        patch.undo()


class Tab:
    """A page in its own browser context (cookies, viewport) with its console watched."""

    def __init__(self, page, base_url: str, prefix: str):
        self.page, self.base_url, self.prefix = page, base_url, prefix
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if "favicon" in where or "favicon" in message.text:
            return
        self.errors.append(f"console: {message.text} ({where})")

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        return response


# A full-page capture keeps fixed elements where the viewport had them: the phone's tab bar
# would cover the middle of a long page. In the picture only, it follows the content.
UNFIX_TAB_BAR = "nav.lv-tabbar { position: static !important; }"


def shot(tab: Tab, name: str) -> Path:
    """Save the whole page as ``var/screenshots/<prefix>-<name>.png`` and assert that no page
    since the last call logged an error (CSP violations are console errors)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{tab.prefix}-{name}.png"
    tab.page.screenshot(path=str(path), full_page=True, style=UNFIX_TAB_BAR)
    errors, tab.errors[:] = list(tab.errors), []
    assert errors == [], f"{name}: {errors}"
    assert path.stat().st_size > 0
    return path


@pytest.fixture
def open_tab(browser, live_server) -> Iterator:
    """``open_tab("deputy", PHONE)``: a fresh context (no cookies) in Chinese with that
    viewport; screenshots it takes are named after ``prefix``."""
    contexts = []

    def make(prefix: str, viewport: dict, *, mobile: bool = False) -> Tab:
        context = browser.new_context(
            viewport=viewport,
            locale="zh-CN",
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return Tab(context.new_page(), live_server.url, prefix)

    yield make
    for context in contexts:
        context.close()


def log_in(tab: Tab, username: str, password: str) -> None:
    """Through the login form, as a person does (django-axes counts the attempt)."""
    tab.go("/accounts/login/")
    tab.page.fill("#id_username", username)
    tab.page.fill("#id_password", password)
    tab.page.get_by_role("button", name="登录").click()
    tab.page.wait_for_url(lambda url: "/accounts/login/" not in url)
