"""Response headers (issue #11, item 6): the Content-Security-Policy and ``Cache-Control:
no-store`` on private responses.

The policy only protects if the pages obey it: one inline ``<script>`` or ``onchange=`` left in
a template and either the page breaks under the policy or someone loosens the policy to fix
it. So every template is parsed, and a crawl of the demo as each role parses what the pages
really send (widgets, admin, ``format_html`` in Python included).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from core.security import NoStoreMiddleware
from suggestions.models import Suggestion
from suggestions.models.choices import PRE_REGISTRATION
from tests.accounts.factories import UserFactory
from tests.core.crawler import walk
from tests.deputies.factories import DeputyFactory
from tests.suggestions.factories import RegisteredSuggestionFactory

CSP = "Content-Security-Policy"
ROOT = Path(settings.BASE_DIR)


def policy(response) -> dict[str, set[str]]:
    directives = (part.split() for part in response[CSP].split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


# --- what a page may contain ---------------------------------------------------------------


class ScriptAudit(HTMLParser):
    """Collects what the policy would block or what would tempt someone to loosen it: an inline
    ``<script>`` without a nonce, an ``on…=`` handler attribute, a ``javascript:`` URL."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            found = dict(attrs)
            if found.get("src"):
                self.scripts.append(found["src"])
            elif not found.get("nonce") and found.get("type") != "application/json":
                self.problems.append("inline <script>")


def audit(html: str) -> ScriptAudit:
    parser = ScriptAudit()
    parser.feed(html)
    parser.close()
    return parser


def template_files() -> list[Path]:
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine["DIRS"]]
    folders += [ROOT / app / "templates" for app in settings.INSTALLED_APPS if "." not in app]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.html"))


def as_html(source: str) -> str:
    """A template's markup with its tags and variables replaced by a placeholder, so that
    ``{% if %}`` inside a tag does not read as attributes."""
    source = re.sub(r"{#.*?#}", "", source, flags=re.S)
    return re.sub(r"{%.*?%}|{{.*?}}", "x", source, flags=re.S)


def test_the_auditor_finds_what_the_policy_blocks():
    found = audit(
        '<script>alert(1)</script><select onchange="this.form.submit()"></select>'
        '<a href="javascript:void(0)">x</a><script src="/static/js/lvzhi.js"></script>'
        '<script nonce="abc">ok()</script>'
    )
    assert found.problems == [
        "inline <script>",
        "<select onchange=…>",
        "<a href=javascript:…>",
    ]
    assert found.scripts == ["/static/js/lvzhi.js"]


def test_no_template_has_inline_script_or_handler_attributes():
    files = template_files()
    assert len(files) > 50 and ROOT / "templates" / "base.html" in files
    problems = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := audit(as_html(path.read_text(encoding="utf-8"))).problems)
    }
    assert problems == {}


def test_every_static_file_the_templates_name_exists():
    """The moved behaviour lives in static/js/: a typo in a ``{% static %}`` path would leave a
    page without it (and under the policy there is no inline fallback)."""
    named = {
        match
        for path in template_files()
        for match in re.findall(r"{%\s*static\s+['\"]([^'\"]+)['\"]", path.read_text("utf-8"))
    }
    assert {"js/lvzhi.js", "js/term-change-over.js"} <= named
    assert [name for name in sorted(named) if not finders.find(name)] == []


def test_own_scripts_need_no_eval():
    """``script-src 'self'`` without ``'unsafe-eval'``: no eval, no ``new Function``, no timer
    with a string."""
    sources = {path.name: path.read_text("utf-8") for path in (ROOT / "static/js").glob("*.js")}
    assert sources
    evaluating = re.compile(r"\beval\s*\(|new\s+Function\s*\(|set(Timeout|Interval)\s*\(\s*['\"]")
    assert [name for name, text in sources.items() if evaluating.search(text)] == []


# --- the policy --------------------------------------------------------------------------


