"""How many rows an admin list shows (``core.admin_page_size``): 20 to begin with, 50 or 100
on request, the choice remembered for every list, the filters and sort kept when it changes,
and a size not offered ignored without an error."""

import re

import pytest
from django.contrib.admin.views.main import PAGE_VAR

from core.admin_page_size import PAGE_SIZES, PER_PAGE_VAR, SESSION_KEY, offered
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

DEPUTIES = "/admin/deputies/deputy/"


def shown(response) -> int:
    return len(response.context["cl"].result_list)


def size_links(html: str) -> dict[str, str]:
    """The page-size chooser's links by size; the size shown maps to ''."""
    chooser = re.search(r'<span class="page-sizes">(.*?)</span>\n', html)
    assert chooser, "no page-size chooser"
    body = chooser.group(0)
    links = dict((size, href) for href, size in re.findall(r'<a href="([^"]*)">(\d+)</a>', body))
    for size in re.findall(r'<span class="this-page">(\d+)</span>', body):
        links[size] = ""
    return links


@pytest.fixture
def many(db):
    return DeputyFactory.create_batch(PAGE_SIZES[0] + 5)


def test_a_list_opens_at_twenty_rows_with_the_choice(staff_client, many):
    response = staff_client.get(DEPUTIES)
    assert response.status_code == 200
    assert shown(response) == 20
    links = size_links(response.content.decode())
    assert set(links) == {"20", "50", "100"}
    assert links["20"] == ""  # the size shown is not a link
    assert "per_page=50" in links["50"]


def test_the_choice_is_kept_for_later_visits(staff_client, many):
    assert shown(staff_client.get(DEPUTIES, {PER_PAGE_VAR: "50"})) == 25
    assert staff_client.session[SESSION_KEY] == 50
    assert shown(staff_client.get(DEPUTIES)) == 25  # no parameter: the remembered size
    assert shown(staff_client.get(DEPUTIES, {PER_PAGE_VAR: "20"})) == 20
    assert staff_client.session[SESSION_KEY] == 20


@pytest.mark.parametrize("odd", ["abc", "7", "0", "-20", "1" * 40, "", "50.0"])
def test_a_size_not_offered_is_ignored(staff_client, many, odd):
    response = staff_client.get(DEPUTIES, {PER_PAGE_VAR: odd})
    assert response.status_code == 200  # not Django's "invalid lookup" redirect, not a 500
    assert shown(response) == 20
    assert SESSION_KEY not in staff_client.session


def test_the_filters_and_sort_stay_when_the_size_changes(staff_client, many):
    html = staff_client.get(DEPUTIES, {"o": "-1", PAGE_VAR: "2"}).content.decode()
    link = size_links(html)["50"].replace("&amp;", "&")
    assert "o=-1" in link
    assert f"{PAGE_VAR}=" not in link  # a new size starts at the first page


def test_the_page_links_keep_the_size(staff_client, db):
    DeputyFactory.create_batch(55)
    html = staff_client.get(DEPUTIES, {PER_PAGE_VAR: "50"}).content.decode()
    page_two = re.search(r'<a href="([^"]*p=2[^"]*)"', html).group(1)
    assert "per_page=50" in page_two


def test_a_short_list_has_no_chooser(staff_client, db):
    DeputyFactory.create_batch(3)
    assert "page-sizes" not in staff_client.get(DEPUTIES).content.decode()


def test_the_plain_opening_at_another_size_is_still_planned(staff_client, many):
    response = staff_client.get(DEPUTIES, {PER_PAGE_VAR: "50", "o": "-1"})
    assert response.context["cl"].plan_key is not None


def test_offered_sizes():
    assert [offered(v) for v in ("20", 50, "100", "30", None, "x")] == [
        20,
        50,
        100,
        None,
        None,
        None,
    ]


def test_the_chooser_reads_in_english(staff_client, many, settings):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = staff_client.get(DEPUTIES).content.decode()
    assert "Rows per page: " in html and "每页条数" not in html
