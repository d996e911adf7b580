"""Every page of the site, as every role, against objects owned by each party (issue #11, item 2).

The patterns come from the URL resolver, not from a list someone keeps: a new page fails
``test_every_pattern_has_a_row`` until ``matrix.py`` says who may open it. Each (pattern,
method, role) is then one test: the outcome must be the table's; a refused request must leave
every row of the project's tables as it was, and a POST let in must change them exactly for the
roles the table says; a page shown must not carry the marker text of an object the role may not
read (another deputy's entry, a unit's commitment, a resident's full phone number).

Then the other direction (deputy A naming deputy B's objects, unit U's user naming unit V's),
forms posted with another party's id in their body, and a check that every marker does show on
its owner's pages, so its absence elsewhere means something.
"""

from functools import cache
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.matrix import (
    ANONYMOUS,
    BODIES,
    DEPUTY_A,
    DEPUTY_B,
    LOGIN,
    MIRROR_BODIES,
    MIRRORS,
    NOT_FOUND,
    OK,
    ROLES,
    ROWS,
    STAFF,
    TABLE,
    UNIT_U,
    UNIT_V,
    commitment,
    draft,
    meeting,
    opinion,
    outcomes,
    pk,
    reply,
    visit,
)

# The admin is tested on its own (staff and account privileges); i18n/ is Django's own; the API
# (api/) has its own matrix with tokens and JSON bodies (tests/api/test_api_matrix.py).
SKIPPED_PREFIXES = ("admin/", "i18n/", settings.STATIC_URL.lstrip("/"), "media/", "api/")
TEXT_TYPES = ("text/", "application/json", "image/svg")


def url_patterns() -> dict[str, str]:
    """Every pattern's full route → its namespaced name, includes followed."""
    found = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                inner = ":".join(x for x in (namespace, p.namespace) if x)
                walk(p.url_patterns, route, inner)
            elif isinstance(p, URLPattern):
                found[route] = ":".join(x for x in (namespace, p.name or "") if x)

    walk(get_resolver().url_patterns, "", "")
    return {r: n for r, n in found.items() if not r.startswith(SKIPPED_PREFIXES)}


def test_every_pattern_has_a_row():
    missing = sorted(set(url_patterns()) - set(TABLE))
    assert not missing, f"URL patterns missing from tests/security/matrix.py: {missing}"


def test_every_row_names_a_live_pattern():
    patterns = url_patterns()
    stale = sorted(set(TABLE) - set(patterns))
    assert not stale, f"rows of tests/security/matrix.py whose pattern is gone: {stale}"
    renamed = {
        r: (TABLE[r].name, n) for r, n in patterns.items() if r in TABLE and TABLE[r].name != n
    }
    assert not renamed, f"rows naming another URL name (row, resolver): {renamed}"


def _cases():
    for row in ROWS:
        for method, spec in (("GET", row.get), ("POST", row.post)):
            if spec is None:
                continue
            for role in ROLES:
                marks = []
                reason = row.findings.get((method, role))
                if reason:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                yield pytest.param(
                    row.route, method, role, id=f"{row.name}-{method}-{role}", marks=marks
                )


CASES = list(_cases())


@cache
def _statements() -> dict[str, str]:
    """One plain SELECT per table of the project's own apps (many-to-many tables included):
    raw SQL, because the ORM's cost per query would be most of the module's time."""
    quote = connection.ops.quote_name
    statements = {}
    for label in settings.LOCAL_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            statements[meta.label] = (
                f"SELECT * FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"
            )
    return statements


def fingerprint() -> dict[str, list]:
    """Every row of every table of the project's own apps."""
    with connection.cursor() as cursor:
        tables = {}
        for label, sql in _statements().items():
            cursor.execute(sql)
            tables[label] = cursor.fetchall()
    return tables


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def send(client, url: str, body: dict | None, *, watched: bool = True):
    """GET (no body) or POST ``url``; the response and the tables it changed."""
    before = fingerprint() if watched else {}
    response = client.get(url) if body is None else client.post(url, body)
    return response, changed_tables(before, fingerprint()) if watched else []


