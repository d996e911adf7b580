"""Reads for the public faces: the stories feed (代表在身边), one story, and a station's public
page (its deputies on duty, their published achievements, the stories about them).

Every list loads deputies with their public fields only (``PUBLIC_DEPUTY_FIELDS``): the
templates could not show a phone number or a birth date even by mistake, because the rows do
not carry them. Each read is a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONArray

from accounts.roles import Role, user_has_role
from core.sql import JSONList
from deputies.facts import prepared
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


def _feed(station: int | None, deputy: int | None) -> QuerySet[Story]:
    """The feed: published stories, newest first, optionally about one station (its id) or
    one deputy."""
    stories = Story.objects.published()
    if station is not None:
        stories = stories.filter(station=station)
    if deputy is not None:
        stories = stories.filter(deputies=deputy)
    return stories.order_by("-published_at", "-id")


def feed_count(*, station: int | None = None, deputy: int | None = None) -> int:
    """How many stories the feed (``_feed``) lists: one query compiled once per filter shape and run
    as a prepared statement with the ids (``deputies.facts.prepared``)."""

    def build(**ids: int):
        stories = _feed(ids.get("station"), ids.get("deputy")).order_by()
        # Grouped by a constant: one row, or none when there is no story.
        return stories.values(_one=Value(1)).annotate(n=Count("*")).values_list("n", flat=True)

    ids = _filter_ids(station, deputy)
    found = prepared(("liaison:feed-count", *sorted(ids)), build, **ids)
    return found[0] if found else 0


@dataclass(frozen=True)
class FeedStory:
    """What a story's card in the feed shows (``story_cards.card_html_of``)."""

    pk: int
    title: str
    body: str
    happened_on: date | None
    station_name: str | None
    deputy_names: list[str]  # in code order
    cover: tuple[int, str] | None  # the first photo's key and caption

    @property
    def first_paragraph(self) -> str:
        return next((line.strip() for line in self.body.splitlines() if line.strip()), "")


def feed_page(
    *, station: int | None = None, deputy: int | None = None, offset: int, limit: int
) -> list[FeedStory]:
    """The stories ``offset`` to ``offset + limit`` of the feed (``_feed``), each with its station's
    name, its deputies' codes and names and its first photo, in one query (the feed read the
    deputies and the photos in a query each). The page's rows are chosen first (the limit
    and offset are parameters) and only those read their deputies and cover; compiled once
    per filter shape and run as a prepared statement (``deputies.facts.prepared``)."""
    links = Story.deputies.through.objects.filter(story=OuterRef("pk"))
    names = links.order_by().values(_one=Value(1))
    names = names.annotate(v=JSONList(JSONArray(F("deputy__code"), F("deputy__name"))))
    cover = StoryPhoto.objects.filter(story=OuterRef("pk")).order_by("order", "id")

    def build(*, limit: int, offset: int, **ids: int):
        page = _feed(ids.get("station"), ids.get("deputy")).values("pk")
        sql, params = page.query.get_compiler(using=page.db).as_sql()
        return (
            Story.objects.filter(
                pk__in=RawSQL(f"{sql} LIMIT %s OFFSET %s", (*params, limit, offset))
            )
            .annotate(
                station_name=F("station__name"),
                deputies_json=Subquery(names.values("v")[:1], output_field=JSONField()),
                cover=Subquery(
                    cover.values(v=JSONArray("id", "caption"))[:1], output_field=JSONField()
                ),
            )
            .order_by("-published_at", "-id")
            .values_list(
                "pk", "title", "body", "happened_on", "station_name", "deputies_json", "cover"
            )
        )

    ids = _filter_ids(station, deputy)
    rows = prepared(("liaison:feed-page", *sorted(ids)), build, limit=limit, offset=offset, **ids)
    return [
        FeedStory(
            pk=pk,
            title=title,
            body=body,
            happened_on=happened_on,
            station_name=station_name,
            deputy_names=[name for _code, name in sorted(deputies or [])],
            cover=tuple(cover) if cover else None,
        )
        for pk, title, body, happened_on, station_name, deputies, cover in rows
    ]


def _filter_ids(station: int | None, deputy: int | None) -> dict[str, int]:
    ids = {"station": station, "deputy": deputy}
    return {name: value for name, value in ids.items() if value is not None}


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
