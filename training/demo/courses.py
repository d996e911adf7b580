"""Demo courses of the year: every track and format, every kind of target tier, sessions before
and after ``context.today``, enrolments and attendance through the services (so seats, hours,
completion and B05 come out as in real use), quizzes with attempts.

The demo deputy d001 (a new deputy) ends up with one course completed (B05 in the ledger), one
in progress with a quiz still to take, and the basics course for new deputies open and not
enrolled, for the recommender to suggest. Everyone else is enrolled by tier, group or
specialty; d001 is left out of those lists so their page shows exactly that.

Idempotent: a course is found by (year, title); a course that exists is left as it is (its
sessions, enrolments and attempts were made with it), so a second run writes nothing.
"""

import contextlib
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from core.demo import DemoContext
from deputies.models import Deputy, ProfessionalGroup

from ..models import Course, CourseSession, Format, Topic, Track
from ..services import TrainingError
from ..services.enrolment import attendance_set, course_enrol
from . import quizzes
from .common import Calendar, Roster

PLACE = "街道人大工委会议室"
ONLINE_LINK = "https://example.org/lvzhi/training/daibiaofa"
SUPERVISION_HINT = "预算"


@dataclass(frozen=True)
class Plan:
    """One demo course. ``sessions``: (days from today, hours, start, place); a negative
    offset is a past session (attended as ``absent`` allows), a positive one a coming one."""

    key: str
    title: str
    track: str
    format: str
    topic: str
    description: str
    instructor: str
    sessions: tuple[tuple[int, str, time, str], ...]
    instructor_org: str = ""
    for_new: bool = False
    for_reelected: bool = False
    group: str = ""
    specialty_keywords: str = ""
    capacity: int | None = None
    full: bool = False  # capacity = the number enrolled
    enrol_days: int | None = None  # enrolment closes this many days from today
    deadline_days: int | None = None
    supervision: bool = False
    link: str = ""
    quiz: str = ""  # key in quizzes.QUIZZES
    absent: int = 0  # how many of the enrolled (the last ones) miss the last past session
    attempts: dict[int, list[bool]] = field(default_factory=dict)  # enrolled index → outcomes