def classify(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code in (301, 302, 303):
        login = resolve_url(settings.LOGIN_URL)
        return LOGIN if urlsplit(response["Location"]).path == login else OK
    return str(response.status_code)


def leaked(response, role: str, world, reveals) -> list[str]:
    """The markers of objects ``role`` may not read that the page shows."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return []
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return []
    page = response.content.decode(errors="replace")
    return [
        key
        for key, (text, readers) in world.markers.items()
        if key not in reveals and role not in readers and text in page
    ]


@pytest.mark.parametrize(("route", "method", "role"), CASES)
def test_matrix(route, method, role, world, signed_in):
    row = TABLE[route]
    client = signed_in(role)
    url = reverse(row.name, kwargs=row.args(world) if row.args else None)
    expected = outcomes(row.get if method == "GET" else row.post)[role]
    body = BODIES[row.name](world) if method == "POST" else None
    # A GET let in is not fingerprinted (half the module's time); every other request is.
    response, changed = send(client, url, body, watched=method == "POST" or expected != OK)
    got = classify(response)
    where = f"{method} {url} as {role}"
    assert got == expected, f"{where}: {got} ({response.status_code}), the table says {expected}"
    must_change = row.changes.get(role) if method == "POST" and got == OK else False
    if must_change is True:
        assert changed, f"{where}: allowed, but the posted body changed nothing"
    elif must_change is False:
        assert not changed, f"{where}: {got}, yet it changed {changed}"
    shown = leaked(response, role, world, row.reveals)
    assert not shown, f"{where}: shows {[world.markers[k][0] for k in shown]} ({shown})"


@pytest.mark.parametrize(
    ("name", "role", "args", "method"),
    [pytest.param(*m, id=f"{m[0]}-{m[3]}-{m[1]}") for m in MIRRORS],
)
def test_another_partys_id_in_the_url(name, role, args, method, world, signed_in):
    client = signed_in(role)
    url = reverse(name, kwargs=args(world))
    body = MIRROR_BODIES.get(name, BODIES[name])(world) if method == "POST" else None
    response, changed = send(client, url, body)
    assert classify(response) == NOT_FOUND, f"{method} {url} as {role}: {response.status_code}"
    assert not changed, f"{method} {url} as {role} changed {changed}"


# Where each marker shows to a role that may read it: proof that the markers are on the pages,
# so their absence from every other page means something. The deputies' and residents' full
# phone numbers show on no page outside the admin (masked everywhere else).
MARKER_PAGES = [
    (DEPUTY_A, "performance:my_ledger", None, ("entry_a", "dispute_a")),
    (DEPUTY_B, "performance:my_ledger", None, ("entry_b", "dispute_b")),
    (DEPUTY_A, "suggestions:edit", pk("draft_a"), ("draft_a",)),
    (UNIT_U, "suggestions:unit_detail", pk("handling_a"), ("suggestion_a", "commitment_u")),
    (UNIT_V, "suggestions:unit_detail", pk("handling_b"), ("suggestion_b", "commitment_v")),
    (DEPUTY_A, "notifications", None, ("notice_a",)),
    (DEPUTY_B, "notifications", None, ("notice_b",)),
    (UNIT_U, "notifications", None, ("notice_u",)),
    (STAFF, "liaison:visits", None, ("visit_a", "visit_b", "visitor_phone_a", "visitor_phone_b")),
    (DEPUTY_A, "liaison:my_opinions", None, ("opinion_a",)),
    (DEPUTY_B, "liaison:my_opinions", None, ("opinion_b",)),
    (STAFF, "training:survey_summary", pk("survey"), ("survey_text_b",)),
    (DEPUTY_A, "liaison:story_detail", pk("story_draft_a"), ("story_draft_a",)),
    (DEPUTY_B, "liaison:story_detail", pk("story_draft_b"), ("story_draft_b",)),
]
SHOWN_ONLY_IN_THE_ADMIN = {"mobile_a", "mobile_b", "resident_phone_a", "resident_phone_b"}


def test_every_marker_shows_where_it_belongs(world, signed_in, client):
    shown = set()
    for role, name, args, keys in MARKER_PAGES:
        client.cookies.clear()
        page = signed_in(role).get(reverse(name, kwargs=args(world) if args else None))
        text = page.content.decode()
        for key in keys:
            assert world.markers[key][0] in text, f"{name} as {role} lacks {key}"
            assert role in world.markers[key][1], f"{key}: {role} is not one of its readers"
        shown.update(keys)
    assert shown | SHOWN_ONLY_IN_THE_ADMIN == set(world.markers)


# --- ids in the posted body -------------------------------------------------------------------
# A form is posted with another party's id in a field it has (a choice that is not offered) or
# in one it does not have (a hidden field a tampered page could add). The id must be refused
# (the form again, nothing changed) or ignored (the write goes to the poster's own object).


def _post(client, name: str, body: dict, **kwargs):
    return send(client, reverse(name, kwargs=kwargs or None), body)


def _refused(client, name: str, body: dict, **kwargs) -> None:
    response, changed = _post(client, name, body, **kwargs)
    assert response.status_code == 200, f"{name}: {response.status_code}"
    assert not changed, f"{name} changed {changed}"


def test_a_suggestion_is_led_by_whoever_posts_it(world, signed_in):
    from suggestions.models import Status, Suggestion

    client, b = signed_in(DEPUTY_A), world.deputy_b.pk
    foreign = {"lead_deputy": b, "status": Status.REGISTERED}
    response, _ = _post(client, "suggestions:create", draft(world) | foreign)
    created = Suggestion.objects.latest("pk")
    assert response.status_code == 302
    assert (created.lead_deputy_id, created.status) == (world.deputy_a.pk, Status.DRAFT)
    _post(client, "suggestions:edit", draft(world, "改") | foreign, pk=world.draft_a.pk)
    edited = Suggestion.objects.get(pk=world.draft_a.pk)
    assert (edited.title, edited.lead_deputy_id, edited.status) == (
        "改",
        world.deputy_a.pk,
        "draft",
    )


def test_ledger_entries_and_disputes_are_the_posters(world, signed_in):
    from performance.models import Dispute, EntryStatus, LedgerEntry

    client, b = signed_in(DEPUTY_A), world.deputy_b.pk
    foreign = {"deputy": b, "status": EntryStatus.VERIFIED, "entry": world.entry_b.pk}
    _post(client, "performance:submit", BODIES["performance:submit"](world) | foreign)
    entry = LedgerEntry.objects.latest("pk")
    assert (entry.deputy_id, entry.status) == (world.deputy_a.pk, EntryStatus.PENDING)
    body = BODIES["performance:dispute"](world) | foreign
    _post(client, "performance:dispute", body, pk=world.entry_a.pk)
    dispute = Dispute.objects.latest("pk")
    assert (dispute.deputy_id, dispute.entry_id) == (world.deputy_a.pk, world.entry_a.pk)
    assert not Dispute.objects.filter(entry=world.entry_b).exists()


def test_an_evaluation_is_the_lead_deputys(world, signed_in):
    from suggestions.models import Evaluation

    body = BODIES["suggestions:evaluate"](world) | {"deputy": world.deputy_b.pk}
    _post(signed_in(DEPUTY_A), "suggestions:evaluate", body, pk=world.replied_a.pk)
    assert list(Evaluation.objects.filter(suggestion=world.replied_a).values_list("deputy_id")) == [
        (world.deputy_a.pk,)
    ]


def test_a_unit_cannot_write_in_another_units_name(world, signed_in):
    from suggestions.models import QuarterlyReport, Reply

    client, v, s = signed_in(UNIT_U), world.unit_v, world.handling_a.pk
    _refused(client, "suggestions:unit_commitment_add", commitment(world, v), pk=s)
    _refused(client, "suggestions:unit_meeting", meeting(world, v), pk=s)
    _post(client, "suggestions:unit_reply", reply(world) | {"unit": v.pk}, pk=s)
    assert list(Reply.objects.filter(suggestion_id=s).values_list("unit_id")) == [
        (world.unit_u.pk,)
    ]
    body = BODIES["suggestions:unit_report"](world) | {"unit": v.pk}
    _post(client, "suggestions:unit_report", body, pk=s)
    assert list(QuarterlyReport.objects.values_list("unit_id", flat=True)) == [world.unit_u.pk]


def test_a_withdrawal_touches_only_the_posters_signup(world, signed_in):
    body = {"withdraw": "1", "deputy": world.deputy_a.pk}
    response, changed = _post(
        signed_in(DEPUTY_B), "performance:topic_signup", body, pk=world.topic_signed.pk
    )
    assert response.status_code == 302 and not changed
    assert world.topic_signed.signups.filter(deputy=world.deputy_a).exists()


def test_choices_that_belong_elsewhere_are_refused(world, signed_in):
    """A deputy not on the course's roster, a choice of another quiz, an option of another
    survey, a colleague not on the station's roster, another deputy's station."""
    staff = signed_in(STAFF)
    _refused(staff, "training:attendance", {"deputies": [world.deputy_b.pk]}, pk=world.session_a.pk)
    a = signed_in(DEPUTY_A)
    quiz_body = {f"q{world.question.pk}": world.foreign_choice.pk}
    _refused(a, "training:quiz", quiz_body, pk=world.course.pk)
    survey_body = {f"q{world.survey_choice.pk}": world.foreign_option.pk}
    _refused(a, "training:survey", survey_body, pk=world.survey.pk)
    colleague = visit(world) | {"deputies": [world.deputy_b.pk]}
    _refused(a, "liaison:visit_edit", colleague, pk=world.visit_a.pk)
    _refused(a, "liaison:visit_new", visit(world, station=world.station_b))


def test_public_forms_take_their_target_from_the_url(world, signed_in):
    from liaison.models import Opinion, OpinionStatus
    from suggestions.models import PublicRating

    client = signed_in(ANONYMOUS)
    foreign = {
        "deputy": world.deputy_b.pk,
        "station": world.station_b.pk,
        "assigned_deputy": world.deputy_b.pk,
        "status": OpinionStatus.CLOSED,
    }
    body = opinion(world) | foreign
    _post(client, "liaison:opinion_deputy", body, deputy_code=world.deputy_a.code)
    made = Opinion.objects.latest("pk")
    assert (made.deputy_id, made.station_id, made.assigned_deputy_id, made.status) == (
        world.deputy_a.pk,
        None,
        None,
        OpinionStatus.NEW,
    )
    body = {"score": "80", "suggestion": world.handling_b.pk}
    _post(client, "suggestions:rate", body, token=world.replied_a.public_token)
    rated = PublicRating.objects.values_list("suggestion_id", flat=True)
    assert list(rated) == [world.replied_a.pk]


def test_hidden_next_fields_stay_on_the_site(world, signed_in):
    """The login form's and the notification form's hidden ``next``: never another site."""
    evil = "https://evil.example/phish"
    client = signed_in(ANONYMOUS)
    body = {"username": world.deputy_a.user.username, "password": "pass-1234", "next": evil}
    response = client.post(reverse("accounts:login"), body)
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    client = signed_in(DEPUTY_A)
    body = {"id": world.notice_a.pk, "next": evil}
    response = client.post(reverse("notifications_read"), body)
    assert response.status_code == 302 and "evil.example" not in response["Location"]
