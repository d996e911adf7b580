"""The API's permission matrix: every route under ``/api/``, who may call it and who may post
to it, in the order of ``tests.security.matrix.ROLES``:

    anonymous  deputy A  deputy B  unit U's user  unit V's user  staff

``O`` allowed (200 or 201), ``B`` 400 (let in, but the body names what is not the caller's),
``U`` 401 (no or a bad token), ``F`` 403 (the wrong role), ``N`` 404 (another party's object),
``M`` 405. The objects are the web matrix's world
(``tests/security/conftest.py``); each signed-in role calls with a Bearer token of its own.
``test_api_matrix`` walks the URL resolver: a new API route fails until it has a row here.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from tests.security.matrix import (
    ANONYMOUS,
    DEPUTY_A,
    DEPUTY_B,
    EVERYONE,
    ROLES,
    SIGNED_IN,
    STAFF,
    UNIT_U,
    UNIT_V,
    opinion,
    pk,
    rule_pk,
    visit,
)

OK, BAD, UNAUTHORISED, FORBIDDEN = "ok", "400", "401", "403"
NOT_FOUND, NOT_ALLOWED = "404", "405"
CODES = {
    "O": OK,
    "B": BAD,
    "U": UNAUTHORISED,
    "F": FORBIDDEN,
    "N": NOT_FOUND,
    "M": NOT_ALLOWED,
}

PUBLIC = "O O O O O O"
SIGNED = "U O O O O O"
DEPUTIES = "U O O F F F"
A_OWN = "U O N F F F"
UNITS = "U F F O O F"
U_OWN = "U F F O N F"
DEPUTY_POST = "U M M F F F"  # a POST-only deputy route asked with GET
UNIT_POST = "U F F M M F"
SIGNED_POST = "U M M M M M"
A_NOTE = "U O N N N N"  # a notification of A's: everyone else's list lacks it

A_ONLY = {DEPUTY_A: True}
BOTH_DEPUTIES = {DEPUTY_A: True, DEPUTY_B: True}
U_ONLY = {UNIT_U: True}
SIGNED_CHANGE = dict.fromkeys(SIGNED_IN, True)


def outcomes(spec: str) -> dict[str, str]:
    codes = spec.split()
    assert len(codes) == len(ROLES), spec
    return {role: CODES[c] for role, c in zip(ROLES, codes, strict=True)}


@dataclass(frozen=True)
class Row:
    route: str
    name: str
    get: str
    args: object = None  # world → URL kwargs
    post: str | None = None
    changes: dict = field(default_factory=dict)


def rule_code(*, self_service: bool = True) -> str:
    from performance.models import Rule

    return Rule.objects.get(pk=rule_pk(self_service=self_service)).code


def entry(w) -> dict:
    return {"rule": rule_code(), "occurred_on": "2026-06-01", "title": "接口提交的履职"}


def draft(w) -> dict:
    return {
        "title": "接口新建的建议",
        "category": w.category.pk,
        "kind": "suggestion",
        "origin": "research",
        "body": "正文",
    }


def reply(w) -> dict:
    return {"result_class": "A", "content": "已协调解决。", "replied_on": "2026-06-15"}


def extension(w) -> dict:
    later = w.handling_a.reply_deadline + timedelta(days=20)
    return {"requested_deadline": later.isoformat(), "reason": "需协调"}


# Bodies by URL name; ``tokens`` are the caller's own (None for the anonymous caller).
BODIES = {
    "api:token": lambda w, tokens: {"username": w.deputy_a.user.username, "password": "pass-1234"},
    "api:token_refresh": lambda w, tokens: {
        "refresh": tokens.refresh if tokens else "lvzr_forged-refresh-token"
    },
    "api:logout": lambda w, tokens: {},
    "api:entries": lambda w, tokens: entry(w),
    "api:suggestions": lambda w, tokens: draft(w),
    "api:suggestion_submit": lambda w, tokens: {},
    "api:suggestion_evaluate": lambda w, tokens: {
        "verdict": "satisfied",
        "implementation_score": 90,
    },
    "api:unit_reply": lambda w, tokens: reply(w),
    "api:unit_extension": lambda w, tokens: extension(w),
    "api:notification_read": lambda w, tokens: {},
    # station A's visit: B is not on its roster, so B's station is not one B may name (400)
    "api:visits": lambda w, tokens: visit(w) | {"deputies": []},
    "api:enrol": lambda w, tokens: {},
    "api:quiz": lambda w, tokens: {
        "answers": [{"question": w.question.pk, "choices": [w.right.pk]}]
    },
    "api:opinions": lambda w, tokens: opinion(w) | {"consent": True},
}

V1 = "api/v1/"
# fmt: off
ROWS = [
    Row("api/schema/", "api:schema", PUBLIC),
    Row("api/docs/", "api:docs", PUBLIC),
    Row("api/^.*$", "api:not_found", "N N N N N N"),
    # tokens: signing in needs no token (anyone may sign in as A with A's password)
    Row(V1 + "auth/token/", "api:token", "M M M M M M", post=PUBLIC,
        changes=dict.fromkeys(ROLES, True)),
    Row(V1 + "auth/token/refresh/", "api:token_refresh", "M M M M M M", post=SIGNED,
        changes=SIGNED_CHANGE),
    Row(V1 + "auth/logout/", "api:logout", SIGNED_POST, post=SIGNED, changes=SIGNED_CHANGE),
    Row(V1 + "me/", "api:me", SIGNED),
    Row(V1 + "me/score/", "api:score", DEPUTIES),
    Row(V1 + "me/duties/", "api:duties", DEPUTIES),
    Row(V1 + "me/courses/", "api:courses", DEPUTIES),
    Row(V1 + "ledger/rules/", "api:rules", DEPUTIES),
    Row(V1 + "ledger/entries/", "api:entries", DEPUTIES, post=DEPUTIES, changes=BOTH_DEPUTIES),
    Row(V1 + "ledger/entries/<int:pk>/", "api:entry", A_OWN, pk("entry_a")),
    Row(V1 + "ledger/evidence/<int:pk>/", "api:evidence", A_OWN, pk("evidence_a")),
    Row(V1 + "suggestions/", "api:suggestions", DEPUTIES, post=DEPUTIES, changes=BOTH_DEPUTIES),
    Row(V1 + "suggestions/<int:pk>/", "api:suggestion", A_OWN, pk("replied_a")),
    Row(V1 + "suggestions/<int:pk>/submit/", "api:suggestion_submit", DEPUTY_POST,
        pk("draft_a"), A_OWN, A_ONLY),
    Row(V1 + "suggestions/<int:pk>/evaluate/", "api:suggestion_evaluate", DEPUTY_POST,
        pk("replied_a"), A_OWN, A_ONLY),
    Row(V1 + "unit/suggestions/", "api:unit_suggestions", UNITS),
    Row(V1 + "unit/suggestions/<int:pk>/reply/", "api:unit_reply", UNIT_POST,
        pk("handling_a"), U_OWN, U_ONLY),
    Row(V1 + "unit/suggestions/<int:pk>/extension/", "api:unit_extension", UNIT_POST,
        pk("handling_a"), U_OWN, U_ONLY),
    Row(V1 + "visits/", "api:visits", DEPUTY_POST, post="U O B F F F", changes=A_ONLY),
    Row(V1 + "training/courses/<int:pk>/enrol/", "api:enrol", DEPUTY_POST, pk("course_open"),
        DEPUTIES, BOTH_DEPUTIES),
    Row(V1 + "training/courses/<int:pk>/quiz/", "api:quiz", DEPUTY_POST, pk("course"),
        DEPUTIES, BOTH_DEPUTIES),  # each their own next attempt
    # public: no sign-in, whatever the caller holds
    Row(V1 + "public/opinions/", "api:opinions", "M M M M M M", post=PUBLIC, changes=EVERYONE),
    Row(V1 + "public/opinions/<str:tracking_code>/", "api:opinion_track", PUBLIC,
        lambda w: {"tracking_code": w.opinion_a.tracking_code}),
    Row(V1 + "notifications/", "api:notifications", SIGNED),
    Row(V1 + "notifications/<int:pk>/read/", "api:notification_read", SIGNED_POST,
        pk("notice_a"), A_NOTE, A_ONLY),
]

# Deputy A naming B's objects, unit U's user naming V's: 404, nothing changed.
MIRRORS = [
    ("api:entry", DEPUTY_A, pk("entry_b"), "GET"),
    ("api:evidence", DEPUTY_A, pk("evidence_b"), "GET"),
    ("api:suggestion", DEPUTY_A, pk("handling_b"), "GET"),
    ("api:suggestion_evaluate", DEPUTY_A, pk("handling_b"), "POST"),
    ("api:suggestion_submit", DEPUTY_B, pk("draft_a"), "POST"),
    ("api:unit_reply", UNIT_U, pk("handling_b"), "POST"),
    ("api:unit_extension", UNIT_U, pk("handling_b"), "POST"),
    ("api:unit_reply", UNIT_V, pk("handling_a"), "POST"),
    ("api:notification_read", DEPUTY_A, pk("notice_b"), "POST"),
    ("api:notification_read", UNIT_U, pk("notice_a"), "POST"),
]
# fmt: on

TABLE = {row.route: row for row in ROWS}
assert len(TABLE) == len(ROWS), "a route is listed twice"
assert all(row.post is None or row.name in BODIES for row in ROWS), "a POST row without a body"
__all__ = ["ANONYMOUS", "STAFF", "UNIT_V"]
