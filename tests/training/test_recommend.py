"""Recommended courses: the reasons come from the deputy's gaps (ledger rules and activities
this year), their survey choices and their tier; only courses they could still join; gap
reasons first; a fixed number of queries whatever the data."""

import datetime

import pytest

from deputies import facts
from performance.models import EntryStatus
from tests.deputies.factories import (
    DeputyWithUserFactory,
    ProfessionalGroupFactory,
    TermFactory,
)
from tests.performance.factories import LedgerEntryFactory, rule_set
from tests.suggestions.helpers import submitted
from tests.training.factories import (
    NOW,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    GapRuleFactory,
    SurveyOptionFactory,
    TopicFactory,
)
from training.models import Course, Track
from training.selectors_courses import HOME, HOME_OPEN, home_rows
from training.selectors_recommend import (
    GAP,
    REASON_GROUP,
    REASON_NEW,
    REASON_REELECTED,
    REASON_SPECIALTY,
    REASON_SURVEY,
    RECOMMEND_FACTS,
    SURVEY,
    TIER,
    Recommendation,
    recommended_courses,
    specialty_match,
    split_terms,
)
from training.services.surveys import survey_submit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)
NO_SUGGESTION = "今年还没有提出建议，建议学习建议撰写"
NO_C01 = "今年还没有建议被立案"


@pytest.fixture
def rules():
    return rule_set(2026)


@pytest.fixture
def writing():
    return TopicFactory(name="建议撰写")


@pytest.fixture
def new_deputy():
    return DeputyWithUserFactory()


@pytest.fixture
def reelected():
    earlier = TermFactory(
        number=16, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2021, 12, 31)
    )
    return DeputyWithUserFactory(first_elected_term=earlier)


def _course(title, **kwargs):
    """A published course of this year with a session ahead, unless told otherwise."""
    sessions = kwargs.pop("sessions", [datetime.date(2026, 7, 1)])
    course = CourseFactory(title=title, **kwargs)
    for day in sessions:
        CourseSessionFactory(course=course, date=day)
    return course


def _titles(recommendations):
    return [r.course.title for r in recommendations]


def _by_title(recommendations):
    return {r.course.title: r for r in recommendations}


def test_a_new_deputy_sees_basics_courses_for_new_deputies(new_deputy, reelected):
    _course("新任代表履职基础", track=Track.BASICS, for_new=True)
    _course("连任代表专题研修", track=Track.TOPICAL, for_reelected=True)
    _course("面向所有人的讲座")  # no target, no topic: no reason
    found = recommended_courses(new_deputy, today=TODAY)
    assert _titles(found) == ["新任代表履职基础"]
    assert found[0].reasons == [REASON_NEW] == ["面向新任代表"]
    assert found[0].kind == TIER and found[0].next_session == datetime.date(2026, 7, 1)
    assert isinstance(found[0], Recommendation)
    again = recommended_courses(reelected, today=TODAY)
    assert _titles(again) == ["连任代表专题研修"]
    assert again[0].reasons == [REASON_REELECTED]


def test_no_suggestion_this_year_points_to_writing_suggestions(new_deputy, writing):
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    _course("建议撰写实务", track=Track.TOPICAL, topic=writing)
    found = recommended_courses(new_deputy, today=TODAY)
    assert _titles(found) == ["建议撰写实务"]
    assert found[0].reasons == [NO_SUGGESTION] and found[0].kind == GAP


def test_a_deputy_who_put_forward_a_suggestion_has_no_such_gap(new_deputy, writing):
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    _course("建议撰写实务", track=Track.TOPICAL, topic=writing)
    submitted(on=datetime.date(2026, 3, 2), today=TODAY, lead_deputy=new_deputy)
    assert recommended_courses(new_deputy, today=TODAY) == []


def test_a_suggestion_of_last_year_does_not_fill_this_year(new_deputy, writing):
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    _course("建议撰写实务", topic=writing)
    submitted(on=datetime.date(2025, 11, 2), today=TODAY, lead_deputy=new_deputy)
    assert _titles(recommended_courses(new_deputy, today=TODAY)) == ["建议撰写实务"]