PLANS = [
    Plan(
        key="basics",
        title="新任代表履职基础必修课",
        track=Track.BASICS,
        format=Format.LECTURE,
        topic="履职基础知识",
        description="代表的权利和义务、闭会期间怎样履职、履职档案怎样记录，新任代表的第一课。",
        instructor="区人大常委会代表工作室 李老师",
        sessions=((7, "3", time(9), PLACE), (14, "3", time(9), PLACE)),
        for_new=True,
        capacity=60,
        enrol_days=5,
        deadline_days=45,
        quiz="basics",
    ),
    Plan(
        key="suggestions",
        title="代表建议撰写实务",
        track=Track.BASICS,
        format=Format.CASE,
        topic="建议撰写",
        description="从一件群众诉求到一件立得住、办得了的建议：优秀建议和退回建议对照分析。",
        instructor="区人大常委会选联工委 王老师",
        sessions=((-10, "2.5", time(14, 30), PLACE), (10, "2.5", time(14, 30), PLACE)),
        for_new=True,
        enrol_days=7,
        deadline_days=40,
        quiz="suggestions",
        absent=1,
        attempts={1: [True], 2: [False, True], 3: [False]},
    ),
    Plan(
        key="law",
        title="代表法与履职规范（线上）",
        track=Track.BASICS,
        format=Format.ONLINE,
        topic="法律法规",
        description="线上学习代表法、地方组织法中与代表履职相关的条文，学完参加测试。",
        instructor="市人大代表培训中心",
        sessions=((-40, "2", time(19), ""), (-25, "2", time(19), "")),
        for_new=True,
        for_reelected=True,
        deadline_days=60,
        link=ONLINE_LINK,
        quiz="law",
        absent=1,
        attempts={0: [False, True], 1: [True], 2: [True], 3: [False, True], 4: [True]},
    ),
    Plan(
        key="reception",
        title="进站接待选民情景模拟",
        track=Track.PRACTICE,
        format=Format.SIMULATION,
        topic="联系群众与接待选民",
        description="模拟接待日：倾听诉求、当场答复、记录转办、回访，每组由连任代表带教。",
        instructor="东湖社区人大代表之家",
        sessions=((12, "4", time(9), "东湖社区人大代表之家"),),
        for_reelected=True,
        capacity=6,
        full=True,
        enrol_days=10,
    ),
    Plan(
        key="budget",
        title="预算审查监督专题研修班",
        track=Track.TOPICAL,
        format=Format.SEMINAR,
        topic="监督工作实务",
        description="与高校合作的研修班：看懂街道预算草案、预算执行情况的审查要点和监督方法。",
        instructor="陈教授",
        instructor_org="浙江大学公共管理学院",
        sessions=((-30, "6", time(9), "浙江大学紫金港校区"), (20, "6", time(9), PLACE)),
        for_reelected=True,
        capacity=30,
        enrol_days=15,
        supervision=True,
        absent=1,
    ),
    Plan(
        key="field",
        title="老旧小区改造现场教学",
        track=Track.PRACTICE,
        format=Format.FIELD,
        topic="视察调研方法",
        description="走进改造中的小区，学习视察前怎样准备问题清单、视察后怎样形成报告。",
        instructor="街道城建办 周工程师",
        sessions=((-20, "3", time(14), "西园社区改造工地"),),
        group="城市建设组",
        absent=1,
    ),
    Plan(
        key="civil_code",
        title="民法典与基层治理",
        track=Track.TOPICAL,
        format=Format.LECTURE,
        topic="法律法规",
        description="面向有法律专业背景的代表：物业、相邻关系、婚姻家庭纠纷中的民法典条文。",
        instructor="南苑律师事务所 赵律师",
        sessions=((25, "3", time(14, 30), PLACE),),
        specialty_keywords="法律、律师、司法",
        enrol_days=20,
    ),
    Plan(
        key="petitions",
        title="群众诉求办理案例分析",
        track=Track.TOPICAL,
        format=Format.CASE,
        topic="联系群众与接待选民",
        description="连任代表分享接待日里的难题怎样跟踪到底，分析三件典型案例。",
        instructor="区人大常委会代表工作室",
        sessions=((-15, "3", time(14, 30), PLACE), (-8, "3", time(14, 30), PLACE)),
        for_reelected=True,
    ),
]


def _who(roster: Roster, groups: dict[str, ProfessionalGroup]) -> dict[str, list[Deputy]]:
    """Who is enrolled in each course, d001 first where they take part (their index is 0)."""
    first = [roster.first] if roster.first else []
    new, reelected = roster.new, roster.reelected
    group = groups.get("城市建设组")
    return {
        "basics": new[:8],
        "suggestions": first + new[8:16],
        "law": first + new[16:22] + reelected[:4],
        "reception": reelected[4:10],
        "budget": reelected[10:18],
        "field": [d for d in roster.others() if group and d.group_id == group.pk],
        "civil_code": [d for d in roster.others() if "法律" in d.specialties][:5],
        "petitions": reelected[:8],
    }


def seed(context: DemoContext) -> None:
    roster = Roster.of(context)
    if not roster.everyone:
        return
    calendar = Calendar.of(context)
    topics = {t.name: t for t in Topic.objects.all()}
    groups = {g.name: g for g in ProfessionalGroup.objects.all()}
    who = _who(roster, groups)
    for plan in PLANS:
        course, created = _course(plan, calendar, topics, groups, who[plan.key])
        if created:
            _fill(plan, course, calendar, who[plan.key], roster)


def _supervision_topic(year: int):
    """A topic of the year's supervision menu (the budget one when there is one), read through
    the course's own foreign key: training reaches performance only through its public door,
    and the menu is not part of it."""
    model = Course._meta.get_field("supervision_topic").related_model
    menu = list(model.objects.filter(year=year).order_by("pk"))
    return next((t for t in menu if SUPERVISION_HINT in t.title), menu[0] if menu else None)


