"""Recommended courses for a deputy, each with the reasons the deputy reads ("why this one").

Three sources of reasons, strongest first:

- **gaps** (履职数据建模): an active gap rule whose signal this year, a ledger rule's entries
  (``performance.public.ledger_rule_counts``) or an activity another app counts
  (``core.activity.activity_counts``), is below its minimum points to a topic; the reason is
  the rule's own sentence;
- **the needs survey**: an option with a topic the deputy chose in any survey;
- **the tier** from the profile: new or re-elected, professional group, specialties.

Candidates are the courses the deputy could still join: published, this year, not enrolled,
not full, enrolment open, not over. A course with no reason is not recommended. The cost is a
fixed number of queries whatever the data: the rules, one ledger count, one count per activity
the rules name, the survey choices, the courses (with the next session and the group match as
subqueries), and the deputy's group name when a course targets it. A deputy's own page passes
the request's facts (``deputies.facts``, read with ``RECOMMEND_FACTS``): the rules, the ledger
count, the activities and the survey choices then come with them, and the courses are the one
query left. The courses are read ranked as the recommendations are, so a page showing the
first few reads only those (and a few more), however many courses are open.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_noop

from core import clock
from core.activity import activities, activity_counts
from core.render_env import gettext as _
from core.sql import CodepointOrder
from deputies.facts import ACTIVITY_FACTS, DEPUTY, DeputyFacts, Rows, prepared, row_instance
from deputies.models import Deputy
from performance.public import RULE_CODE_FACTS, ledger_rule_counts

from .models import Course, CourseSession, Enrollment, GapRule, SurveyOption

GAP, SURVEY, TIER = "gap", "survey", "tier"
RANK = {GAP: 0, SURVEY: 1, TIER: 2}

REASON_SURVEY = gettext_noop("您在需求调查中选择了“%(option)s”")
REASON_NEW = gettext_noop("面向新任代表")
REASON_REELECTED = gettext_noop("面向连任代表")
REASON_GROUP = gettext_noop("面向%(group)s")
REASON_SPECIALTY = gettext_noop("与您的专业特长“%(specialty)s”相关")

Counter = Callable[..., dict[int, int]]  # as core.activity.activity_counts

# How deputies and staff separate specialties and keywords: 、 , ， ; ； and spaces.
SEPARATORS = re.compile(r"[、,，;；\s]+")


# The deputy's facts the recommendations read (``deputy_facts(request, keys=...)``): the
# rules and choices (``recommend_facts``), the ledger's codes and the activities' counts.
RECOMMEND = "training.recommend"
RECOMMEND_FACTS = (RECOMMEND, RULE_CODE_FACTS, ACTIVITY_FACTS)
RULE_FIELDS = ("pk", "topic", "rule_code", "activity", "min_count", "reason", "order")
# A chosen option's topic and text, then what the choices are sorted by.
CHOICE_FIELDS = ("topic_id", "text", "question__survey__opens_on", "question__order", "order", "pk")


@dataclass
class Recommendation:
    course: Course
    reasons: list[str] = field(default_factory=list)
    kind: str = ""  # the strongest source of its reasons: GAP, SURVEY or TIER
    next_session: date | None = None


def split_terms(text: str) -> list[str]:
    """``"法律、医疗 教育"`` → ``["法律", "医疗", "教育"]``, in order, without repeats."""
    return list(dict.fromkeys(t for t in SEPARATORS.split(text or "") if t))


def specialty_match(keywords: str, specialties: list[str]) -> str | None:
    """The deputy's specialty a course's keyword speaks to ("医疗" matches "医疗卫生" either
    way round), or None."""
    for keyword in split_terms(keywords):
        for specialty in specialties:
            if keyword in specialty or specialty in keyword:
                return specialty
    return None


def recommend_facts(today: date) -> dict:
    """The active gap rules and the options the deputy chose in surveys, read with the
    deputy's other facts (``deputies.facts``) on their own pages."""
    return {
        "rules": (GapRule.objects.filter(is_active=True), Rows(*RULE_FIELDS)),
        "choices": (
            SurveyOption.objects.filter(answers__response__deputy=DEPUTY, topic__isnull=False),
            Rows(*CHOICE_FIELDS),
        ),
    }


def _known(facts: DeputyFacts | None, deputy: Deputy, year: int) -> dict | None:
    """The recommendations' facts, when ``facts`` hold them for this deputy and year."""
    if facts is None or facts.deputy.pk != deputy.pk or facts.year != year:
        return None
    return facts.values.get(RECOMMEND)


