"""Every API route, as every role, with a Bearer token of its own, against the web matrix's
world (issue #13, item 6). The routes come from the URL resolver: a new API route fails
``test_every_api_route_has_a_row`` until ``tests/api/matrix.py`` says who may call it. A
refused call must leave every table of the project's apps as it was; a POST let in must change
them for the roles the table says; a body shown must not carry another party's marker text.
Then the other direction (A naming B's objects, U naming V's) and ids smuggled into bodies.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from api.auth import token_pair_issue
from tests.api.matrix import BODIES, MIRRORS, OK, ROWS, TABLE, outcomes
from tests.security.matrix import ANONYMOUS, DEPUTY_A, ROLES, UNIT_U
from tests.security.test_permission_matrix import changed_tables, fingerprint, leaked

API_PREFIX = "api/"


def api_routes() -> dict[str, str]:
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
    return {r: n for r, n in found.items() if r.startswith(API_PREFIX)}


def test_every_api_route_has_a_row():
    routes = api_routes()
    missing = sorted(set(routes) - set(TABLE))
    assert not missing, f"API routes missing from tests/api/matrix.py: {missing}"
    stale = sorted(set(TABLE) - set(routes))
    assert not stale, f"rows of tests/api/matrix.py whose route is gone: {stale}"
    renamed = {r: (TABLE[r].name, n) for r, n in routes.items() if TABLE[r].name != n}
    assert not renamed, renamed


def caller(world, role):
    """An API client for ``role`` with a fresh token pair (none for the anonymous caller)."""
    client = APIClient()
    user = world.users[role]
    if user is None:
        return client, None
    pair = token_pair_issue(user=user, client="matrix")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    return client, pair


def ours(before, after) -> list[str]:
    """Tables changed, the API's own token rows aside (a token's first use stamps it)."""
    return [t for t in changed_tables(before, after) if not t.startswith("api.")]


def send(client, url: str, body):
    before = fingerprint()
    response = client.get(url) if body is None else client.post(url, body, format="json")
    return response, ours(before, fingerprint())


def classify(response) -> str:
    return OK if response.status_code in (200, 201) else str(response.status_code)


def _cases():
    for row in ROWS:
        for method, spec in (("GET", row.get), ("POST", row.post)):
            if spec is not None:
                for role in ROLES:
                    yield pytest.param(row.route, method, role, id=f"{row.name}-{method}-{role}")


@pytest.mark.parametrize(("route", "method", "role"), list(_cases()))
def test_api_matrix(route, method, role, world, db):
    row = TABLE[route]
    client, tokens = caller(world, role)
    url = reverse(row.name, kwargs=row.args(world) if row.args else None)
    expected = outcomes(row.get if method == "GET" else row.post)[role]
    body = BODIES[row.name](world, tokens) if method == "POST" else None
    response, changed = send(client, url, body)
    got = classify(response)
    where = f"{method} {url} as {role}"
    assert got == expected, f"{where}: {response.status_code} {response.content[:300]!r}"
    if got != OK:
        assert not changed, f"{where}: {got}, yet it changed {changed}"
        if response["Content-Type"].startswith("application/json"):
            assert set(response.json()) == {"detail", "errors"}, response.json()
    elif method == "POST":
        must = row.changes.get(role, False)
        assert bool(changed) == must, f"{where}: changed {changed}, the table says {must}"
    shown = leaked(response, role, world, ())
    assert not shown, f"{where}: shows {shown}"


@pytest.mark.parametrize(
    ("name", "role", "args", "method"),
    [pytest.param(*m, id=f"{m[0]}-{m[3]}-{m[1]}") for m in MIRRORS],
)
def test_another_partys_id_in_the_path(name, role, args, method, world, db):
    client, tokens = caller(world, role)
    url = reverse(name, kwargs=args(world))
    body = BODIES[name](world, tokens) if method == "POST" else None
    response, changed = send(client, url, body)
    assert response.status_code == 404, f"{method} {url} as {role}: {response.status_code}"
    assert response.json()["errors"] == {}
    assert not changed, f"{method} {url} as {role} changed {changed}"


@pytest.mark.parametrize(
    ("name", "role", "kwargs", "extra"),
    [
        ("api:entries", DEPUTY_A, None, lambda w: {"deputy": w.deputy_b.pk}),
        ("api:entries", DEPUTY_A, None, lambda w: {"status": "verified"}),
        ("api:suggestions", DEPUTY_A, None, lambda w: {"lead_deputy": w.deputy_b.pk}),
        ("api:suggestion_evaluate", DEPUTY_A, "replied_a", lambda w: {"deputy": 1}),
        ("api:unit_reply", UNIT_U, "handling_a", lambda w: {"unit": w.unit_v.pk}),
    ],
)
def test_another_partys_id_in_the_body(name, role, kwargs, extra, world, db):
    """A body naming whose object it is (a field the endpoint does not take) is a 400 naming
    that field, with nothing changed."""
    client, tokens = caller(world, role)
    url = reverse(name, kwargs={"pk": getattr(world, kwargs).pk} if kwargs else None)
    added = extra(world)
    body = BODIES[name](world, tokens) | added
    response, changed = send(client, url, body)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == set(added)
    assert not changed


def test_a_co_signer_from_elsewhere_in_the_body_is_refused(world, db):
    """Deputy A's draft may name B as co-signer (any serving deputy may be asked), but not a
    deputy id that does not exist."""
    client, tokens = caller(world, DEPUTY_A)
    body = BODIES["api:suggestions"](world, tokens) | {"co_signers": [999999]}
    response, changed = send(client, reverse("api:suggestions"), body)
    assert response.status_code == 400 and "co_signers" in response.json()["errors"]
    assert not changed


def test_anonymous_error_names_the_scheme(world, db):
    client, _tokens = caller(world, ANONYMOUS)
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_choices_that_belong_elsewhere_are_refused(world, db):
    """Another deputy's station, a colleague not on the station's roster, a choice of another
    quiz: 400, nothing changed (as the web's forms refuse them)."""
    client, tokens = caller(world, DEPUTY_A)
    cases = [
        ("api:visits", None, BODIES["api:visits"](world, tokens) | {"station": world.station_b.pk}),
        (
            "api:visits",
            None,
            BODIES["api:visits"](world, tokens) | {"deputies": [world.deputy_b.pk]},
        ),
        (
            "api:quiz",
            world.course.pk,
            {"answers": [{"question": world.question.pk, "choices": [world.foreign_choice.pk]}]},
        ),
    ]
    for name, target, body in cases:
        url = reverse(name, kwargs={"pk": target} if target else None)
        response, changed = send(client, url, body)
        assert response.status_code == 400, (name, body, response.content)
        assert not changed, (name, changed)


def test_a_public_opinion_names_no_station_or_status_of_its_own(world, db):
    from liaison.models import Opinion, OpinionStatus

    client, tokens = caller(world, ANONYMOUS)
    body = BODIES["api:opinions"](world, tokens) | {"status": OpinionStatus.CLOSED}
    response, changed = send(client, reverse("api:opinions"), body)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["status"]
    assert not changed
    body = BODIES["api:opinions"](world, tokens) | {"deputy_code": world.deputy_a.code}
    response, _changed = send(client, reverse("api:opinions"), body)
    made = Opinion.objects.get(tracking_code=response.json()["tracking_code"])
    assert (made.deputy_id, made.status) == (world.deputy_a.pk, OpinionStatus.NEW)
    shown = client.get(reverse("api:opinion_track", kwargs={"tracking_code": made.tracking_code}))
    assert shown.status_code == 200 and "contact_phone" not in shown.json()
