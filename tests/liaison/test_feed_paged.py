"""The story feed's page read with its count in one statement (``feed_paged``) is the page the
count and the page read apart gave (``feed_count``, ``Paginator.get_page``, ``feed_page``):
the same number, pages, count and stories for every kind of page number and filter, in one
query."""

import pytest
from django.core.paginator import Paginator

from liaison.selectors_stories import feed_count, feed_page, feed_paged
from liaison.views.stories import PER_PAGE
from tests.liaison.test_story_feed_cards import world  # noqa: F401

pytestmark = pytest.mark.django_db
NUMBERS = [None, "", "1", "2", "3", "0", "-1", "999", "abc", "2.0", "1e3", " 2"]


def _former(number, **ids):
    page = Paginator(range(feed_count(**ids)), PER_PAGE).get_page(number)
    offset = page.start_index() - 1 if page.paginator.count else 0
    return page, feed_page(**ids, offset=offset, limit=PER_PAGE)


@pytest.mark.parametrize("number", NUMBERS)
def test_the_page_is_the_former_pages(world, number):  # noqa: F811 (the fixture)
    station, deputy = world
    for ids in ({}, {"station": station.pk}, {"deputy": deputy.pk}, {"station": -5}):
        ours = feed_paged(**ids, number=number, per_page=PER_PAGE)
        former, stories = _former(number, **ids)
        assert (ours.number, ours.paginator.num_pages) == (
            former.number,
            former.paginator.num_pages,
        )
        assert ours.paginator.count == former.paginator.count
        assert list(ours.object_list) == stories, (ids, number)


def test_one_query_for_any_page(world, django_assert_num_queries):  # noqa: F811
    for number in ("1", "2", None, "999", "0", "x"):
        with django_assert_num_queries(1):
            page = feed_paged(number=number, per_page=PER_PAGE)
        assert page.object_list
    with django_assert_num_queries(1):  # no story: the first page's empty read says so
        assert feed_paged(station=-5, number="1", per_page=PER_PAGE).paginator.count == 0
