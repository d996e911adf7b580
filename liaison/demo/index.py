"""Demo: hotline and grid events over the last ten weeks, with one jump that the index flags.

Relative to ``context.today``: every pair gets a quiet background, and one pair (the first
community, the first category) jumps in the last complete week, so the rule flags it on any
date; the flags of that week (and of the current week, if the demo's data already flags it)
are then computed. Events are keyed by (date, community, category, source, summary), so a
second run adds nothing.
"""

from datetime import timedelta

from core.demo import DemoContext
from deputies.models import Community
from suggestions.public import Category

from ..models import EventSource, ExternalEvent
from ..selectors_index import current_week, last_week
from ..services.index import opinion_flags_compute

COMMUNITIES = ["东湖社区", "西河社区", "南苑社区"]
CATEGORIES = ["城市管理和环境", "住房和物业", "养老服务"]  # as the suggestions demo names them
DEMO_MARK = "（演示）"
# (category index, summary) of the background: one event per pair every other week
BACKGROUND = [
    (0, "夜间施工噪音扰民"),
    (1, "小区电梯故障维修慢"),
    (2, "独居老人助餐需求"),
]
JUMP_SUMMARIES = [
    "占道经营影响通行",
    "渣土车夜间抛洒",
    "沿街店铺油烟扰民",
    "共享单车乱停放",
    "广场舞音响扰民",
    "建筑垃圾堆放未清运",
    "夜市噪音扰民",
    "绿化带被毁种菜",
]


def _communities() -> list[Community]:
    """The first three active communities (the deputies demo makes them), or ours."""
    active = Community.objects.filter(is_active=True).order_by("order", "name", "pk")
    if not active.exists():
        for name in COMMUNITIES:
            Community.objects.get_or_create(name=name)
    return list(active[:3])


def _categories() -> list[Category]:
    return [Category.objects.get_or_create(name=name)[0] for name in CATEGORIES]


def seed(context: DemoContext) -> None:
    """Seed this subject's demo rows (idempotent)."""
    communities, categories = _communities(), _categories()
    today = context.today
    jump_week = last_week(today=today)
    planned = []
    for weeks_back in range(0, 10):  # 0: the current week, as far as today
        monday = jump_week - timedelta(weeks=weeks_back - 1)
        for c_index, community in enumerate(communities):
            for k_index, summary in BACKGROUND:
                if (weeks_back + c_index + k_index) % 2:
                    continue
                day = monday + timedelta(days=(c_index + k_index) % 5)
                source = EventSource.GRID if c_index % 2 else EventSource.HOTLINE
                planned.append((day, community, categories[k_index], source, summary))
    # the jump: eight hotline calls in the last complete week on one pair
    for i, summary in enumerate(JUMP_SUMMARIES):
        day = jump_week + timedelta(days=i % 7)
        planned.append((day, communities[0], categories[0], EventSource.HOTLINE, summary))
    first = min(p[0] for p in planned)
    existing = set(
        ExternalEvent.objects.filter(
            occurred_on__gte=first, occurred_on__lte=today, summary__endswith=DEMO_MARK
        ).values_list("occurred_on", "community_id", "category_id", "source", "summary")
    )
    new = []
    for day, community, category, source, summary in planned:
        text = summary + DEMO_MARK
        key = (day, community.pk, category.pk, source.value, text)
        if day <= today and key not in existing:
            existing.add(key)
            new.append(
                ExternalEvent(
                    occurred_on=day,
                    source=source,
                    community=community,
                    category=category,
                    summary=text,
                )
            )
    ExternalEvent.objects.bulk_create(new)
    flags = opinion_flags_compute(week=jump_week)
    flags += opinion_flags_compute(week=current_week(today=today))
    context.data["liaison_flags"] = flags