def _course(plan: Plan, calendar: Calendar, topics, groups, enrolled) -> tuple[Course, bool]:
    today = calendar.today
    capacity = max(1, len(enrolled)) if plan.full else plan.capacity
    course, created = Course.objects.get_or_create(
        year=today.year,
        title=plan.title,
        defaults={
            "track": plan.track,
            "format": plan.format,
            "topic": topics.get(plan.topic),
            "description": plan.description,
            "instructor": plan.instructor,
            "instructor_org": plan.instructor_org,
            "for_new": plan.for_new,
            "for_reelected": plan.for_reelected,
            "specialty_keywords": plan.specialty_keywords,
            "capacity": capacity,
            "enrol_until": calendar.day(plan.enrol_days) if plan.enrol_days else None,
            "deadline": calendar.day(plan.deadline_days) if plan.deadline_days else None,
            "is_published": True,
            "supervision_topic": _supervision_topic(today.year) if plan.supervision else None,
        },
    )
    if created and plan.group in groups:
        course.groups.add(groups[plan.group])
    return course, created


def _fill(plan: Plan, course: Course, calendar: Calendar, enrolled, roster: Roster) -> None:
    """Sessions, enrolments, attendance and attempts of a course just created."""
    sessions = _sessions(plan, course, calendar)
    past = [session for session, is_past in sessions if is_past]
    first_day = min((session.date for session, _past in sessions), default=calendar.today)
    enrol_day = min(calendar.day((first_day - calendar.today).days - 10), calendar.today)
    for deputy in enrolled:
        # d001 enrols themself; the others are arranged by staff (the system here).
        actor = deputy.user if deputy is roster.first else None
        course_enrol(course=course, deputy=deputy, actor=actor, now=calendar.when(enrol_day, 10))
    # The quiz first: completion (and B05) waits for it from the first attendance on.
    quiz = quizzes.quiz_create(course, plan.quiz) if plan.quiz else None
    for index, session in enumerate(past):
        present = list(enrolled)
        if index == len(past) - 1 and plan.absent:
            present = present[: max(1, len(present) - plan.absent)]
        _attend(session, present, calendar)
    if quiz is None or not past:
        return
    after = calendar.day((past[-1].date - calendar.today).days + 2)
    for index, outcomes in plan.attempts.items():
        if index < len(enrolled):
            moments = [calendar.when(after, 20, 10 * n) for n in range(len(outcomes))]
            quizzes.attempts_take(quiz, enrolled[index], outcomes, at=moments, today=calendar.today)


def _sessions(plan: Plan, course: Course, calendar: Calendar) -> list[tuple[CourseSession, bool]]:
    """The plan's sessions with whether each is a past one (by the plan, not the date: late
    in December a coming session may be kept on today, and is not attended)."""
    made: dict = {}
    for offset, hours, starts_at, place in plan.sessions:
        day = calendar.day(offset)
        if day in made:  # crowded onto the year's first or last day with another one
            continue
        session = CourseSession.objects.create(
            course=course,
            date=day,
            starts_at=starts_at,
            hours=Decimal(hours),
            place=place,
            link=plan.link,
            note="线上学习，完成后由工作人员登记学时" if plan.link else "",
        )
        made[day] = (session, offset < 0)
    return sorted(made.values(), key=lambda pair: pair[0].date)


def _attend(session: CourseSession, present: list[Deputy], calendar: Calendar) -> None:
    """Attendance as staff record it (the system here). A year without rules leaves B05 out;
    a year the ledger has closed refuses the credit and with it the attendance (one
    transaction): the demo goes on without them."""
    with contextlib.suppress(TrainingError):
        attendance_set(
            session=session,
            deputies=present,
            actor=None,
            today=calendar.today,
            now=calendar.when(session.date, 17),
        )
