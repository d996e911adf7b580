"""The first few recommendations are read ranked in SQL (issue #8): a page showing one or five
reads those and ``SPARE_ROWS`` more, however many courses are open, and gets what ranking all
of them gives; a course whose only claim is its specialty keywords may be left out, and when
too many of those fill the rows read, the rest are read after all. A course's page asks for
its own course only."""

import datetime

import pytest

from core.sql import CodepointOrder
from tests.deputies.factories import DeputyWithUserFactory, ProfessionalGroupFactory
from tests.training.factories import (
    CourseFactory,
    CourseSessionFactory,
    GapRuleFactory,
    TopicFactory,
)
from training import selectors_recommend
from training.models import Course
from training.selectors_recommend import SPARE_ROWS, recommended_courses

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def _course(title, day=None, **kwargs):
    course = CourseFactory(title=title, **kwargs)
    if day is not None:
        CourseSessionFactory(course=course, date=day)
    return course


def _seen(found):
    return [(r.course.pk, r.reasons, r.kind, r.next_session) for r in found]


@pytest.fixture
def deputy():
    group = ProfessionalGroupFactory(name="法治专业代表小组")
    return DeputyWithUserFactory(group=group, specialties="法律")


@pytest.fixture
def read_rows(monkeypatch):
    """How many rows each read of the candidates asked for (None: all)."""
    asked = []
    read = selectors_recommend._candidates

    def counted(*args, rows=None, **kwargs):
        asked.append(rows)
        return read(*args, rows=rows, **kwargs)

    monkeypatch.setattr(selectors_recommend, "_candidates", counted)
    return asked


def test_the_first_few_are_read_and_ranked_as_all_of_them(deputy, read_rows):
    """Gap topics first, then the tier's, by next session (none last), title by code point
    (Latin before Chinese, as Python sorts), id; ties on the day broken by title."""
    writing = TopicFactory(name="建议撰写")
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason="写建议")
    _course("乙 讲座", datetime.date(2026, 7, 1), for_reelected=True, for_new=True)
    _course("A 讲座", datetime.date(2026, 7, 1), for_new=True)
    _course("甲 讲座", datetime.date(2026, 6, 20), for_new=True)
    _course("无课次", None, for_new=True)
    _course("建议撰写入门", datetime.date(2026, 9, 1), topic=writing)
    grouped = _course("小组专题", datetime.date(2026, 6, 10))
    grouped.groups.add(deputy.group)
    for i in range(8):
        _course(f"后面的课{i}", datetime.date(2026, 10, 1 + i), for_new=True)
    everything = recommended_courses(deputy, today=TODAY)
    assert [r.course.title for r in everything[:6]] == [
        "建议撰写入门",
        "小组专题",
        "甲 讲座",
        "A 讲座",
        "乙 讲座",
        "后面的课0",
    ]
    assert everything[-1].course.title == "无课次"
    read_rows.clear()
    for limit in (1, 2, 5):
        assert _seen(recommended_courses(deputy, today=TODAY, limit=limit)) == _seen(
            everything[:limit]
        )
    assert read_rows == [1 + SPARE_ROWS, 2 + SPARE_ROWS, 5 + SPARE_ROWS]


def test_specialty_courses_that_do_not_match_make_it_read_the_rest(deputy, read_rows):
    """Courses whose only claim is their keywords come first by date; none matches the
    deputy's specialty, so the few read give no recommendation and the rest are read."""
    for i in range(SPARE_ROWS + 2):
        _course(f"关键词{i}", datetime.date(2026, 6, 2 + i), specialty_keywords="医疗、教育")
    matching = _course("法律实务", datetime.date(2026, 8, 1), specialty_keywords="法律")
    later = _course("新任培训", datetime.date(2026, 9, 1), for_new=True)
    found = recommended_courses(deputy, today=TODAY, limit=2)
    assert [r.course.pk for r in found] == [matching.pk, later.pk]
    assert read_rows == [2 + SPARE_ROWS, None]


def test_fewer_courses_than_read_is_one_read(deputy, read_rows):
    _course("新任培训", datetime.date(2026, 9, 1), for_new=True)
    _course("不相关", datetime.date(2026, 9, 1), specialty_keywords="医疗")
    assert len(recommended_courses(deputy, today=TODAY, limit=5)) == 1
    assert read_rows == [5 + SPARE_ROWS]


def test_a_courses_page_reads_its_own_course(deputy, read_rows):
    writing = TopicFactory(name="建议撰写")
    GapRuleFactory(topic=writing, rule_code="", activity="suggestions", reason="写建议")
    wanted = _course("建议撰写入门", datetime.date(2026, 9, 1), topic=writing, for_new=True)
    _course("新任培训", datetime.date(2026, 7, 1), for_new=True)
    plain = _course("不相关", datetime.date(2026, 7, 1))
    everything = {r.course.pk: r for r in recommended_courses(deputy, today=TODAY)}
    (own,) = recommended_courses(deputy, today=TODAY, course_id=wanted.pk)
    assert own.course.pk == wanted.pk and own.reasons == everything[wanted.pk].reasons
    assert own.reasons[0] == "写建议"
    assert recommended_courses(deputy, today=TODAY, course_id=plain.pk) == []


def test_codepoint_order_sorts_as_python(db):
    titles = ["乙", "A", "甲", "b", "B", "中文", "Z", "一"]
    for title in titles:
        CourseFactory(title=title)
    read = list(
        Course.objects.order_by(CodepointOrder("title"), "pk").values_list("title", flat=True)
    )
    assert read == sorted(titles)