def gap_reasons(
    deputy: Deputy,
    *,
    year: int,
    counts: Counter = activity_counts,
    facts: DeputyFacts | None = None,
) -> dict[int, list[str]]:
    """Topic id → the reasons of the active gap rules the deputy's record falls short of in
    ``year``; one query for the rules, one for the ledger, one per activity named (asked
    through ``counts``, which a page may answer from counts it already has), or none of
    them from the deputy's ``facts``."""
    known = {a.key for a in activities()}
    # A rule on an activity no app counts any more (an app removed) says nothing: counting
    # it as zero would tell every deputy they fall short.
    given = _known(facts, deputy, year)
    if given is None:
        active = prepared(("training:gap-rules",), _active_rules)
    else:
        ordered = sorted(given["rules"], key=lambda row: (row[-1], row[0]))  # order, pk
        active = [row_instance(GapRule, RULE_FIELDS, row) for row in ordered]
    rules = [r for r in active if r.rule_code or r.activity in known]
    ledger: dict[str, int] = {}
    if any(r.rule_code for r in rules):
        ledger = ledger_rule_counts(deputy_ids=[deputy.pk], year=year, facts=facts).get(
            deputy.pk, {}
        )
    done = {
        key: counts(key, deputy_ids=[deputy.pk], year=year).get(deputy.pk, 0)
        for key in sorted({r.activity for r in rules if not r.rule_code})
    }
    topics: dict[int, list[str]] = {}
    for rule in rules:
        count = ledger.get(rule.rule_code, 0) if rule.rule_code else done[rule.activity]
        if count < rule.min_count:
            reasons = topics.setdefault(rule.topic_id, [])
            if rule.reason not in reasons:
                reasons.append(rule.reason)
    return topics


def _active_rules():
    return GapRule.objects.filter(is_active=True).order_by("order", "pk")


def _chosen_options(deputy: int):
    return (
        SurveyOption.objects.filter(answers__response__deputy=deputy, topic__isnull=False)
        .order_by("question__survey__opens_on", "question__order", "order", "pk")
        .values_list("topic_id", "text")
    )


def survey_reasons(deputy: Deputy, *, facts: DeputyFacts | None = None) -> dict[int, list[str]]:
    """Topic id → "您在需求调查中选择了“…”" for each option with a topic the deputy chose in
    any survey; one query (compiled once, ``deputies.facts.prepared``), or none from the
    deputy's ``facts``."""
    given = _known(facts, deputy, facts.year) if facts is not None else None
    if given is None:
        rows = prepared(("training:survey-reasons",), _chosen_options, deputy=deputy.pk)
    else:  # in the order of ``_chosen_options``: survey opening (ISO text), question, option
        rows = [(row[0], row[1]) for row in sorted(given["choices"], key=lambda row: row[2:])]
    topics: dict[int, list[str]] = {}
    for topic_id, text in rows:
        reason = _(REASON_SURVEY) % {"option": text}
        reasons = topics.setdefault(topic_id, [])
        if reason not in reasons:
            reasons.append(reason)
    return topics


# How many rows past those asked for a bounded read of the candidates takes: a course the SQL
# cannot rule out (its only reason its specialty keywords, matched here) may be left out.
SPARE_ROWS = 3


def _candidates(
    deputy: Deputy,
    *,
    today: date,
    gaps: set[int],
    wishes: set[int],
    has_specialties: bool,
    rows: int | None = None,
    course_id: int | None = None,
) -> list[Course]:
    """Courses the deputy could still join that some reason may apply to, in the order the
    recommendations are ranked (``_rank``): the first ``rows`` of them (all when None), or
    the course ``course_id`` alone. One query, compiled once per shape and day
    (``deputies.facts.prepared``)."""
    is_new, has_group = deputy.is_new, bool(deputy.group_id)
    key = ("training:candidates", today, is_new, has_group, has_specialties, rows, bool(course_id))
    ids: dict = {"deputy": deputy.pk, "gaps": tuple(sorted(gaps)), "wishes": tuple(sorted(wishes))}
    if has_group:
        ids["group"] = deputy.group_id
    if course_id:
        ids["course"] = course_id

    def build(deputy, gaps, wishes, group=None, course=None):
        found = _candidates_query(
            deputy,
            group,
            today=today,
            gaps=gaps,
            wishes=wishes,
            is_new=is_new,
            specialties=has_specialties,
        )
        if course is not None:
            found = found.filter(pk=course)
        return found[:rows] if rows is not None else found

    return prepared(key, build, **ids)


