from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from core.views_cockpit import cockpit_view

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("cockpit/", cockpit_view, name="cockpit"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("core.urls")),
    path("deputy/", include("deputies.urls")),
    path("ledger/", include("performance.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("liaison/", include("liaison.urls")),
    path("training/", include("training.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

if settings.LVZHI_BENCH_FLOORS:  # scripts/bench_pages.py only; never set in production
    urlpatterns += [path("bench/", include("core.bench"))]

# Uploaded files are never served as public media, not even in DEBUG: evidence, attachments and
# photos go out through views that check who asks (core.uploads).
