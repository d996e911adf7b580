"""The demo's visits: the demo deputy d001 attended or logged enough of them to fill their visit
list, spread over the last three months on past reception days of their station on which they
were on duty, in every status, some logged by d001 themselves and some turned into drafts; other
deputies keep theirs; on any date, and a second run adds nothing."""

import datetime

import pytest
import time_machine

from accounts.models import User
from core.demo import DemoContext
from deputies import demo as deputies_demo
from deputies.models import Deputy
from liaison.demo import stations as stations_demo
from liaison.demo import visits as visits_demo
from liaison.models import Duty, Visit, VisitStatus
from liaison.selectors_visits import deputy_stations, visits_for
from suggestions.models import DEFAULT_CATEGORIES, Category, Suggestion
from tests.performance.factories import rule_set

pytestmark = pytest.mark.django_db


def _seed(today: datetime.date) -> None:
    context = DemoContext(today=today)
    deputies_demo.seed(context)
    rule_set(today.year)
    rule_set(today.year - 1)
    for order, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    stations_demo.seed(context)
    visits_demo.seed(context)


@pytest.mark.parametrize(
    "today", [datetime.date(2026, 12, 2), datetime.date(2027, 1, 3), datetime.date(2028, 2, 29)]
)
def test_d001_has_a_full_visit_list_on_any_date_and_twice(today):
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        _seed(today)
        counts = (Visit.objects.count(), Suggestion.objects.count())
        _seed(today)
        assert (Visit.objects.count(), Suggestion.objects.count()) == counts

    user = User.objects.get(username="d001")
    d001 = Deputy.objects.get(code="D001")
    mine = list(visits_for(user).select_related("reception_day", "station"))
    assert len(mine) >= 8
    assert len(mine) >= len(visits_demo.HOME_VISITS)
    # other deputies keep theirs
    assert Visit.objects.exclude(pk__in=[v.pk for v in mine]).count() >= 5

    stations = set(deputy_stations(d001).values_list("pk", flat=True))
    for visit in mine:
        assert visit.occurred_on < today
        day = visit.reception_day
        assert day is not None and day.date == visit.occurred_on
        assert visit.station_id in stations and day.station_id == visit.station_id
        assert Duty.objects.filter(reception_day=day, deputy=d001, attended=True).exists()
        assert visit.deputies.filter(pk=d001.pk).exists()
    dates = {visit.occurred_on for visit in mine}
    assert len(dates) >= 5
    assert (today - min(dates)).days >= 60  # over a few months, not one week

    statuses = {visit.status for visit in mine}
    assert statuses == set(VisitStatus.values)
    assert any(v.status == VisitStatus.REFERRED and v.referred_to for v in mine)
    assert any(v.status == VisitStatus.RESOLVED and v.satisfaction for v in mine)
    assert sum(v.created_by_id == user.pk for v in mine) >= 2  # logged by d001 on the phone
    drafts = Suggestion.objects.filter(
        pk__in=[v.suggestion_id for v in mine if v.suggestion_id], lead_deputy=d001
    )
    assert drafts.count() >= 2
    assert len({v.problem for v in mine}) == len(mine)
