"""The home page's open list (issue #8): its first page comes from the first open courses read
with the deputy's facts and their count, its later pages from all of them; together the pages
list every open course but those recommended above, once each, in order, whatever the page
number asked for."""

import datetime
import re

import pytest
from django.urls import reverse

from core.paging import FirstRows, first_page
from tests.deputies.factories import DeputyWithUserFactory
from tests.training.factories import CourseFactory, CourseSessionFactory
from training.selectors_courses import OPEN_FIRST, OPEN_PER_PAGE, RECOMMENDED_SHOWN

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC), tick=False)


def _open_course(title, day, **kwargs):
    course = CourseFactory(title=title, **kwargs)
    CourseSessionFactory(course=course, date=day)
    return course


def _listed(html: str) -> list[str]:
    """The titles of the open list's rows, in order."""
    part = html.split('id="training-open"', 1)[1].split('<div class="card lv-card', 1)[0]
    return re.findall(r"<strong>([^<]+)</strong>", part)


@pytest.fixture
def courses():
    """Recommended ones spread over the year (new deputies' courses), plain ones between."""
    made = []
    for i in range(27):
        day = TODAY + datetime.timedelta(days=3 + i)
        made.append(_open_course(f"课程{i:02d}", day, for_new=i % 4 == 0))
    return made


def test_the_pages_list_every_open_course_once(client, courses):
    deputy = DeputyWithUserFactory()
    client.force_login(deputy.user)
    recommended = {c.title for c in courses if c.for_new}
    assert len(recommended) > RECOMMENDED_SHOWN  # some of them listed as well
    pages, number = [], 1
    while True:
        response = client.get(reverse("training:home"), {"page": number})
        assert response.status_code == 200
        pages.append(_listed(response.content.decode()))
        if not response.context["page"].has_next():
            break
        number += 1
    shown = [r.course.title for r in response.context["recommended"]]
    assert len(shown) == RECOMMENDED_SHOWN
    listed = [title for page in pages for title in page]
    assert listed == [c.title for c in courses if c.title not in shown]
    assert [len(page) for page in pages] == [OPEN_PER_PAGE, OPEN_PER_PAGE, 2]
    assert response.context["page"].paginator.count == len(courses) - RECOMMENDED_SHOWN


@pytest.mark.parametrize(
    ("asked", "number", "rows"),
    [
        *((asked, 1, OPEN_PER_PAGE) for asked in ("", "abc", "1", "1.5", " 1 ")),
        *((asked, 3, 2) for asked in ("0", "-3", "99")),  # past either end: the last page
    ],
)
def test_any_page_number_shows_a_page(client, courses, asked, number, rows):
    deputy = DeputyWithUserFactory()
    client.force_login(deputy.user)
    response = client.get(reverse("training:home"), {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == number
    assert len(_listed(response.content.decode())) == rows


def test_first_page_reads_as_the_paginator_does():
    assert first_page(None) and first_page("") and first_page("x") and first_page("1")
    assert not first_page("2") and not first_page("0") and not first_page("-1")
    rows = FirstRows(["a", "b"], 40)
    assert len(rows) == 40 and rows[0:10] == ["a", "b"] and rows[1] == "b"
    assert len(FirstRows(["a", "b"], 1)) == 2  # never fewer than the rows read
    assert OPEN_FIRST == OPEN_PER_PAGE + RECOMMENDED_SHOWN