def test_a_ledger_rule_below_its_minimum_is_a_gap(rules, new_deputy, writing):
    GapRuleFactory(topic=writing, rule_code="C01", min_count=2, reason=NO_C01)
    _course("建议撰写实务", topic=writing)
    LedgerEntryFactory(code="C01", year=2026, deputy=new_deputy)
    assert recommended_courses(new_deputy, today=TODAY)[0].reasons == [NO_C01]  # 1 < 2
    LedgerEntryFactory(code="C01", year=2026, deputy=new_deputy)
    assert recommended_courses(new_deputy, today=TODAY) == []


def test_inactive_rules_and_unknown_activities_say_nothing(new_deputy, writing):
    GapRuleFactory(topic=writing, rule_code="C01", is_active=False, reason=NO_C01)
    GapRuleFactory(topic=writing, rule_code="", activity="no-such-counter", reason="不会出现")
    _course("建议撰写实务", topic=writing)
    assert recommended_courses(new_deputy, today=TODAY) == []


def test_survey_choices_point_to_their_topic(new_deputy, writing):
    option = SurveyOptionFactory(text="提高建议质量", topic=writing)
    SurveyOptionFactory(question=option.question, text="其他")
    survey_submit(
        survey=option.question.survey,
        deputy=new_deputy,
        answers={option.question_id: [option.pk]},
        actor=new_deputy.user,
        now=NOW,
    )
    _course("建议撰写实务", topic=writing)
    found = recommended_courses(new_deputy, today=TODAY)
    assert found[0].reasons == [REASON_SURVEY % {"option": "提高建议质量"}]
    assert found[0].reasons == ["您在需求调查中选择了“提高建议质量”"]
    assert found[0].kind == SURVEY
    other = DeputyWithUserFactory()
    assert recommended_courses(other, today=TODAY) == []  # another deputy's choice


def test_group_and_specialty_tiers(reelected):
    group = ProfessionalGroupFactory(name="法治专业代表小组")
    reelected.group = group
    reelected.specialties = "法律服务、人民调解， 医疗"
    reelected.save()
    law = _course("基层法治实务")
    law.groups.add(group)
    _course("医疗卫生监督", specialty_keywords="医疗卫生；公共卫生")
    _course("财经预算审查", specialty_keywords="财经,预算")
    found = _by_title(recommended_courses(reelected, today=TODAY))
    assert set(found) == {"基层法治实务", "医疗卫生监督"}
    assert found["基层法治实务"].reasons == [REASON_GROUP % {"group": "法治专业代表小组"}]
    assert found["基层法治实务"].reasons == ["面向法治专业代表小组"]
    assert found["医疗卫生监督"].reasons == [REASON_SPECIALTY % {"specialty": "医疗"}]


def test_courses_the_deputy_cannot_join_are_never_recommended(new_deputy):
    _course("可以报名", for_new=True)
    EnrollmentFactory(course=_course("已报名", for_new=True), deputy=new_deputy)
    full = _course("名额已满", for_new=True, capacity=2)
    Course.objects.filter(pk=full.pk).update(enrolled_count=2)
    _course("尚有名额", for_new=True, capacity=2)
    _course("报名截止", for_new=True, enrol_until=datetime.date(2026, 5, 31))
    _course("去年的课", for_new=True, year=2025)
    _course("明年的课", for_new=True, year=2027)
    _course("未发布", for_new=True, is_published=False)
    _course("已结束", for_new=True, sessions=[datetime.date(2026, 5, 20)])
    _course("线上自学", for_new=True, sessions=[])
    _course("今天上课", for_new=True, sessions=[datetime.date(2026, 5, 1), TODAY])
    _course("今天截止报名", for_new=True, enrol_until=TODAY)
    EnrollmentFactory(course=_course("别人报了", for_new=True))
    found = _titles(recommended_courses(new_deputy, today=TODAY))
    assert sorted(found) == sorted(
        ["可以报名", "尚有名额", "线上自学", "今天上课", "今天截止报名", "别人报了"]
    )


def test_a_deputy_out_of_office_gets_nothing(new_deputy):
    _course("新任代表履职基础", for_new=True)
    new_deputy.status = "resigned"
    new_deputy.status_date = datetime.date(2026, 5, 1)
    new_deputy.status_reason = "工作调动"
    new_deputy.save()
    assert recommended_courses(new_deputy, today=TODAY) == []


