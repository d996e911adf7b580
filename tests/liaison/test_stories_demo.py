"""The demo's stories (代表在身边): more than a page of published ones, each about a deputy of
its station, with photos, dated before the seeding day, at every station, and the draft about
d001; the public feed has a second page; a second run adds nothing."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.demo import DemoContext
from deputies import demo as deputies_demo
from liaison.demo import stations as stations_demo
from liaison.demo import stories as stories_demo
from liaison.models import Station, Story, StoryPhoto, StoryStatus
from liaison.views.stories import PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _seed(today: datetime.date) -> None:
    context = DemoContext(today=today)
    deputies_demo.seed(context)
    stations_demo.seed(context)
    stories_demo.seed(context)


@pytest.mark.parametrize("today", [datetime.date(2027, 1, 3), datetime.date(2028, 2, 29)])
def test_more_than_a_page_of_stories_on_any_date_and_twice(media, today):
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        _seed(today)
        counts = (Story.objects.count(), StoryPhoto.objects.count())
        _seed(today)
        assert (Story.objects.count(), StoryPhoto.objects.count()) == counts

        published = Story.objects.filter(status=StoryStatus.PUBLISHED)
        assert published.count() == len(stories_demo.STORIES) >= 12 > PER_PAGE
        assert Story.objects.filter(status=StoryStatus.DRAFT).count() == 1
        assert len({s.title for s in published}) == published.count()
        for story in published.prefetch_related("deputies", "photos"):
            assert story.happened_on < today and story.published_at.date() <= today
            assert story.photos.exists()
            roster = set(story.station.deputies.values_list("pk", flat=True))
            assert story.deputies.exists()
            assert {d.pk for d in story.deputies.all()} <= roster
        assert set(published.values_list("station", flat=True)) == set(
            Station.objects.values_list("pk", flat=True)
        )

        client = Client()
        first = client.get(reverse("liaison:story_list")).content.decode()
        second = client.get(reverse("liaison:story_list"), {"page": 2}).content.decode()
    newest = published.order_by("-published_at", "-id")
    assert newest[0].title in first and newest[PER_PAGE - 1].title in first
    assert newest[PER_PAGE].title in second and newest[PER_PAGE].title not in first
