"""Reads for the public faces: the stories feed (代表在身边), one story, and a station's public
page (its deputies on duty, their published achievements, the stories about them).

Every list loads deputies with their public fields only (``PUBLIC_DEPUTY_FIELDS``): the
templates could not show a phone number or a birth date even by mistake, because the rows do
not carry them. Each read is a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
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
from core.sql import json_rows
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
    """The stories ``offset`` to ``offset + limit`` of the feed (``_feed_rows``)."""
    return _feed_rows(station, deputy, offset=offset, limit=limit, counted=False)[0]


def feed_paged(
    *, station: int | None = None, deputy: int | None = None, number, per_page: int
) -> Page:
    """The feed's page ``number`` as ``Paginator.get_page`` picks it (not a whole number: the
    first page; below one or past the end: the last), its ``object_list`` the stories of
    ``feed_page``, in one statement: the page's offset is kept within the feed in SQL and
    the rows carry the feed's count (the paginator's), where the count was a query of its
    own."""
    try:
        guess = int(number)
    except (TypeError, ValueError):
        guess = 1
    # A number past any feed (thirty nines) reads the last page too: the offset is kept
    # within what the databases' integers hold.
    offset = min((guess - 1) * per_page, _PAST_THE_END) if guess >= 1 else _PAST_THE_END
    stories, total = _feed_rows(station, deputy, offset=offset, limit=per_page, counted=True)
    page = Paginator(range(total or 0), per_page).get_page(number)
    if total and page.start_index() - 1 != min(offset, (total - 1) // per_page * per_page):
        # Not the page the statement chose (never expected): read the paginator's own.
        stories = feed_page(
            station=station, deputy=deputy, offset=page.start_index() - 1, limit=per_page
        )
    page.object_list = stories
    return page


_PAST_THE_END = 2**31 - 1  # an offset past any feed: the statement reads the last page


def _feed_rows(
    station: int | None, deputy: int | None, *, offset: int, limit: int, counted: bool
) -> tuple[list[FeedStory], int | None]:
    """The stories ``offset`` to ``offset + limit`` of the feed (``_feed``), each with its station's
    name, its deputies' codes and names and its first photo, in one query (the feed read the
    deputies and the photos in a query each). The page's rows are chosen first (the limit
    and offset are parameters) and only those read their deputies and cover; compiled once
    per filter shape and run as a prepared statement (``deputies.facts.prepared``); where
    ``counted``, an ``offset`` past the feed reads its last page and the rows carry the feed's
    count (the count; None without rows: an empty feed)."""
    links = Story.deputies.through.objects.filter(story=OuterRef("pk"))
    cover = StoryPhoto.objects.filter(story=OuterRef("pk")).order_by("order", "id")

    def build(*, limit: int, offset: int, **ids: int):
        page = _feed(ids.get("station"), ids.get("deputy")).values("pk")
        sql, params = page.query.get_compiler(using=page.db).as_sql()
        skip, skip_params = "%s", (offset,)
        if counted:  # past the last page: the last page (as ``Paginator.get_page``)
            last = (
                "SELECT CASE WHEN COUNT(*) = 0 THEN 0 ELSE ((COUNT(*) - 1) / %s) * %s END"
                f" FROM ({sql}) feed"
            )
            skip = f"(SELECT MIN(o.v) FROM (SELECT %s AS v UNION ALL {last}) o)"
            skip_params = (offset, limit, limit, *params)
        return (
            Story.objects.filter(
                pk__in=RawSQL(f"{sql} LIMIT %s OFFSET {skip}", (*params, limit, *skip_params))
            )
            .annotate(
                station_name=F("station__name"),
                deputies_json=json_rows(links, "deputy__code", "deputy__name"),
                cover=Subquery(
                    cover.values(v=JSONArray("id", "caption"))[:1], output_field=JSONField()
                ),
            )
            .annotate(total=_feed_total(ids) if counted else Value(None, IntegerField()))
            .order_by("-published_at", "-id")
            .values_list(
                "pk",
                "title",
                "body",
                "happened_on",
                "station_name",
                "deputies_json",
                "cover",
                "total",
            )
        )

    ids = _filter_ids(station, deputy)
    key = ("liaison:feed-page", counted, *sorted(ids))
    rows = prepared(key, build, limit=limit, offset=offset, **ids)
    stories = [
        FeedStory(
            pk=pk,
            title=title,
            body=body,
            happened_on=happened_on,
            station_name=station_name,
            deputy_names=[name for _code, name in sorted(deputies or [])],
            cover=tuple(cover) if cover else None,
        )
        for pk, title, body, happened_on, station_name, deputies, cover, _total in rows
    ]
    return stories, (rows[0][-1] if rows else None)


def _feed_total(ids: dict[str, int]) -> Subquery:
    """The feed's count (``feed_count``) as a scalar subquery of the page's rows (the database
    counts it once for the statement, not per row)."""
    stories = _feed(ids.get("station"), ids.get("deputy")).order_by()
    counted = stories.values(_one=Value(1)).annotate(n=Count("*")).values("n")[:1]
    return Subquery(counted, output_field=IntegerField())


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
