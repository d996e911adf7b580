"""The unit portal's list: each row links to its page and shows its state as the status badge
does, its lead deputy, and whether the user's unit leads or co-handles it (the view writes the
links and labels once per page instead of reversing and looking up per row)."""

import re

import pytest
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import clock
from suggestions import selectors
from suggestions.models import OPEN_HANDLING
from suggestions.templatetags.suggestion_tags import status_class
from tests.core.scale_pages import grow
from tests.suggestions import helpers
from tests.suggestions.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db


def client_page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_rows_link_to_their_page_with_state_deputy_and_role(client):
    unit = HandlingUnitFactory(with_user=True)
    led = helpers.in_handling(unit=unit)
    assigned = helpers.assigned(unit=unit)
    co_handled = helpers.assigned(co_units=[unit])
    client.force_login(unit.users.get())
    page = client.get("/suggestions/unit/").content.decode()
    rows = re.findall(r'<a class="list-group-item[^"]*" href="([^"]*)">(.*?)</a>', page, re.S)
    assert len(rows) == 3
    by_url = dict(rows)
    for suggestion, role in ((led, "主办"), (assigned, "主办"), (co_handled, "协办")):
        row = by_url[reverse("suggestions:unit_detail", args=[suggestion.pk])]
        badge = (
            f'<span class="badge {status_class(suggestion.status)}">'
            f"{suggestion.get_status_display()}</span>"
        )
        assert badge in row
        assert suggestion.title in row and suggestion.lead_deputy.name in row
        assert f"{suggestion.number} · {suggestion.lead_deputy.name} · {role}" in row


def _naive_counts(user, today) -> dict[str, int]:
    """The portal's figures as the one aggregate over the unit's every row counted them."""
    mine = selectors.unit_user_suggestions(user)
    return mine.aggregate(
        **{
            tab: Count("pk", filter=Q(status__in=states))
            for tab, states in selectors.UNIT_TAB_STATES.items()
        },
        overdue=Count("pk", filter=Q(status__in=OPEN_HANDLING, reply_deadline__lt=today)),
        all=Count("pk"),
    )


def test_cards_count_led_and_co_handled_rows_once_each():
    grow(deputies=4, entries_per_deputy=2, suggestions=120, seed=811)
    user = User.objects.get(username="unit01")
    unit = user.handling_units.order_by("pk").first()
    other, second = HandlingUnitFactory(), HandlingUnitFactory()
    second.users.add(user)
    # Led by one of the user's units and co-handled by the other (counted once), co-handled
    # for another unit, and not yet assigned (never counted).
    helpers.in_handling(unit=unit, co_units=[second])
    helpers.assigned(unit=other, co_units=[unit])
    helpers.registered()
    today = clock.today()
    counts = selectors.unit_counts(*selectors.unit_scope(user), today=today)
    expected = _naive_counts(user, today)
    assert counts == expected
    assert expected["overdue"] and expected["open"] and expected["done"] and expected["replied"]
    page = client_page(user, "/suggestions/unit/").content.decode()
    for figure in ("open", "overdue", "replied", "done"):
        assert '<div class="lv-stat' in page and f">{expected[figure]}</div>" in page


def test_no_unit_counts_nothing():
    assert selectors.unit_counts([], [], today=clock.today()) == dict.fromkeys(
        ["open", "replied", "done", "overdue", "all"], 0
    )


@pytest.mark.parametrize("tab", ["open", "replied", "done", "all"])
def test_each_page_lists_the_tab_rows_in_deadline_order(tab):
    grow(deputies=4, entries_per_deputy=2, suggestions=300, seed=812)
    user = User.objects.get(username="unit01")
    mine = selectors.unit_user_suggestions(user)
    if tab != "all":
        mine = mine.filter(status__in=selectors.UNIT_TAB_STATES[tab])
    expected = list(mine.order_by("reply_deadline", "pk").values_list("pk", flat=True))
    listed = []
    for number in range(1, len(expected) // 20 + 2):
        page = client_page(user, f"/suggestions/unit/?tab={tab}&page={number}").content.decode()
        listed += [int(pk) for pk in re.findall(r'href="/suggestions/unit/(\d+)/"', page)]
    assert listed == expected
