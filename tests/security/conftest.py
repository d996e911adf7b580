"""The permission matrix's world: one of everything, owned by each party, built once per module.

Parties: deputies A and B (each with a login), handling units U and V (each with a login),
committee staff, and the anonymous public. Each object the matrix opens belongs to one of them
(A's ledger entry, U's commitment, ...), and its distinctive text is a *marker*: a page shown to
a role that may not see that object must not contain it (``World.markers``).

The world is written once inside a transaction that is rolled back when the module ends; each
test runs in a savepoint of it (pytest-django's ``db``), so a test's POST never reaches the next
test. The clock stands at 2026-06-15 10:00 in Shanghai for the whole module, so the suggestions'
deadlines, the survey's window and the quarter are the same whatever day CI runs.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from tests.performance.factories_pages import PNG
from tests.security import matrix

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"

# The markers: distinctive text on each party's private objects, and who may read it.
A, B, U, V, STAFF = matrix.DEPUTY_A, matrix.DEPUTY_B, matrix.UNIT_U, matrix.UNIT_V, matrix.STAFF
MARKERS = {
    "mobile_a": ("13800138001", {A, STAFF}),
    "mobile_b": ("13800138002", {B, STAFF}),
    "entry_a": ("甲代表的台账记录", {A, STAFF}),
    "entry_b": ("乙代表的台账记录", {B, STAFF}),
    "dispute_a": ("甲代表的异议说明", {A, STAFF}),
    "dispute_b": ("乙代表的异议说明", {B, STAFF}),
    "draft_a": ("甲代表尚未提交的草稿", {A, STAFF}),
    "suggestion_a": ("甲代表交由甲单位办理的建议", {A, U, STAFF}),
    "suggestion_b": ("乙代表交由乙单位办理的建议", {B, V, STAFF}),
    "commitment_u": ("甲单位承诺的事项", {A, U, STAFF}),
    "commitment_v": ("乙单位承诺的事项", {B, V, STAFF}),
    "notice_a": ("给甲代表的通知", {A}),
    "notice_b": ("给乙代表的通知", {B}),
    "notice_u": ("给甲单位的通知", {U}),
    "visit_a": ("甲代表接待的来访问题", {A, STAFF}),
    "visit_b": ("乙代表接待的来访问题", {B, STAFF}),
    "visitor_phone_a": ("13912340001", {STAFF}),
    "visitor_phone_b": ("13912340002", {STAFF}),
    "opinion_a": ("寄给甲代表的居民意见", {A, STAFF}),
    "opinion_b": ("寄给乙代表的居民意见", {B, STAFF}),
    "resident_phone_a": ("13712340001", {STAFF}),
    "resident_phone_b": ("13712340002", {STAFF}),
    "survey_text_b": ("乙代表在调查里写的意见", {B, STAFF}),
    "story_draft_a": ("写甲代表的故事草稿", {A, STAFF}),
    "story_draft_b": ("写乙代表的故事草稿", {B, STAFF}),
}


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role → User (anonymous: None)
    sessions: dict = field(default_factory=dict)  # role → session key, logged in once
    markers: dict = field(default_factory=dict)  # key → (text, roles that may read it)
    o: SimpleNamespace = field(default_factory=SimpleNamespace)  # the objects, by name

    def __getattr__(self, name):
        return getattr(self.o, name)


def _reference_data():
    """Roles, staff permissions and categories: a transactional test elsewhere in the session
    may have flushed them from the reused database."""
    from django.contrib.auth.models import Group

    from accounts.roles import Role, sync_staff_permissions
    from suggestions.models import DEFAULT_CATEGORIES, Category

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_staff_permissions()
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})


def _people(w: World) -> None:
    from tests.accounts.factories import StaffUserFactory
    from tests.deputies.factories import CommunityFactory, DeputyWithUserFactory
    from tests.suggestions.factories import CategoryFactory, HandlingUnitFactory

    o = w.o
    o.deputy_a = DeputyWithUserFactory(
        code="SA01", mobile=MARKERS["mobile_a"][0], photo=SimpleUploadedFile("a.png", PNG)
    )
    o.deputy_b = DeputyWithUserFactory(code="SB01", mobile=MARKERS["mobile_b"][0])
    o.unit_u = HandlingUnitFactory(name="甲承办单位", with_user=True)
    o.unit_v = HandlingUnitFactory(name="乙承办单位", with_user=True)
    o.staff = StaffUserFactory(username="matrix-staff")
    o.category = CategoryFactory(name="矩阵类别")
    o.community = CommunityFactory(name="矩阵社区")
    w.users = {
        matrix.ANONYMOUS: None,
        A: o.deputy_a.user,
        B: o.deputy_b.user,
        U: o.unit_u.users.get(),
        V: o.unit_v.users.get(),
        STAFF: o.staff,
    }


def _ledger(w: World) -> None:
    from performance.models import Dispute, DisputeKind, DisputeStatus, EntryEvidence
    from tests.performance.factories import LedgerEntryFactory, SupervisionTopicFactory, rule_set

    o = w.o
    rule_set(2026)
    for key, deputy in (("a", o.deputy_a), ("b", o.deputy_b)):
        entry = LedgerEntryFactory(deputy=deputy, year=2026, title=MARKERS[f"entry_{key}"][0])
        setattr(o, f"entry_{key}", entry)
        setattr(
            o,
            f"evidence_{key}",
            EntryEvidence.objects.create(
                entry=entry, file=SimpleUploadedFile(f"e{key}.pdf", PDF), name=f"e{key}.pdf"
            ),
        )
        # The open dispute sits on another entry: the first one stays free to be disputed.
        disputed = LedgerEntryFactory(deputy=deputy, year=2026)
        setattr(
            o,
            f"dispute_{key}",
            Dispute.objects.create(
                deputy=deputy,
                kind=DisputeKind.WRONG,
                entry=disputed,
                note=MARKERS[f"dispute_{key}"][0],
                status=DisputeStatus.OPEN,
                evidence=SimpleUploadedFile(f"d{key}.pdf", PDF),
            ),
        )
    o.topic = SupervisionTopicFactory(year=2026, title="矩阵监督议题")
    o.topic_signed = SupervisionTopicFactory(year=2026, title="甲已认领的议题")
    o.topic_signed.signups.create(deputy=o.deputy_a)


def _suggestions(w: World) -> None:
    from suggestions import services
    from suggestions.models import Attachment
    from tests.suggestions import helpers
    from tests.suggestions.factories import SuggestionFactory

    o = w.o
    o.draft_a = SuggestionFactory(lead_deputy=o.deputy_a, body=MARKERS["draft_a"][0])
    body_a, body_b = MARKERS["suggestion_a"][0], MARKERS["suggestion_b"][0]
    # Assigned three days ago: still to be signed for, inside the window to ask for a return.
    o.assigned_a = helpers.assigned(
        unit=o.unit_u, lead_deputy=o.deputy_a, on=date(2026, 6, 12), body=body_a
    )
    o.handling_a = helpers.in_handling(
        unit=o.unit_u, lead_deputy=o.deputy_a, on=date(2026, 6, 1), body=body_a
    )
    o.handling_b = helpers.in_handling(
        unit=o.unit_v, lead_deputy=o.deputy_b, on=date(2026, 6, 1), body=body_b
    )
    o.replied_a = helpers.replied(unit=o.unit_u, lead_deputy=o.deputy_a, body=body_a)
    services.tough_project_mark(suggestion=o.handling_a, difficulty=2, team="专班", actor=None)
    for key, s, unit in (("u", o.handling_a, o.unit_u), ("v", o.handling_b, o.unit_v)):
        setattr(
            o,
            f"commitment_{key}",
            services.commitment_add(
                suggestion=s,
                owner_unit=unit,
                content=MARKERS[f"commitment_{key}"][0],
                due_on=date(2026, 12, 1),
                actor=None,
            ),
        )
    o.attachment_a = Attachment.objects.create(
        suggestion=o.handling_a, file=SimpleUploadedFile("a.pdf", PDF), name="a.pdf"
    )
    o.attachment_b = Attachment.objects.create(
        suggestion=o.handling_b, file=SimpleUploadedFile("b.pdf", PDF), name="b.pdf"
    )


def _notices(w: World) -> None:
    from core.notifications import notification_send

    for key, user in (("a", w.users[A]), ("b", w.users[B]), ("u", w.users[U])):
        note = notification_send(recipient=user, kind="matrix", title=MARKERS[f"notice_{key}"][0])
        setattr(w.o, f"notice_{key}", note)


def _liaison(w: World) -> None:
    from liaison.models import OpinionFlag
    from liaison.services.opinions import opinion_submit
    from tests.liaison.factories import DutyFactory, StationFactory, VisitFactory

    o = w.o
    for key, deputy in (("a", o.deputy_a), ("b", o.deputy_b)):
        station = StationFactory(name=f"矩阵联络站{key}", community=o.community)
        station.deputies.add(deputy)
        DutyFactory(
            reception_day__station=station, reception_day__date=date(2026, 6, 20), deputy=deputy
        )
        visit = VisitFactory(
            station=station,
            category=o.category,
            occurred_on=date(2026, 6, 10),
            visitor_phone=MARKERS[f"visitor_phone_{key}"][0],
            problem=MARKERS[f"visit_{key}"][0],
            created_by=deputy.user,
        )
        visit.deputies.add(deputy)
        opinion = opinion_submit(
            category=o.category,
            community=o.community,
            description=MARKERS[f"opinion_{key}"][0],
            consent=True,
            contact_name="李先生",
            contact_phone=MARKERS[f"resident_phone_{key}"][0],
            deputy=deputy,
        )
        for name, value in (("station", station), ("visit", visit), ("opinion", opinion)):
            setattr(o, f"{name}_{key}", value)
    o.flag = OpinionFlag.objects.create(
        week=date(2026, 6, 8),
        community=o.community,
        category=o.category,
        week_count=12,
        baseline_mean=2,
    )
    _stories(w)


def _stories(w: World) -> None:
    """代表在身边: a published story about A and B at A's station, and a draft about each (a
    deputy may preview a draft about them; the other deputy and the public get 404)."""
    from tests.liaison.factories import StoryFactory, StoryPhotoFactory

    o = w.o
    o.story = StoryFactory(
        title="矩阵已发布的故事",
        deputies=[o.deputy_a, o.deputy_b],
        station=o.station_a,
        happened_on=date(2026, 6, 1),
        published=True,
    )
    o.story_photo = StoryPhotoFactory(story=o.story)
    for key, deputy in (("a", o.deputy_a), ("b", o.deputy_b)):
        story = StoryFactory(
            title=MARKERS[f"story_draft_{key}"][0],
            deputies=[deputy],
            happened_on=date(2026, 6, 2),
        )
        setattr(o, f"story_draft_{key}", story)
        setattr(o, f"story_draft_photo_{key}", StoryPhotoFactory(story=story))


def _training(w: World) -> None:
    from tests.training import factories as tf
    from training.models import SurveyQuestionKind
    from training.services.quizzes import quiz_attempt_submit
    from training.services.surveys import survey_submit

    o = w.o
    # Course C: A and B enrolled, with a quiz each tried once (wrong, one attempt left).
    o.course = tf.CourseFactory(title="矩阵课程")
    o.session = tf.CourseSessionFactory(course=o.course, date=date(2026, 5, 10))
    o.quiz = tf.QuizFactory(course=o.course, max_attempts=3)
    o.question = tf.QuestionFactory(quiz=o.quiz)
    o.right = tf.ChoiceFactory(question=o.question, is_correct=True)
    o.wrong = tf.ChoiceFactory(question=o.question)
    for key, deputy in (("a", o.deputy_a), ("b", o.deputy_b)):
        tf.EnrollmentFactory(course=o.course, deputy=deputy)
        attempt = quiz_attempt_submit(
            quiz=o.quiz, deputy=deputy, answers={o.question.pk: [o.wrong.pk]}, actor=deputy.user
        )
        setattr(o, f"attempt_{key}", attempt)
    # Course D: A alone enrolled, nothing attended (A may withdraw; B is not on it).
    o.course_a = tf.CourseFactory(title="甲报名的课程")
    o.session_a = tf.CourseSessionFactory(course=o.course_a, date=date(2026, 6, 1))
    tf.EnrollmentFactory(course=o.course_a, deputy=o.deputy_a)
    # Course E: open, nobody enrolled.
    o.course_open = tf.CourseFactory(title="开放报名的课程")
    # A foreign quiz's choice, for a tampered answer.
    o.foreign_choice = tf.ChoiceFactory(question=tf.QuestionFactory(), is_correct=True)
    o.survey = tf.SurveyFactory()
    o.survey_choice = tf.SurveyQuestionFactory(survey=o.survey)
    o.survey_option = tf.SurveyOptionFactory(question=o.survey_choice)
    o.survey_text = tf.SurveyQuestionFactory(
        survey=o.survey, kind=SurveyQuestionKind.TEXT, required=False
    )
    o.foreign_option = tf.SurveyOptionFactory()
    survey_submit(
        survey=o.survey,
        deputy=o.deputy_b,
        answers={
            o.survey_choice.pk: [o.survey_option.pk],
            o.survey_text.pk: MARKERS["survey_text_b"][0],
        },
        actor=o.deputy_b.user,
    )


def build_world() -> World:
    w = World(markers=dict(MARKERS))
    _reference_data()
    _people(w)
    _ledger(w)
    _suggestions(w)
    _notices(w)
    _liaison(w)
    _training(w)
    for role, user in w.users.items():
        if user is not None:  # a login per test would cost as much as the request it makes
            login = Client()
            login.force_login(user)
            w.sessions[role] = login.cookies[settings.SESSION_COOKIE_NAME].value
    return w


@pytest.fixture(scope="module")
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture(scope="module")
def world(pinned_clock, django_db_setup, django_db_blocker):
    """Built once for the module in an outer transaction, rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def signed_in(client, world, db):
    """``signed_in(role)``: the test client with that role's session (anonymous: none)."""

    def login(role):
        if role in world.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return login
