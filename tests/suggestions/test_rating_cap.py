"""The per-suggestion cap on public ratings: public ratings weigh half of a unit's score, so one
suggestion takes at most LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR ratings in any hour,
whatever addresses they come from (the per-address limiter alone lets every address rate)."""

from datetime import timedelta

import pytest
import time_machine

from core import clock
from suggestions import services
from suggestions.models import PublicRating

from . import helpers

pytestmark = pytest.mark.django_db


def rate(suggestion, n: int):
    return services.public_rating_submit(suggestion=suggestion, score=0, device_token=f"dev{n:06d}")


def test_the_cap_holds_and_nothing_is_written_over_it(settings):
    settings.LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR = 3
    s = helpers.replied()
    for n in range(3):
        rate(s, n)
    with pytest.raises(services.RatingCapReached) as exc:
        rate(s, 3)
    assert str(exc.value) == services.ERR_RATINGS_CAPPED
    assert 1 <= exc.value.retry_after <= 3600
    assert PublicRating.objects.filter(suggestion=s).count() == 3
    # Another suggestion has its own share.
    other = helpers.replied()
    rate(other, 4)
    assert PublicRating.objects.filter(suggestion=other).count() == 1


def test_the_window_slides_an_hour_after_the_oldest_rating(settings):
    settings.LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR = 2
    s = helpers.replied()
    start = clock.now()
    with time_machine.travel(start, tick=False):
        rate(s, 1)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        rate(s, 2)
        with pytest.raises(services.RatingCapReached) as exc:
            rate(s, 3)
        assert exc.value.retry_after == 30 * 60  # when the first one leaves the hour
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        rate(s, 4)  # the first is older than an hour now
        with pytest.raises(services.RatingCapReached):
            rate(s, 5)
    assert PublicRating.objects.filter(suggestion=s).count() == 3


def test_a_cap_of_zero_refuses_every_rating(settings):
    settings.LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR = 0
    s = helpers.replied()
    with pytest.raises(services.RatingCapReached):
        rate(s, 1)
    assert not PublicRating.objects.exists()


def test_the_page_shows_the_message_with_429_and_retry_after(client, settings):
    settings.LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR = 2
    settings.LVZHI_SUGGESTIONS_RATINGS_PER_HOUR = 100
    s = helpers.replied()
    url = f"/suggestions/rate/{s.public_token}/"
    statuses = []
    for n in range(4):
        client.cookies.clear()  # a new device each time
        response = client.post(url, {"score": "0"}, REMOTE_ADDR=f"198.51.100.{n + 1}")
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429, 429]
    assert services.ERR_RATINGS_CAPPED in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert PublicRating.objects.filter(suggestion=s).count() == 2
