"""代表在身边 and the stations' public pages, as residents see them: only published stories, a
draft a 404 for the public and for other deputies (the deputy it is about may preview it),
photos only of published stories, odd filters ignored, a fixed number of queries at 5 and at
500 stories, and no phone number, birth date or e-mail of a deputy on any public page."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from liaison.models import Story, StoryPhoto, StoryStatus
from performance.models import Publication
from tests.core.crawler import walk
from tests.deputies.factories import DeputyWithUserFactory, ProfessionalGroupFactory
from tests.liaison.factories import (
    DutyFactory,
    ReceptionDayFactory,
    StationFactory,
    StoryFactory,
    StoryPhotoFactory,
)

pytestmark = pytest.mark.django_db

SECRET_MOBILE = "13987654321"
SECRET_BIRTH = datetime.date(1975, 3, 21)
SECRET_EMAIL = "private-deputy@example.com"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def stories(deputy, other_deputy, media):
    """A published story about ``deputy`` with a photo, a draft about them with a photo, and a
    withdrawn one."""
    published = StoryFactory(title="已发布的好故事", deputies=[deputy], published=True)
    draft = StoryFactory(title="还在写的草稿", deputies=[deputy])
    withdrawn = StoryFactory(
        title="撤回的故事",
        deputies=[deputy],
        status=StoryStatus.WITHDRAWN,
        published_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    return {
        "published": published,
        "draft": draft,
        "withdrawn": withdrawn,
        "published_photo": StoryPhotoFactory(story=published),
        "draft_photo": StoryPhotoFactory(story=draft),
    }


# --- the feed and a story ------------------------------------------------------------------


def test_feed_shows_only_published_newest_first(stories):
    newer = StoryFactory(
        title="更新的故事",
        deputies=list(stories["published"].deputies.all()),
        published=True,
        published_at=datetime.datetime(2026, 11, 15, tzinfo=datetime.UTC),
    )
    html = client_for().get(reverse("liaison:story_list")).content.decode()
    assert "已发布的好故事" in html and newer.title in html
    assert html.index(newer.title) < html.index("已发布的好故事")
    assert "还在写的草稿" not in html and "撤回的故事" not in html


def test_feed_filters_by_station_and_deputy(deputy, other_deputy):
    station = StationFactory()
    StoryFactory(title="站里的故事", deputies=[other_deputy], station=station, published=True)
    StoryFactory(title="甲的故事", deputies=[deputy], published=True)
    url = reverse("liaison:story_list")
    html = client_for().get(url, {"station": station.pk}).content.decode()
    assert "站里的故事" in html and "甲的故事" not in html
    html = client_for().get(url, {"deputy": deputy.code}).content.decode()
    assert "甲的故事" in html and "站里的故事" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"station": "abc"},
        {"station": "99999999999999999999"},
        {"station": "٣"},
        {"deputy": "\x00"},
        {"deputy": "NOBODY"},
        {"page": "-1"},
        {"page": "x"},
        {"page": "99999"},
        {"station": "", "deputy": "", "page": ""},
    ],
)
def test_odd_filters_are_ignored(params, deputy):
    StoryFactory(title="总能看到", deputies=[deputy], published=True)
    response = client_for().get(reverse("liaison:story_list"), params)
    assert response.status_code == 200
    assert "总能看到" in response.content.decode()


def test_story_page_escapes_the_body(deputy):
    story = StoryFactory(
        deputies=[deputy], body="第一段<script>alert(1)</script>\n第二段", published=True
    )
    html = client_for().get(reverse("liaison:story_detail", args=[story.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html and "<p>第二段</p>" in html


@pytest.mark.parametrize("who", ["anonymous", "other_deputy", "unit"])
@pytest.mark.parametrize("which", ["draft", "withdrawn"])
def test_unpublished_story_is_a_404(stories, who, which, other_deputy, unit_user):
    user = {"anonymous": None, "other_deputy": other_deputy.user, "unit": unit_user}[who]
    response = client_for(user).get(reverse("liaison:story_detail", args=[stories[which].pk]))
    assert response.status_code == 404
    assert stories[which].title not in response.content.decode()


def test_the_deputy_previews_a_draft_about_them_but_not_a_withdrawn_one(stories, deputy):
    client = client_for(deputy.user)
    response = client.get(reverse("liaison:story_detail", args=[stories["draft"].pk]))
    assert response.status_code == 200
    assert "预览" in response.content.decode()
    response = client.get(reverse("liaison:story_detail", args=[stories["withdrawn"].pk]))
    assert response.status_code == 404


def test_staff_preview_every_story(stories, staff_user):
    client = client_for(staff_user)
    for key in ("draft", "withdrawn"):
        response = client.get(reverse("liaison:story_detail", args=[stories[key].pk]))
        assert response.status_code == 200
        assert stories[key].title in response.content.decode()


# --- photos --------------------------------------------------------------------------------


def test_photo_of_a_published_story_is_public(stories):
    response = client_for().get(
        reverse("liaison:story_photo", args=[stories["published_photo"].pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_photo_of_a_draft_is_a_404_except_for_its_deputy_and_staff(
    stories, deputy, other_deputy, staff_user
):
    url = reverse("liaison:story_photo", args=[stories["draft_photo"].pk])
    assert client_for().get(url).status_code == 404
    assert client_for(other_deputy.user).get(url).status_code == 404
    response = client_for(deputy.user).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert client_for(staff_user).get(url).status_code == 200


def test_photo_goes_with_its_story_when_withdrawn(stories, staff_user):
    from liaison.services.stories import story_withdraw

    url = reverse("liaison:story_photo", args=[stories["published_photo"].pk])
    story_withdraw(stories=[stories["published"]], actor=staff_user)
    assert client_for().get(url).status_code == 404


# --- the station's page --------------------------------------------------------------------


def station_world(deputy, other_deputy):
    today = clock.today()
    station = StationFactory(name="公开页联络站")
    station.deputies.add(deputy, other_deputy)
    coming = ReceptionDayFactory(station=station, date=today + datetime.timedelta(days=1))
    DutyFactory(reception_day=coming, deputy=deputy)
    DutyFactory(reception_day=coming, deputy=other_deputy)
    far = ReceptionDayFactory(station=station, date=today + datetime.timedelta(days=30))
    DutyFactory(reception_day=far, deputy=deputy)
    Publication.objects.create(
        year=today.year,
        quarter=1,
        rows=[{"code": deputy.code, "rank": 3, "total": "88.5", "duty_days": 12}],
    )
    return station


def test_station_page_shows_duties_achievements_and_stories(deputy, other_deputy, stories):
    station = station_world(deputy, other_deputy)
    html = client_for().get(reverse("liaison:station_detail", args=[station.pk])).content.decode()
    assert "公开页联络站" in html
    assert html.count(deputy.name) >= 2  # on duty and among the station's deputies
    assert "88.5" in html and "第 3 名" in html
    assert "已发布的好故事" in html  # a story about one of its deputies
    assert "还在写的草稿" not in html and "撤回的故事" not in html
    assert reverse("liaison:story_list") in html


def test_closed_station_is_a_404_for_the_public(staff_user):
    station = StationFactory(is_active=False)
    url = reverse("liaison:station_detail", args=[station.pk])
    assert client_for().get(url).status_code == 404
    assert client_for(staff_user).get(url).status_code == 200
    assert station.name not in client_for().get(reverse("liaison:station_list")).content.decode()


# --- query counts at two sizes -------------------------------------------------------------


def add_stories(n: int, *, deputies, station) -> None:
    """``n`` published stories about ``deputies`` at ``station``, each with two photo rows."""
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    start = Story.objects.count()
    rows = Story.objects.bulk_create(
        Story(
            title=f"批量故事{start + i}",
            body="正文",
            station=station,
            happened_on=datetime.date(2026, 1, 1),
            status=StoryStatus.PUBLISHED,
            published_at=base + datetime.timedelta(minutes=start + i),
        )
        for i in range(n)
    )
    Story.deputies.through.objects.bulk_create(
        Story.deputies.through(story=story, deputy=d) for story in rows for d in deputies
    )
    StoryPhoto.objects.bulk_create(
        StoryPhoto(story=story, image=f"liaison/stories/2026/x{story.pk}-{k}.jpg", order=k)
        for story in rows
        for k in range(2)
    )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["feed", "station", "story"])
def test_query_count_is_the_same_at_5_and_500_stories(page, deputy, other_deputy):
    deputy.group = ProfessionalGroupFactory()
    deputy.save()
    station = station_world(deputy, other_deputy)
    add_stories(5, deputies=[deputy, other_deputy], station=station)
    urls = {
        "feed": reverse("liaison:story_list"),
        "station": reverse("liaison:station_detail", args=[station.pk]),
        "story": reverse("liaison:story_detail", args=[Story.objects.first().pk]),
    }
    client = client_for()
    queries(client, urls[page])  # sessions, caches: warm
    small = queries(client, urls[page])
    more = [DeputyWithUserFactory() for _ in range(3)]
    add_stories(495, deputies=[deputy, other_deputy, *more], station=station)
    station.deputies.add(*more)
    assert queries(client, urls[page]) == small


# --- nothing private on any public page ----------------------------------------------------


def secret_world(media):
    """Deputies with a phone, a birth date and an e-mail on every public face: a station with
    them on duty and published, stories with photos, a suggestion's public rating page."""
    from tests.suggestions import helpers

    deputy = DeputyWithUserFactory(
        mobile=SECRET_MOBILE, birth_date=SECRET_BIRTH, email=SECRET_EMAIL, name="公开代表"
    )
    other = DeputyWithUserFactory(
        mobile="13900001111", birth_date=datetime.date(1980, 12, 2), email="b@example.com"
    )
    station = station_world(deputy, other)
    story = StoryFactory(deputies=[deputy, other], station=station, published=True)
    StoryPhotoFactory(story=story)
    suggestion = helpers.replied(lead_deputy=deputy)
    secrets = [
        SECRET_MOBILE,
        SECRET_MOBILE[3:],
        SECRET_EMAIL,
        SECRET_BIRTH.isoformat(),
        "1975年3月21日",
        "1975年03月21日",
        "13900001111",
        "b@example.com",
        "1980-12-02",
    ]
    starts = [
        reverse("liaison:story_list"),
        reverse("liaison:story_detail", args=[story.pk]),
        reverse("liaison:station_list"),
        reverse("liaison:station_detail", args=[station.pk]),
        reverse("liaison:opinion_station", args=[station.pk]),
        reverse("liaison:opinion_deputy", args=[deputy.code]),
        reverse("suggestions:rate", args=[suggestion.public_token]),
        reverse("liaison:track"),
    ]
    return secrets, starts


def test_no_private_field_on_any_public_page(media):
    secrets, starts = secret_world(media)
    client = client_for()
    seen = []
    for url, response in walk(client, starts, limit=80):
        assert response.status_code < 500, url
        seen.append(url)
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            for secret in secrets:
                assert secret not in html, (url, secret)
    assert any("/stories/" in url for url in seen) and any("/stations/" in url for url in seen)
    assert len(seen) >= len(starts)
