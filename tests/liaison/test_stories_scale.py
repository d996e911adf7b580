"""generate_scale_data's stories (代表在身边): about one per five deputies in office, each about
deputies of its station's roster, published ones with a time never after now, some drafts and
withdrawn ones; the public feed pages through them."""

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from core import clock
from deputies.models import Deputy
from liaison.models import Story, StoryStatus
from tests.core.scale_pages import grow

pytestmark = pytest.mark.django_db


def test_scale_run_writes_stories_the_services_could_have_written():
    today = clock.today()
    grow(deputies=15, entries_per_deputy=1, suggestions=5, today=today, seed=3)
    serving = Deputy.objects.filter(status="serving").count()
    stories = Story.objects.annotate(n=Count("deputies"))
    assert stories.count() == max(len(StoryStatus.values), serving // 5)
    assert set(stories.values_list("status", flat=True)) == set(StoryStatus.values)
    now = clock.now()
    for story in stories.select_related("station"):
        assert 1 <= story.n <= 3
        assert story.happened_on <= today
        on_roster = set(story.station.deputies.values_list("pk", flat=True))
        assert set(story.deputies.values_list("pk", flat=True)) <= on_roster
        if story.status == StoryStatus.DRAFT:
            assert story.published_at is None
        else:
            assert story.published_at is not None and story.published_at <= now
    response = Client().get(reverse("liaison:story_list"))
    published = Story.objects.published().order_by("-published_at").first()
    assert response.status_code == 200 and published.title in response.content.decode()
