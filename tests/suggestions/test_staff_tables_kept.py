"""The statistics' and unit scores' tables are written with their count and kept with it: a
visit within the count's minutes writes no row, the page is the same, and each language has its
own rows."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from suggestions.models import Suggestion

from . import helpers
from .factories import CategoryFactory, HandlingUnitFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "suggestions:staff_stats": "suggestions/_stats_rows.html",
    "suggestions:staff_scores": "suggestions/_scores_rows.html",
}


@pytest.fixture
def year():
    cache.clear()
    for make in (helpers.assigned, helpers.replied, helpers.concluded, helpers.evaluated):
        make(unit=HandlingUnitFactory(name="区住建局"), category=CategoryFactory())
    return Suggestion.objects.order_by("pk").values_list("year", flat=True).first()


def _rows_written(response, partial: str) -> int:
    return sum(t.name == partial for t in response.templates)


def _page(response) -> str:
    return re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_the_rows_are_written_once_per_count(staff_client, year, url_name):
    url = f"{reverse(url_name)}?year={year}"
    first = staff_client.get(url)
    again = staff_client.get(url)
    assert first.status_code == again.status_code == 200
    assert _rows_written(first, PAGES[url_name]) == 1
    assert _rows_written(again, PAGES[url_name]) == 0
    assert _page(again) == _page(first)
    body = _page(first)[_page(first).index("<tbody>") :]
    assert body.index("<tr") < body.index("区住建局") < body.index("</tbody>")


def test_the_statistics_rows_are_the_figures(staff_client, year):
    page = _page(staff_client.get(f"{reverse('suggestions:staff_stats')}?year={year}"))
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "合计" in body and "区住建局" in body
    assert "&lt;" not in body  # the kept rows are not escaped a second time
    assert re.search(r'<td class="text-end">4</td>', body)  # four registered in all


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_each_language_has_its_own_rows(staff_client, year, url_name):
    url = f"{reverse(url_name)}?year={year}"
    chinese = staff_client.get(url)
    staff_client.cookies["django_language"] = "en"
    english = staff_client.get(url)
    assert _rows_written(english, PAGES[url_name]) == 1  # not the Chinese rows
    assert english.content != chinese.content
