"""``core.admin_dates.DateText`` writes dates and datetimes exactly as Django's
``formats.localize`` (after ``timezone.template_localtime``) does, in every language the
project offers and a few others, across time zones and the turn of the year."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, timezone, translation

from core.admin_dates import DateText

random.seed(8)
START = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MOMENTS = [START + datetime.timedelta(seconds=random.randint(0, 10**9)) for _ in range(300)]
MOMENTS += [
    datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 1, 1, 0, 0),  # naive
    datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC),  # noon
]


@pytest.mark.parametrize("language", ["zh-hans", "en", "de", "fr", "ja"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_the_text_is_djangos(language, zone):
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        moments, days = DateText(datetime.datetime), DateText(datetime.date)
        for moment in MOMENTS:
            assert moments(moment) == formats.localize(timezone.template_localtime(moment))
            assert days(moment.date()) == formats.localize(moment.date())


def test_a_date_format_with_a_time_letter_is_left_to_django(settings):
    settings.DATE_FORMAT = "Y-m-d H:i"
    with translation.override(None):
        days = DateText(datetime.date)
        assert not days.exact
        with pytest.raises(TypeError):
            days(datetime.date(2026, 1, 1))
