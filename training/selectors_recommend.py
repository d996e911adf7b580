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
query left.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext_noop

from core import clock
from core.activity import activities, activity_counts
from core.render_env import gettext as _
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


def _candidates(deputy: Deputy, *, today: date, topic_ids: set[int], has_specialties: bool):
    """Courses the deputy could still join that some reason may apply to (one query, compiled
    once per shape and day: ``deputies.facts.prepared``)."""
    is_new, has_group = deputy.is_new, bool(deputy.group_id)
    key = ("training:candidates", today, is_new, has_group, has_specialties)
    ids = {"deputy": deputy.pk, "topics": tuple(sorted(topic_ids))}
    if has_group:
        ids["group"] = deputy.group_id

    def build(deputy: int, topics: tuple[int, ...], group: int | None = None):
        return _candidates_query(
            deputy, group, today=today, topic_ids=topics, is_new=is_new, specialties=has_specialties
        )

    return prepared(key, build, **ids)


def _candidates_query(
    deputy: int,
    group: int | None,
    *,
    today: date,
    topic_ids: tuple[int, ...],
    is_new: bool,
    specialties: bool,
):
    sessions = CourseSession.objects.filter(course=OuterRef("pk"))
    upcoming = sessions.filter(date__gte=today)
    Groups = Course.groups.through
    in_group = (
        Exists(Groups.objects.filter(course=OuterRef("pk"), professionalgroup=group))
        if group
        else Value(False)
    )
    wanted = Q(topic_id__in=topic_ids) | (Q(for_new=True) if is_new else Q(for_reelected=True))
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
        )
        .filter(Q(last_session__isnull=True) | Q(last_session__gte=today))
        .filter(wanted)
        .select_related("topic")
    )


def recommended_courses(
    deputy: Deputy,
    *,
    today: date | None = None,
    limit: int | None = None,
    counts: Counter = activity_counts,
    facts: DeputyFacts | None = None,
    candidates: list[Course] | None = None,
) -> list[Recommendation]:
    """The courses to suggest to ``deputy``, each with its reasons: gap reasons first, then
    survey choices, then the tier; ties go to the earliest next session. A deputy out of
    office gets none. ``facts``: the request's deputy facts read with ``RECOMMEND_FACTS``
    (their activity counts, rules, ledger codes and survey choices: no query for those).
    ``candidates``: the courses the deputy could join as a page already read them
    (``selectors_courses.home_open_courses``: with ``next_session`` and ``in_group``, full
    ones among them): no query for the courses either."""
    today = today or clock.today()
    if not deputy.is_serving:
        return []
    if facts is not None:
        counts = facts.activity_counts
    gaps = gap_reasons(deputy, year=today.year, counts=counts, facts=facts)
    wishes = survey_reasons(deputy, facts=facts)
    specialties = split_terms(deputy.specialties)
    if candidates is None:
        courses = _candidates(
            deputy,
            today=today,
            topic_ids=set(gaps) | set(wishes),
            has_specialties=bool(specialties),
        )
    else:
        # Those ``_candidates`` reads, but for the topics and tiers it asks for: a course no
        # reason applies to is left out below all the same.
        courses = [c for c in candidates if c.capacity is None or c.enrolled_count < c.capacity]
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
    found.sort(
        key=lambda r: (
            RANK[r.kind],
            r.next_session is None,
            r.next_session or date.max,
            r.course.title,
            r.course.pk,
        )
    )
    return found[:limit] if limit is not None else found
