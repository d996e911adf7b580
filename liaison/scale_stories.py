"""Scale data for 代表在身边: about one story per five deputies in office (at least one in
each state), each at one of the new stations and about one to three deputies of its roster,
happened over the run's years. Most are published (a few days after they happened, never
after now), some still drafts, a few withdrawn: the feed and the station pages page through
realistic numbers. No photos: a scale run should not write thousands of image files, and the
pages show a story without a cover the same way. A stream of random draws of its own
(``liaison.stories``), so adding stories changes none of the other liaison rows."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from core.scale import ScaleContext

from .models import Station, Story, StoryStatus

BATCH = 2000
STATES = [StoryStatus.PUBLISHED, StoryStatus.DRAFT, StoryStatus.WITHDRAWN]
STATE_WEIGHTS = [85, 10, 5]
TITLES = [
    "代表牵头解决{place}路灯不亮问题",
    "{place}老旧小区加装电梯有了新进展",
    "代表走访{place}，为独居老人送上助餐服务",
    "{place}停车难，代表接待日上找办法",
    "快递小哥歇脚点在{place}落地",
    "代表推动{place}公交站台加装雨棚",
    "{place}垃圾分类投放点调整到位",
    "代表协调{place}楼道堆物清理",
]
BODY = (
    "在{station}的接待日上，居民向代表反映了这个问题。\n\n"
    "代表会后多次走访，听取各方意见，并与街道有关科室沟通协调。\n\n"
    "经过努力，问题得到解决，居民们纷纷点赞。"
)


def generate(
    context: ScaleContext, *, stations: list[Station], rosters: dict[int, list], now: datetime
) -> int:
    """Write the stories; returns how many."""
    rng = context.rng_for("liaison.stories")
    pool = list({d.pk: d for roster in rosters.values() for d in roster}.values())
    if not stations or not pool:
        return 0
    start = date(context.years[0], 1, 1)
    today = context.today
    span = max((today - start).days, 1)
    count = max(len(STATES), len(pool) // 5)
    stories, about = [], []
    for index in range(count):
        station = stations[index % len(stations)]
        roster = rosters.get(station.pk) or pool
        happened = start + timedelta(days=rng.randrange(span))
        state = STATES[index] if index < len(STATES) else rng.choices(STATES, STATE_WEIGHTS)[0]
        published_at = None
        if state != StoryStatus.DRAFT:
            moment = timezone.make_aware(
                datetime.combine(happened + timedelta(days=rng.randint(1, 7)), datetime.min.time())
            ) + timedelta(hours=rng.randint(8, 18))
            published_at = min(moment, now)
        place = station.community.name
        stories.append(
            Story(
                title=rng.choice(TITLES).format(place=place)[:120],
                body=BODY.format(station=station.name),
                station=station,
                happened_on=happened,
                status=state,
                published_at=published_at,
            )
        )
        about.append(rng.sample(roster, min(len(roster), rng.randint(1, 3))))
    Story.objects.bulk_create(stories, batch_size=BATCH)
    Through = Story.deputies.through
    Through.objects.bulk_create(
        [
            Through(story_id=story.pk, deputy_id=deputy.pk)
            for story, deputies in zip(stories, about, strict=True)
            for deputy in deputies
        ],
        batch_size=BATCH,
    )
    return len(stories)
