"""Demo liaison data: stations, a reception-day calendar, visits, opinions with replies and
imported hotline events with at least one flag, and deputy stories with photos (代表在身边).
Each part is idempotent; see ``core.demo``."""

from core.demo import DemoContext

from . import index, opinions, stations, stories, visits


def seed(context: DemoContext) -> None:
    stations.seed(context)
    visits.seed(context)
    opinions.seed(context)
    index.seed(context)
    stories.seed(context)
