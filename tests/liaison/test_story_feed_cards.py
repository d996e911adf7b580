"""The public feed's cards, read in one query (``feed_page``) and written from their values,
are the cards ``{% story_card %}`` writes from the story's model rows: the same HTML, page by
page and with each filter; the feed reads the count and the page (two queries)."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.models import Story, StoryStatus
from liaison.selectors_stories import _with_card_relations
from liaison.views.stories import PER_PAGE
from tests.deputies.factories import DeputyFactory
from tests.liaison.factories import StationFactory, StoryFactory, StoryPhotoFactory

pytestmark = pytest.mark.django_db
URL = reverse("liaison:story_list")
CARD = Template('{% load story_cards %}<div class="col">{% story_card story %}</div>')


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = StationFactory(name="东 <站>")
    a, b, c = DeputyFactory(code="B002"), DeputyFactory(code="A001"), DeputyFactory(code="C003")
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for i in range(PER_PAGE + 3):
        story = StoryFactory(
            title=f"故事 {i} & <b>",
            body="\n\n" + ("很长的第一段" * 20 if i % 2 else f"第一段 {i}") + "\n  第二段  \n",
            station=station if i % 3 else None,
            deputies=[a, b, c][: i % 4],
            published=True,
            published_at=base + datetime.timedelta(days=i % 5),  # ties: by id
            happened_on=datetime.date(2026, 1, 1 + i),
        )
        for k in range(i % 3):
            StoryPhotoFactory(story=story, caption="" if k else f"封面 {i}", order=2 - k)
    StoryFactory(title="草稿", deputies=[a])
    StoryFactory(
        title="撤回",
        status=StoryStatus.WITHDRAWN,
        published_at=base,
        deputies=[a],
    )
    return station, a


def _former_cards(**filters) -> list[str]:
    stories = Story.objects.published()
    for name, value in filters.items():
        stories = stories.filter(**{name: value})
    stories = _with_card_relations(stories.order_by("-published_at", "-id"))
    return [CARD.render(Context({"story": story})) for story in stories]


def test_the_cards_are_the_tags_cards(client, world):
    station, deputy = world
    for params, filters in (
        ({}, {}),
        ({"station": station.pk}, {"station": station}),
        ({"deputy": deputy.code}, {"deputies": deputy}),
        ({"deputy": deputy.code, "station": station.pk}, {"station": station, "deputies": deputy}),
    ):
        expected = _former_cards(**filters)
        shown = []
        for number in (1, 2, 3):
            response = client.get(URL, {**params, "page": number})
            html = response.content.decode()
            page = response.context["page"]
            cards = expected[(page.number - 1) * PER_PAGE : page.number * PER_PAGE]
            assert "".join(cards) in html, (params, number)
            if page.number == number:
                shown += cards
        assert shown == expected


def test_the_feed_reads_the_page_with_its_count(client, world):
    """One statement (``feed_paged``): the page's rows carry the feed's count, and a page past
    the end or below one reads the last page."""
    client.get(URL)  # the site's settings and the like, read once per process: warm
    for params in ({}, {"page": 2}, {"page": 999}, {"page": "-1"}, {"page": "x"}):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        reads = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]  # atomic requests
        assert len(reads) == 1, params
