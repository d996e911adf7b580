"""Reads for the public faces: the stories feed (代表在身边), one story, and a station's public
page (its deputies on duty, their published achievements, the stories about them).

Every list loads deputies with their public fields only (``PUBLIC_DEPUTY_FIELDS``): the
templates could not show a phone number or a birth date even by mistake, because the rows do
not carry them. Each read is a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet

from accounts.roles import Role, user_has_role
from deputies.models import Deputy, Status
from performance.public import PublishedAchievement, published_achievements

from .models import Duty, ReceptionDay, Station, Story, StoryPhoto, StoryStatus

# What a resident may see of a deputy (亮身份): never mobile, email, birth date, workplace notes.
PUBLIC_DEPUTY_FIELDS = ("id", "code", "name", "level", "photo", "status", "group__name")
LEVEL_ORDER = {"province": 0, "city": 1, "district": 2, "street": 3}
STATION_STORIES = 6
# What a story's card reads of the story and its station.
CARD_FIELDS = ("id", "title", "body", "happened_on", "station__id", "station__name")


def public_deputies() -> QuerySet[Deputy]:
    return Deputy.objects.select_related("group").only(*PUBLIC_DEPUTY_FIELDS)


def _with_relations(stories: QuerySet[Story]) -> QuerySet[Story]:
    return stories.select_related("station").prefetch_related(
        Prefetch("deputies", queryset=public_deputies().order_by("code")),
        Prefetch("photos", queryset=StoryPhoto.objects.order_by("order", "id")),
    )


def _with_card_relations(stories: QuerySet[Story]) -> QuerySet[Story]:
    """What a story's card shows (``{% story_card %}``) and no more: the station's name, the
    deputies' names (in code order), the photos' keys and captions (the first is the cover)."""
    return (
        stories.select_related("station")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch("deputies", queryset=Deputy.objects.only("id", "name").order_by("code")),
            Prefetch(
                "photos",
                queryset=StoryPhoto.objects.only("id", "story_id", "caption").order_by(
                    "order", "id"
                ),
            ),
        )
    )


def story_feed(*, station: Station | None = None, deputy: Deputy | None = None):
    """Published stories, newest first, optionally about one station or one deputy."""
    stories = Story.objects.published()
    if station is not None:
        stories = stories.filter(station=station)
    if deputy is not None:
        stories = stories.filter(deputies=deputy)
    return _with_card_relations(stories.order_by("-published_at", "-id"))


def may_preview(user, story: Story) -> bool:
    """Who may open a story that is not published: staff any; a deputy a draft about them
    (to check it before it goes out). Everyone else gets 404."""
    if story.status == StoryStatus.PUBLISHED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user_has_role(user, Role.STAFF):
        return True
    deputy = getattr(user, "deputy", None)
    return (
        story.status == StoryStatus.DRAFT
        and deputy is not None
        and user_has_role(user, Role.DEPUTY)
        and story.deputies.filter(pk=deputy.pk).exists()
    )


def story_for(user, pk: int) -> Story | None:
    """The story ``pk`` with its deputies, station and photos if ``user`` may read it."""
    story = _with_relations(Story.objects.filter(pk=pk)).first()
    if story is None or not may_preview(user, story):
        return None
    return story


@dataclass(frozen=True)
class OnDuty:
    day: ReceptionDay
    deputies: list[Deputy]


@dataclass(frozen=True)
class StationDeputy:
    deputy: Deputy
    achievement: PublishedAchievement | None


@dataclass(frozen=True)
class StationPage:
    station: Station
    on_duty: list[OnDuty]
    deputies: list[StationDeputy]
    stories: list[Story]
    week_end: date


def station_page(station: Station, *, today: date, year: int) -> StationPage:
    """The station's public page: reception days from today to the end of next week with the
    deputies on duty, its serving deputies with this year's published row (晒成绩), and the
    latest published stories told at the station or about its deputies."""
    week_end = today - timedelta(days=today.weekday()) + timedelta(days=13)
    days = list(
        ReceptionDay.objects.filter(station=station, date__gte=today, date__lte=week_end)
        .order_by("date", "starts_at")
        .prefetch_related(
            Prefetch(
                "duties",
                queryset=Duty.objects.select_related("deputy", "deputy__group")
                .only("reception_day_id", *(f"deputy__{f}" for f in PUBLIC_DEPUTY_FIELDS))
                .order_by("deputy__code"),
            )
        )
    )
    on_duty = [OnDuty(day, [duty.deputy for duty in day.duties.all()]) for day in days]
    deputies = list(
        public_deputies().filter(liaison_stations=station, status=Status.SERVING).order_by("code")
    )
    deputies.sort(key=lambda d: (LEVEL_ORDER.get(d.level, 9), d.code))
    achievements = published_achievements(deputies=deputies, year=year)
    about = Story.deputies.through.objects.filter(deputy__in=[d.pk for d in deputies])
    latest = _with_card_relations(
        Story.objects.published().filter(Q(station=station) | Q(pk__in=about.values("story_id")))
    ).order_by("-published_at", "-id")[:STATION_STORIES]
    return StationPage(
        station=station,
        on_duty=on_duty,
        deputies=[StationDeputy(d, achievements.get(d.pk)) for d in deputies],
        stories=list(latest),
        week_end=week_end,
    )