def test_gap_first_then_survey_then_tier_then_the_next_session(new_deputy, writing):
    asking = TopicFactory(name="接待选民")
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    option = SurveyOptionFactory(text="接待技巧", topic=asking)
    survey_submit(
        survey=option.question.survey,
        deputy=new_deputy,
        answers={option.question_id: [option.pk]},
        actor=new_deputy.user,
        now=NOW,
    )
    _course("面向新任 早", for_new=True, sessions=[datetime.date(2026, 6, 2)])
    _course("面向新任 晚", for_new=True, sessions=[datetime.date(2026, 9, 1)])
    _course("面向新任 无课次", for_new=True, sessions=[])
    _course("接待实务", topic=asking, sessions=[datetime.date(2026, 12, 1)])
    _course("建议撰写 晚", topic=writing, sessions=[datetime.date(2026, 11, 1)])
    _course("建议撰写 早", topic=writing, for_new=True, sessions=[datetime.date(2026, 8, 1)])
    found = recommended_courses(new_deputy, today=TODAY)
    assert _titles(found) == [
        "建议撰写 早",
        "建议撰写 晚",
        "接待实务",
        "面向新任 早",
        "面向新任 晚",
        "面向新任 无课次",
    ]
    assert found[0].reasons == [NO_SUGGESTION, REASON_NEW]  # gap first, then the tier
    assert _titles(recommended_courses(new_deputy, today=TODAY, limit=2)) == [
        "建议撰写 早",
        "建议撰写 晚",
    ]


def test_the_same_reason_is_given_once(new_deputy, writing):
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    _course("建议撰写实务", topic=writing)
    assert recommended_courses(new_deputy, today=TODAY)[0].reasons == [NO_SUGGESTION]


def test_splitting_and_matching_specialties():
    assert split_terms("法律、医疗，教育;财经；  环保 法律") == [
        "法律",
        "医疗",
        "教育",
        "财经",
        "环保",
    ]
    assert split_terms("") == []
    assert specialty_match("医疗", ["医疗卫生"]) == "医疗卫生"
    assert specialty_match("公共卫生、医疗卫生", ["医疗"]) == "医疗"
    assert specialty_match("财经", ["医疗"]) is None


def _world(n, writing, asking, group):
    """n of everything: courses of each kind, sessions, other deputies' enrolments, answers,
    ledger entries and suggestions of other deputies."""
    for i in range(n):
        _course(f"新任{i}", for_new=True, sessions=[datetime.date(2026, 7, 1 + i)])
        _course(f"建议{i}", topic=writing, sessions=[datetime.date(2026, 8, 1 + i)])
        _course(f"接待{i}", topic=asking, sessions=[])
        grouped = _course(f"小组{i}", sessions=[datetime.date(2026, 9, 1 + i)])
        grouped.groups.add(group)
        _course(f"专长{i}", specialty_keywords="法律")
        other = DeputyWithUserFactory()
        EnrollmentFactory(course=grouped, deputy=other)
        LedgerEntryFactory(code="B03", year=2026, deputy=other)
        submitted(on=datetime.date(2026, 3, 2), today=TODAY, lead_deputy=other)


@pytest.mark.parametrize("n", [1, 6])
def test_a_fixed_number_of_queries_whatever_the_data(
    rules, new_deputy, writing, n, django_assert_num_queries
):
    asking = TopicFactory(name="接待选民")
    group = ProfessionalGroupFactory(name="法治专业代表小组")
    new_deputy.group = group
    new_deputy.specialties = "法律"
    new_deputy.save()
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    GapRuleFactory(topic=asking, rule_code="B03", reason="今年还没有进站接待选民")
    option = SurveyOptionFactory(text="接待技巧", topic=asking)
    survey_submit(
        survey=option.question.survey,
        deputy=new_deputy,
        answers={option.question_id: [option.pk]},
        actor=new_deputy.user,
        now=NOW,
    )
    _world(n, writing, asking, group)
    new_deputy.refresh_from_db()  # nothing cached: the group's name is read once
    # rules, ledger counts, suggestions (led, co-signed), survey choices, courses, group name
    with django_assert_num_queries(7):
        found = recommended_courses(new_deputy, today=TODAY)
    assert len(found) == 5 * n
    assert {r.kind for r in found} == {GAP, TIER}  # 接待 courses carry both gap and survey
    assert found[0].course.title == "建议0" and found[0].reasons == [NO_SUGGESTION]