def test_policy_directives(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert policy(response) == {
        "default-src": {"'self'"},
        "script-src": {"'self'"},
        "style-src": {"'self'", "'unsafe-inline'"},
        "img-src": {"'self'", "data:"},
        "font-src": {"'self'"},
        "connect-src": {"'self'"},
        "object-src": {"'none'"},
        "base-uri": {"'self'"},
        "form-action": {"'self'"},
        "frame-ancestors": {"'none'"},
    }


def test_policy_on_errors_and_redirects_too(client, db):
    for url, status in (("/ledger/", 302), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert "script-src 'self'" in response[CSP]


# --- Cache-Control: no-store ---------------------------------------------------------------


def assert_no_store(response):
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_a_deputy_page_is_not_stored(deputy_client):
    response = deputy_client.get("/deputy/")
    assert response.status_code == 200
    assert_no_store(response)


def test_an_admin_page_is_not_stored(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert_no_store(response)


def test_an_export_is_not_stored(staff_client):
    deputy = DeputyFactory()
    response = staff_client.post(
        "/admin/deputies/deputy/", {"action": "export_csv", "_selected_action": [deputy.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_no_store(response)


def test_a_public_page_stays_cacheable_for_visitors_only(client, deputy):
    suggestion = RegisteredSuggestionFactory()
    url = f"/suggestions/rate/{suggestion.public_token}/"
    visitor = client.get(url)
    assert visitor.status_code == 200
    assert "no-store" not in visitor.get("Cache-Control", "")
    assert not visitor.has_header("Pragma")
    client.force_login(deputy.user)  # the same public page, to a signed-in deputy
    assert_no_store(client.get(url))


def _through_middleware(path: str, user, response: HttpResponse) -> HttpResponse:
    request = RequestFactory().get(path)
    request.user = user
    return NoStoreMiddleware(lambda _request: response)(request)


def test_a_download_is_not_stored_whoever_asks():
    response = HttpResponse(b"a,b\n", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="roster.csv"'
    assert_no_store(_through_middleware("/x/export/", AnonymousUser(), response))


def test_public_inline_files_and_static_files_keep_their_caching(db):
    photo = HttpResponse(b"jpeg", content_type="image/jpeg")
    photo["Content-Disposition"] = 'inline; filename="d001.jpg"'
    photo["Cache-Control"] = "public, max-age=3600"
    kept = _through_middleware("/deputy/photo/D001/", AnonymousUser(), photo)
    assert kept["Cache-Control"] == "public, max-age=3600"
    static = HttpResponse(b"/* js */", content_type="text/javascript")
    static["Cache-Control"] = "max-age=60, public"
    kept = _through_middleware(
        f"/{settings.STATIC_URL.strip('/')}/js/lvzhi.js", UserFactory(), static
    )
    assert kept["Cache-Control"] == "max-age=60, public"


def test_a_view_cannot_make_a_signed_in_users_page_cacheable(db):
    response = HttpResponse(b"private")
    response["Cache-Control"] = "public, max-age=3600"
    assert_no_store(_through_middleware("/deputy/photo/D001/", UserFactory(), response))


# --- the demo, crawled -------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_every_crawled_page_obeys_the_policy(client, demo):
    """One seeding, four visitors: anonymous on the public pages, a deputy, a unit and the
    committee's clerk (the admin). Every response carries the policy; every signed-in one is
    ``no-store``; no HTML page has an inline script or handler attribute."""
    rateable = Suggestion.objects.exclude(status__in=PRE_REGISTRATION).first()
    public = [
        "/",
        "/accounts/login/",
        "/liaison/opinion/",
        "/liaison/track/",
        f"/suggestions/rate/{rateable.public_token}/",
    ]
    visitors = [
        (None, public, 20),
        ("d001", ["/", "/deputy/", "/ledger/", "/suggestions/", "/liaison/", "/training/"], 60),
        ("unit01", ["/", "/suggestions/unit/"], 30),
        ("clerk", ["/", "/admin/"], 160),
    ]
    pages = 0
    problems: dict[str, list[str]] = {}
    for username, start, limit in visitors:
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        for url, response in walk(client, start, limit, per_shape=2):
            key = f"{username or 'anonymous'} {url}"
            found = [] if CSP in response else ["no Content-Security-Policy"]
            if username and response.get("Cache-Control") != "no-store":
                found.append(f"Cache-Control: {response.get('Cache-Control')}")
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages += 1
                page = audit(response.content.decode())
                found += page.problems
                found += [f"script from {src}" for src in page.scripts if not src.startswith("/")]
            if found:
                problems[key] = found
    assert pages > 80
    assert problems == {}
