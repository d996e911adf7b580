"""The two floors every page is measured against (``scripts/bench_pages.py``).

Mounted only when ``LVZHI_BENCH_FLOORS`` is set, so production never serves them: a bare
``HttpResponse`` (the cost of Django and gunicorn alone) and a page that extends ``base.html``
with nothing in it (the cost every page pays for the shared layout, menu and counters).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path


def bare(request):
    return HttpResponse("ok")


@login_required
def base_page(request):
    return render(request, "core/bench_page.html")


urlpatterns = [
    path("bare", bare, name="bench_bare"),
    path("page", base_page, name="bench_page"),
]