def _answer(deputy, option):
    survey_submit(
        survey=option.question.survey,
        deputy=deputy,
        answers={option.question_id: [option.pk]},
        actor=deputy.user,
        now=NOW,
    )


@pytest.mark.parametrize("n", [1, 4])
def test_with_the_deputys_facts_the_courses_are_the_only_query(
    rules, new_deputy, reelected, writing, n, django_assert_num_queries
):
    """The deputy's own pages pass their facts: the same recommendations and reasons, in the
    same order, the rules, ledger codes, activities and survey choices read with the facts."""
    asking = TopicFactory(name="接待选民")
    group = ProfessionalGroupFactory(name="法治专业代表小组")
    for deputy in (new_deputy, reelected):
        deputy.group, deputy.specialties = group, "法律"
        deputy.save()
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    GapRuleFactory(topic=asking, rule_code="B03", reason="今年还没有进站接待选民", order=5)
    GapRuleFactory(topic=writing, rule_code="C01", min_count=2, reason=NO_C01, order=5)
    for text in ("接待技巧", "建议写作"):
        _answer(new_deputy, SurveyOptionFactory(text=text, topic=asking))
    _answer(reelected, SurveyOptionFactory(text="写作", topic=writing))
    # reelected: a pending B03 counts, a rejected C01 does not
    LedgerEntryFactory(
        code="B03", year=2026, deputy=reelected, status=EntryStatus.PENDING, reviewed_at=None
    )
    LedgerEntryFactory(
        code="C01", year=2026, deputy=reelected, status=EntryStatus.REJECTED, review_reason="无"
    )
    _world(n, writing, asking, group)
    for deputy in (new_deputy, reelected):
        deputy.refresh_from_db()
        expected = recommended_courses(deputy, today=TODAY)
        known = facts.read_facts(deputy, TODAY, keys=RECOMMEND_FACTS)
        with django_assert_num_queries(1):  # the courses (the group's name came with the facts)
            found = recommended_courses(deputy, today=TODAY, facts=known)
        assert [(r.course.pk, r.reasons, r.kind) for r in found] == [
            (r.course.pk, r.reasons, r.kind) for r in expected
        ]
        assert found
    reasons = {reason for r in found for reason in r.reasons}  # the re-elected deputy's
    assert "今年还没有进站接待选民" not in reasons and NO_C01 in reasons


@pytest.mark.parametrize("n", [1, 4])
def test_the_first_few_with_the_facts_are_the_first_of_all(
    rules, new_deputy, reelected, writing, n, django_assert_num_queries
):
    """A page showing the first few recommendations (the dashboard one, the home page five)
    with the deputy's facts: the first of those ``recommended_courses`` finds on its own, in
    one query; a full course is listed among the open ones, never recommended; a deputy
    without a group too."""
    asking = TopicFactory(name="接待选民")
    group = ProfessionalGroupFactory(name="法治专业代表小组")
    new_deputy.group, new_deputy.specialties = group, "法律"
    new_deputy.save()
    reelected.specialties = "法律"
    reelected.save()
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason=NO_SUGGESTION)
    GapRuleFactory(topic=asking, rule_code="B03", reason="今年还没有进站接待选民", order=5)
    _answer(new_deputy, SurveyOptionFactory(text="接待技巧", topic=asking))
    _answer(reelected, SurveyOptionFactory(text="写作", topic=writing))
    _world(n, writing, asking, group)
    full = _course("名额已满", for_new=True, capacity=1, topic=writing)
    Course.objects.filter(pk=full.pk).update(enrolled_count=1)
    EnrollmentFactory(course=_course("已报名", for_new=True, topic=asking), deputy=new_deputy)
    for deputy in (new_deputy, reelected):
        deputy.refresh_from_db()
        expected = recommended_courses(deputy, today=TODAY)
        assert full.pk not in {r.course.pk for r in expected}
        known = facts.read_facts(deputy, TODAY, keys=(HOME, HOME_OPEN, *RECOMMEND_FACTS))
        assert full.pk in {c.pk for c in home_rows(known).courses}  # listed
        for limit in (1, 5):
            with django_assert_num_queries(1):
                found = recommended_courses(deputy, today=TODAY, facts=known, limit=limit)
            assert [(r.course.pk, r.reasons, r.kind, r.next_session) for r in found] == [
                (r.course.pk, r.reasons, r.kind, r.next_session) for r in expected[:limit]
            ]
            assert found
