"""The permission matrix: every URL pattern of the site (the admin aside), who may open it and
who may post to it. ``test_permission_matrix`` walks the URL resolver and fails for a pattern
missing here and for a row whose pattern is gone, so a new page cannot go unchecked.

A row: the pattern's route and name, the outcome of a GET per role, the URL arguments for an
object owned by one party (``conftest`` builds the world), and for a page that takes a POST its
outcome per role and the roles the posted body must change the database for. Outcomes are
written in the order of ``ROLES``:

    anonymous  deputy A  deputy B  unit U's user  unit V's user  staff

``O`` allowed (200, or a 302 to a page other than the login page), ``L`` sent to the login page,
``F`` 403, ``N`` 404, ``M`` 405 (the method is refused).

The body (``BODIES``, by URL name) is the one the owner would post. Every refused role posts the
same body and must change nothing; the roles mapped to ``True`` in ``changes`` must change
something (so the body is proven to work, and a refusal is not merely a bad form); those mapped
to ``False`` are let in but must change nothing (the body names another party's object).
``reveals``: markers the page may show whoever opens it (a tracking code's page shows its
opinion to anyone holding the code). ``findings``: known access bugs, ``(method, role) →
reason``, run as strict xfails until fixed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

ANONYMOUS, DEPUTY_A, DEPUTY_B = "anonymous", "deputy_a", "deputy_b"
UNIT_U, UNIT_V, STAFF = "unit_u", "unit_v", "staff"
ROLES = (ANONYMOUS, DEPUTY_A, DEPUTY_B, UNIT_U, UNIT_V, STAFF)
SIGNED_IN = ROLES[1:]

OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "ok", "login", "403", "404", "405"
CODES = {"O": OK, "L": LOGIN, "F": FORBIDDEN, "N": NOT_FOUND, "M": NOT_ALLOWED}

PUBLIC = "O O O O O O"
LOGGED_IN = "L O O O O O"
DEPUTIES = "L O O F F F"
A_OWN = "L O N F F F"  # deputy A's object: B gets 404, the other roles 403
UNITS = "L F F O O F"
U_OWN = "L F F O N F"  # unit U's object: V's user gets 404, the other roles 403
STAFF_ONLY = "L F F F F O"
DEPUTY_STAFF = "L O O F F O"
A_OR_STAFF = "L O N F F O"
DEPUTY_POST_ONLY = "L M M F F F"  # @deputy_required, then @require_POST
UNIT_POST_ONLY = "L F F M M F"
POST_ONLY = "M M M M M M"  # @require_POST first
ALL_TO_LOGIN = "L L L L L L"

A_ONLY = {DEPUTY_A: True}
BOTH_DEPUTIES = {DEPUTY_A: True, DEPUTY_B: True}
U_ONLY = {UNIT_U: True}
STAFF_CHANGES = {STAFF: True}
EVERYONE = dict.fromkeys(ROLES, True)


def outcomes(spec: str) -> dict[str, str]:
    codes = spec.split()
    assert len(codes) == len(ROLES), spec
    return {role: CODES[c] for role, c in zip(ROLES, codes, strict=True)}


@dataclass(frozen=True)
class Row:
    route: str
    name: str
    get: str
    args: Callable | None = None  # world → URL kwargs
    post: str | None = None
    changes: dict = field(default_factory=dict)
    reveals: tuple = ()
    findings: dict = field(default_factory=dict)


def pk(attr: str, kwarg: str = "pk") -> Callable:
    return lambda w: {kwarg: getattr(w, attr).pk}


def code(attr: str, kwarg: str = "code") -> Callable:
    return lambda w: {kwarg: getattr(w, attr).code}


def token(attr: str) -> Callable:
    return lambda w: {"token": getattr(w, attr).public_token}


def rule_pk(*, self_service: bool) -> int:
    from performance.models import Rule

    rules = Rule.objects.filter(rule_set__year=2026, evidence_required=False)
    if self_service:
        rules = rules.filter(deputy_can_submit=True)
    return rules.order_by("code").values_list("pk", flat=True)[0]


def draft(w, title="矩阵测试建议") -> dict:
    fields = {"kind": "suggestion", "origin": "research", "body": "正文"}
    return {"title": title, "category": w.category.pk, **fields}


def visit(w, problem="矩阵接待记录", station=None) -> dict:
    station = station or w.station_a
    ids = {"station": station.pk, "category": w.category.pk, "community": w.community.pk}
    return {"occurred_on": "2026-06-14", "problem": problem, "status": "open", **ids}


def opinion(w) -> dict:
    ids = {"category": w.category.pk, "community": w.community.pk}
    return {"description": "矩阵测试：路灯不亮。", "consent": "on", **ids}


def reply(w) -> dict:
    formset = {"p-TOTAL_FORMS": "0", "p-INITIAL_FORMS": "0"}
    return {"result_class": "A", "content": "已协调解决。", "replied_on": "2026-06-15", **formset}


def extension(w) -> dict:
    later = w.handling_a.reply_deadline + timedelta(days=20)
    return {"requested_deadline": later.isoformat(), "reason": "需协调"}


def commitment(w, unit=None) -> dict:
    owner = (unit or w.unit_u).pk
    return {"content": "年底前完成", "due_on": "2026-12-01", "owner_unit": owner}


def meeting(w, unit=None) -> dict:
    unit = (unit or w.unit_u).pk
    return {"held_on": "2026-06-10", "participants": "代表、单位", "summary": "面商", "unit": unit}


NEW_PASSWORD = "Matrix-Pa55-2026!"
BODIES = {
    "accounts:login": lambda w: {"username": w.deputy_a.user.username, "password": "wrong-one"},
    "accounts:logout": lambda w: {},
    "accounts:password_change": lambda w: {
        "old_password": "pass-1234",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    },
    "notifications_read": lambda w: {"id": w.notice_a.pk},
    "accounts:large_text": lambda w: {"large_text": "1", "next": "/"},
    "performance:submit": lambda w: {
        "rule": rule_pk(self_service=True),
        "occurred_on": "2026-06-01",
        "title": "矩阵提交的履职",
    },
    "performance:dispute": lambda w: {"kind": "duplicate", "note": "与另一条重复"},
    "performance:missing": lambda w: {
        "rule": rule_pk(self_service=False),
        "occurred_on": "2026-06-01",
        "title": "漏记的活动",
        "note": "签到表漏记",
    },
    "performance:topic_signup": lambda w: {},
    "suggestions:create": draft,
    "suggestions:edit": lambda w: draft(w, "改过的标题"),
    "suggestions:submit": lambda w: {},
    "suggestions:evaluate": lambda w: {"verdict": "satisfied", "implementation_score": "90"},
    "suggestions:unit_accept": lambda w: {},
    "suggestions:unit_reply": reply,
    "suggestions:unit_extension": extension,
    "suggestions:unit_return": lambda w: {"reason": "不属于本单位职责，建议由区住建局办理。"},
    "suggestions:unit_feasibility": lambda w: {"note": "经研究可行"},
    "suggestions:unit_commitment_add": commitment,
    "suggestions:unit_meeting": meeting,
    "suggestions:unit_report": lambda w: {"year": "2026", "quarter": "2", "content": "二季度"},
    "suggestions:unit_commitment_update": lambda w: {"status": "met", "completed_on": "2026-06-14"},
    "suggestions:rate": lambda w: {"score": "80"},
    "liaison:visit_new": visit,  # station A: B is not on its roster, so B's post is refused
    "liaison:visit_edit": lambda w: visit(w, "改过的接待记录"),
    "liaison:visit_suggest": lambda w: {},
    "liaison:opinion_new": opinion,
    "liaison:opinion_station": opinion,
    "liaison:opinion_deputy": opinion,
    "liaison:opinion_flag_adopt": lambda w: {},
    "liaison:opinion_flag_dismiss": lambda w: {"reason": "已有专项整治"},
    "training:enrol": lambda w: {},
    "training:withdraw": lambda w: {},
    "training:quiz": lambda w: {f"q{w.question.pk}": w.right.pk},
    "training:survey": lambda w: {f"q{w.survey_choice.pk}": w.survey_option.pk},
    "training:attendance": lambda w: {"deputies": [w.deputy_a.pk]},
}

# fmt: off
ROWS = [
    # --- core and accounts
    Row("", "home", "L O O O O O"),
    Row("healthz", "healthz", PUBLIC),
    Row("cockpit/", "cockpit", STAFF_ONLY),
    Row("accounts/login/", "accounts:login", PUBLIC, post=PUBLIC),
    Row("accounts/logout/", "accounts:logout", POST_ONLY, post=ALL_TO_LOGIN),
    Row("accounts/password/", "accounts:password_change", LOGGED_IN, post=LOGGED_IN,
        changes=dict.fromkeys(SIGNED_IN, True)),  # each their own password
    Row("accounts/large-text/", "accounts:large_text", POST_ONLY, post=LOGGED_IN,
        changes=dict.fromkeys(SIGNED_IN, True)),  # each their own 大字模式
    Row("notifications/", "notifications", LOGGED_IN),
    Row("notifications/read/", "notifications_read", "L M M M M M", post=LOGGED_IN,
        changes={DEPUTY_A: True} | dict.fromkeys((DEPUTY_B, UNIT_U, UNIT_V, STAFF), False)),
    # --- deputies
    Row("deputy/", "deputies:dashboard", DEPUTIES),
    Row("deputy/profile/", "deputies:profile", DEPUTIES),
    Row("deputy/photo/<str:code>/", "deputies:photo", PUBLIC, code("deputy_a")),  # posters
    # --- the duty ledger
    Row("ledger/", "performance:my_ledger", DEPUTIES),
    Row("ledger/submit/", "performance:submit", DEPUTIES, post=DEPUTIES, changes=BOTH_DEPUTIES),
    Row("ledger/entries/<int:pk>/", "performance:entry_detail", A_OWN, pk("entry_a")),
    Row("ledger/evidence/<int:pk>/", "performance:evidence", A_OR_STAFF, pk("evidence_a")),
    Row("ledger/entries/<int:pk>/dispute/", "performance:dispute", A_OWN, pk("entry_a"),
        A_OWN, A_ONLY),
    Row("ledger/missing/", "performance:missing", DEPUTIES, post=DEPUTIES, changes=BOTH_DEPUTIES),
    Row("ledger/disputes/<int:pk>/evidence/", "performance:dispute_evidence", A_OR_STAFF,
        pk("dispute_a")),
    Row("ledger/standings/", "performance:standings", DEPUTY_STAFF),
    Row("ledger/topics/", "performance:topics", DEPUTIES),
    Row("ledger/topics/<int:pk>/signup/", "performance:topic_signup", DEPUTY_POST_ONLY,
        pk("topic"), DEPUTIES, BOTH_DEPUTIES),
    # --- suggestions: deputies
    Row("suggestions/", "suggestions:index", LOGGED_IN),
    Row("suggestions/mine/", "suggestions:mine", DEPUTIES),
    Row("suggestions/new/", "suggestions:create", DEPUTIES, post=DEPUTIES, changes=BOTH_DEPUTIES),
    Row("suggestions/<int:pk>/", "suggestions:detail", A_OWN, pk("replied_a")),
    Row("suggestions/<int:pk>/edit/", "suggestions:edit", A_OWN, pk("draft_a"), A_OWN, A_ONLY),
    Row("suggestions/<int:pk>/submit/", "suggestions:submit", DEPUTY_POST_ONLY, pk("draft_a"),
        A_OWN, A_ONLY),
    Row("suggestions/<int:pk>/qr/", "suggestions:qr_print", A_OR_STAFF, pk("replied_a")),
    Row("suggestions/<int:pk>/evaluate/", "suggestions:evaluate", A_OWN, pk("replied_a"),
        A_OWN, A_ONLY),
    # --- suggestions: handling units
    Row("suggestions/unit/", "suggestions:unit_home", UNITS),
    Row("suggestions/unit/<int:pk>/", "suggestions:unit_detail", U_OWN, pk("handling_a")),
    Row("suggestions/unit/<int:pk>/accept/", "suggestions:unit_accept", UNIT_POST_ONLY,
        pk("assigned_a"), U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/reply/", "suggestions:unit_reply", U_OWN, pk("handling_a"),
        U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/extension/", "suggestions:unit_extension", U_OWN,
        pk("handling_a"), U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/return/", "suggestions:unit_return", U_OWN, pk("assigned_a"),
        U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/feasibility/", "suggestions:unit_feasibility",
        UNIT_POST_ONLY, pk("handling_a"), U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/commitments/new/", "suggestions:unit_commitment_add", U_OWN,
        pk("handling_a"), U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/meeting/", "suggestions:unit_meeting", U_OWN,
        pk("handling_a"), U_OWN, U_ONLY),
    Row("suggestions/unit/<int:pk>/report/", "suggestions:unit_report", U_OWN, pk("handling_a"),
        U_OWN, U_ONLY),
    Row("suggestions/unit/commitments/<int:pk>/", "suggestions:unit_commitment_update", U_OWN,
        pk("commitment_u"), U_OWN, U_ONLY),
    Row("suggestions/attachments/<int:pk>/", "suggestions:attachment", "L O N O N O",
        pk("attachment_a")),
    # --- suggestions: staff and the public
    Row("suggestions/staff/", "suggestions:staff_home", STAFF_ONLY),
    Row("suggestions/staff/stats/", "suggestions:staff_stats", STAFF_ONLY),
    Row("suggestions/staff/scores/", "suggestions:staff_scores", STAFF_ONLY),
    Row("suggestions/rate/<uuid:token>/", "suggestions:rate", PUBLIC, token("replied_a"),
        PUBLIC, EVERYONE),
    Row("suggestions/rate/<uuid:token>/qr.svg", "suggestions:rate_qr", PUBLIC,
        token("replied_a")),
    # --- liaison
    Row("liaison/stations/<int:station_id>/qr.svg", "liaison:station_qr", PUBLIC,
        pk("station_a", "station_id")),
    Row("liaison/stations/<int:station_id>/poster/", "liaison:station_poster", STAFF_ONLY,
        pk("station_a", "station_id")),
    Row("liaison/stations/", "liaison:station_list", PUBLIC),
    Row("liaison/stations/<int:station_id>/", "liaison:station_detail", PUBLIC,
        pk("station_a", "station_id")),
    Row("liaison/stories/", "liaison:story_list", PUBLIC),
    # a draft about A: A may preview it, the public and everyone else get 404
    Row("liaison/stories/<int:pk>/", "liaison:story_detail", "N O N N N O",
        pk("story_draft_a")),
    Row("liaison/stories/photos/<int:pk>/", "liaison:story_photo", "N O N N N O",
        pk("story_draft_photo_a")),
    Row("liaison/deputies/<str:code>/qr.svg", "liaison:deputy_qr", "L O N N N O",
        code("deputy_a")),
    Row("liaison/deputies/<str:code>/code/", "liaison:deputy_code", "L O N N N O",
        code("deputy_a")),
    Row("liaison/my/duties/", "liaison:my_duties", DEPUTIES),
    Row("liaison/visits/", "liaison:visits", DEPUTY_STAFF),
    Row("liaison/visits/new/", "liaison:visit_new", DEPUTIES, post=DEPUTIES,
        changes={DEPUTY_A: True, DEPUTY_B: False}),
    Row("liaison/visits/<int:pk>/edit/", "liaison:visit_edit", A_OWN, pk("visit_a"),
        A_OWN, A_ONLY),
    Row("liaison/visits/<int:pk>/suggest/", "liaison:visit_suggest", POST_ONLY, pk("visit_a"),
        A_OWN, A_ONLY),
    Row("liaison/opinions/mine/", "liaison:my_opinions", DEPUTIES),
    Row("liaison/opinion/", "liaison:opinion_new", PUBLIC, post=PUBLIC, changes=EVERYONE),
    Row("liaison/opinion/s/<int:station_id>/", "liaison:opinion_station", PUBLIC,
        pk("station_a", "station_id"), PUBLIC, EVERYONE),
    Row("liaison/opinion/d/<str:deputy_code>/", "liaison:opinion_deputy", PUBLIC,
        code("deputy_a", "deputy_code"), PUBLIC, EVERYONE),
    Row("liaison/track/", "liaison:track", PUBLIC),
    Row("liaison/track/<str:code>/", "liaison:track_code", PUBLIC,
        lambda w: {"code": w.opinion_a.tracking_code}, reveals=("opinion_a",)),
    Row("liaison/index/", "liaison:opinion_index", STAFF_ONLY),
    Row("liaison/index/flags/<int:pk>/adopt/", "liaison:opinion_flag_adopt", POST_ONLY,
        pk("flag"), STAFF_ONLY, STAFF_CHANGES),
    Row("liaison/index/flags/<int:pk>/dismiss/", "liaison:opinion_flag_dismiss", POST_ONLY,
        pk("flag"), STAFF_ONLY, STAFF_CHANGES),
    # --- training
    Row("training/", "training:home", DEPUTIES),
    Row("training/courses/<int:pk>/", "training:course", DEPUTIES, pk("course_a")),
    Row("training/courses/<int:pk>/enrol/", "training:enrol", POST_ONLY, pk("course_open"),
        DEPUTIES, BOTH_DEPUTIES),
    Row("training/courses/<int:pk>/withdraw/", "training:withdraw", POST_ONLY,
        pk("course_a"), A_OWN, A_ONLY),  # A alone is enrolled
    Row("training/courses/<int:pk>/quiz/", "training:quiz", DEPUTIES, pk("course"),
        DEPUTIES, BOTH_DEPUTIES),  # each their own next attempt
    Row("training/attempts/<int:pk>/", "training:attempt", A_OWN, pk("attempt_a")),
    Row("training/surveys/<int:pk>/", "training:survey", DEPUTIES, pk("survey"), DEPUTIES,
        {DEPUTY_A: True, DEPUTY_B: False}),  # B answered already: read-only
    Row("training/surveys/<int:pk>/summary/", "training:survey_summary", STAFF_ONLY,
        pk("survey")),
    Row("training/archive/", "training:archive", DEPUTIES),
    Row("training/archive/pdf/", "training:archive_pdf", DEPUTIES),
    Row("training/archive/<int:deputy_pk>/", "training:deputy_archive", STAFF_ONLY,
        pk("deputy_a", "deputy_pk")),
    Row("training/archive/<int:deputy_pk>/pdf/", "training:deputy_archive_pdf", STAFF_ONLY,
        pk("deputy_a", "deputy_pk")),
    Row("training/courses/<int:pk>/report/", "training:course_report", STAFF_ONLY,
        pk("course")),
    Row("training/courses/<int:pk>/report.xlsx", "training:course_report_xlsx", STAFF_ONLY,
        pk("course")),
    Row("training/sessions/<int:pk>/attendance/", "training:attendance", STAFF_ONLY,
        pk("session_a"), STAFF_ONLY, STAFF_CHANGES),
]

# The other direction: deputy A names deputy B's objects, unit U's user names unit V's. Each is
# a 404 with nothing changed (a POST carries the row's body, aimed at the other party's object).
MIRRORS = [
    ("performance:entry_detail", DEPUTY_A, pk("entry_b"), "GET"),
    ("performance:evidence", DEPUTY_A, pk("evidence_b"), "GET"),
    ("performance:dispute", DEPUTY_A, pk("entry_b"), "POST"),
    ("performance:dispute_evidence", DEPUTY_A, pk("dispute_b"), "GET"),
    ("suggestions:detail", DEPUTY_A, pk("handling_b"), "GET"),
    ("suggestions:qr_print", DEPUTY_A, pk("handling_b"), "GET"),
    ("suggestions:evaluate", DEPUTY_A, pk("handling_b"), "POST"),
    ("suggestions:attachment", DEPUTY_A, pk("attachment_b"), "GET"),
    ("liaison:deputy_code", DEPUTY_A, code("deputy_b"), "GET"),
    ("liaison:visit_edit", DEPUTY_A, pk("visit_b"), "POST"),
    ("liaison:visit_suggest", DEPUTY_A, pk("visit_b"), "POST"),
    ("liaison:story_detail", DEPUTY_A, pk("story_draft_b"), "GET"),
    ("liaison:story_photo", DEPUTY_A, pk("story_draft_photo_b"), "GET"),
    ("training:attempt", DEPUTY_A, pk("attempt_b"), "GET"),
    ("suggestions:unit_detail", UNIT_U, pk("handling_b"), "GET"),
    ("suggestions:unit_reply", UNIT_U, pk("handling_b"), "POST"),
    ("suggestions:unit_feasibility", UNIT_U, pk("handling_b"), "POST"),
    ("suggestions:unit_commitment_add", UNIT_U, pk("handling_b"), "POST"),
    ("suggestions:unit_meeting", UNIT_U, pk("handling_b"), "POST"),
    ("suggestions:unit_commitment_update", UNIT_U, pk("commitment_v"), "POST"),
    ("suggestions:attachment", UNIT_U, pk("attachment_b"), "GET"),
]
MIRROR_BODIES = {
    "suggestions:unit_commitment_add": lambda w: commitment(w, w.unit_v),
    "suggestions:unit_meeting": lambda w: meeting(w, w.unit_v),
    "liaison:visit_edit": lambda w: visit(w, "改过的接待记录", w.station_b),
}
# fmt: on

TABLE = {row.route: row for row in ROWS}
assert len(TABLE) == len(ROWS), "a pattern is listed twice"
assert all(row.post is None or row.name in BODIES for row in ROWS), "a POST row without a body"
