"""The liaison app's pages: each views module lists its own patterns; here they are joined."""

from .views import index, public, station_pages, stations, stories, visits

app_name = "liaison"

urlpatterns = [
    *stations.urlpatterns,
    *visits.urlpatterns,
    *public.urlpatterns,
    *index.urlpatterns,
    *station_pages.urlpatterns,
    *stories.urlpatterns,
]
