from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_page_links_keep_the_filters():
    request = RequestFactory().get("/suggestions/mine/", {"status": "assigned", "page": "2"})
    page = Paginator(list(range(50)), 10).page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?status=assigned&amp;page=1"' in html
    assert 'href="?status=assigned&amp;page=3"' in html
