"""The unit portal's list: each row links to its page and shows its state as the status badge
does, its lead deputy, and whether the user's unit leads or co-handles it (the view writes the
links and labels once per page instead of reversing and looking up per row)."""

import re

import pytest
from django.urls import reverse

from suggestions.templatetags.suggestion_tags import status_class
from tests.suggestions import helpers
from tests.suggestions.factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db


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