def _candidates_query(
    deputy: int,
    group: int | None,
    *,
    today: date,
    gaps: tuple[int, ...],
    wishes: tuple[int, ...],
    is_new: bool,
    specialties: bool,
):
    """The candidates ranked as ``_rank`` ranks the recommendations they make: a course on
    a topic the deputy falls short in first, then one on a topic they chose in a survey, then
    the rest (the tier's), each by next session (none last), title (by code point, as
    Python compares) and id."""
    sessions = CourseSession.objects.filter(course=OuterRef("pk"))
    upcoming = sessions.filter(date__gte=today)
    Groups = Course.groups.through
    in_group = (
        Exists(Groups.objects.filter(course=OuterRef("pk"), professionalgroup=group))
        if group
        else Value(False)
    )
    wanted = Q(topic_id__in=gaps) | Q(topic_id__in=wishes)
    wanted |= Q(for_new=True) if is_new else Q(for_reelected=True)
    if group:
        wanted |= Q(in_group=True)
    if specialties:
        wanted |= ~Q(specialty_keywords="")
    return (
        Course.objects.published()
        .filter(year=today.year)
        .filter(Q(enrol_until__isnull=True) | Q(enrol_until__gte=today))
        .filter(Q(capacity__isnull=True) | Q(enrolled_count__lt=F("capacity")))
        .filter(~Exists(Enrollment.objects.filter(course=OuterRef("pk"), deputy=deputy)))
        .annotate(
            next_session=Subquery(upcoming.order_by("date").values("date")[:1]),
            # A course with no session yet or one still to come: its last session's date
            # (one index step per course), where an EXISTS over every session made the
            # database hash the sessions of all years on each visit.
            last_session=Subquery(sessions.order_by("-date").values("date")[:1]),
            in_group=in_group,
            rank=Case(
                When(topic_id__in=gaps, then=Value(RANK[GAP])),
                When(topic_id__in=wishes, then=Value(RANK[SURVEY])),
                default=Value(RANK[TIER]),
            ),
        )
        .filter(Q(last_session__isnull=True) | Q(last_session__gte=today))
        .filter(wanted)
        .select_related("topic")
        .order_by(
            "rank",
            F("next_session").asc(nulls_last=True),
            CodepointOrder("title"),
            "pk",
        )
    )


def recommended_courses(
    deputy: Deputy,
    *,
    today: date | None = None,
    limit: int | None = None,
    counts: Counter = activity_counts,
    facts: DeputyFacts | None = None,
    course_id: int | None = None,
) -> list[Recommendation]:
    """The courses to suggest to ``deputy``, each with its reasons: gap reasons first, then
    survey choices, then the tier; ties go to the earliest next session. A deputy out of
    office gets none. ``facts``: the request's deputy facts read with ``RECOMMEND_FACTS``
    (their activity counts, rules, ledger codes and survey choices: no query for those).
    ``course_id``: only that course's recommendation, if it makes one.

    Otherwise the courses are read ranked, and with a ``limit`` only the first few of them
    (``SPARE_ROWS`` more than asked): at the start of the year some forty courses are open
    to a deputy, and the dashboard shows one (issue #8: reading them all cost ~1.5 ms of a
    3 ms page). Only a course whose sole reason would be its specialty keywords can be left
    out here, so when the few read leave fewer than ``limit``, the rest are read after all."""
    today = today or clock.today()
    if not deputy.is_serving:
        return []
    if facts is not None:
        counts = facts.activity_counts
    gaps = gap_reasons(deputy, year=today.year, counts=counts, facts=facts)
    wishes = survey_reasons(deputy, facts=facts)
    specialties = split_terms(deputy.specialties)
    rows = limit + SPARE_ROWS if limit is not None and course_id is None else None
    asked = {
        "today": today,
        "gaps": set(gaps),
        "wishes": set(wishes),
        "has_specialties": bool(specialties),
        "course_id": course_id,
    }
    courses = _candidates(deputy, rows=rows, **asked)
    found = _recommendations(deputy, courses, gaps, wishes, specialties)
    if rows is not None and len(found) < limit and len(courses) == rows:
        courses = _candidates(deputy, rows=None, **asked)
        found = _recommendations(deputy, courses, gaps, wishes, specialties)
    return found[:limit] if limit is not None else found


def _recommendations(
    deputy: Deputy,
    courses: list[Course],
    gaps: dict[int, list[str]],
    wishes: dict[int, list[str]],
    specialties: list[str],
) -> list[Recommendation]:
    """The recommendations ``courses`` make to ``deputy`` (a course no reason applies to
    makes none), ranked (``_rank``)."""
    group_name = deputy.group.name if any(c.in_group for c in courses) else ""
    found: list[Recommendation] = []
    for course in courses:
        by_kind: dict[str, list[str]] = {
            GAP: list(gaps.get(course.topic_id, [])),
            SURVEY: list(wishes.get(course.topic_id, [])),
            TIER: [],
        }
        if course.for_new and deputy.is_new:
            by_kind[TIER].append(_(REASON_NEW))
        if course.for_reelected and not deputy.is_new:
            by_kind[TIER].append(_(REASON_REELECTED))
        if course.in_group:
            by_kind[TIER].append(_(REASON_GROUP) % {"group": group_name})
        specialty = specialty_match(course.specialty_keywords, specialties)
        if specialty:
            by_kind[TIER].append(_(REASON_SPECIALTY) % {"specialty": specialty})
        kinds = [kind for kind in (GAP, SURVEY, TIER) if by_kind[kind]]
        if not kinds:
            continue
        found.append(
            Recommendation(
                course=course,
                reasons=[reason for kind in kinds for reason in by_kind[kind]],
                kind=kinds[0],
                next_session=course.next_session,
            )
        )
    found.sort(key=_rank)
    return found


def _rank(found: Recommendation) -> tuple:
    """Strongest reason first, then the earliest next session (none last), title, id: the
    order ``_candidates_query`` reads the courses in."""
    return (
        RANK[found.kind],
        found.next_session is None,
        found.next_session or date.max,
        found.course.title,
        found.course.pk,
    )
