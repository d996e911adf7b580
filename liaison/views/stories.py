"""代表在身边: the public feed of deputy stories, one story's page, and its photos.

No login: anyone reads published stories. A story that is not published (a draft, a withdrawn
one) is a 404 for the public and for deputies, except that a deputy may preview a draft about
them; staff see every story (the admin's 预览 link). Photos follow their story: the public gets
only the photos of published stories. Odd filter values (an unknown station, a malformed
deputy code, a page past the end) are ignored, never an error.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path

from deputies.models import CODE_VALIDATOR

from ..models import Station, StoryPhoto
from ..models.stories import photo_content_type
from ..selectors_stories import (
    feed_paged,
    may_preview,
    public_deputies,
    story_for,
)
from ..stories_html import feed_cards_html

PER_PAGE = 10


def id_parameter(value: str | None) -> int | None:
    """A query parameter that should hold a row id: the id, or None for anything else (a word,
    a sign, a number past any id), so no odd value reaches the database."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


def _station_filter(value: str | None) -> Station | None:
    station_id = id_parameter(value)
    if station_id is None:
        return None
    return Station.objects.filter(pk=station_id, is_active=True).first()


def _deputy_filter(value: str | None):
    if not value or not CODE_VALIDATOR.regex.fullmatch(value):
        return None
    return public_deputies().filter(code=value).first()


def story_list(request):
    station = _station_filter(request.GET.get("station"))
    deputy = _deputy_filter(request.GET.get("deputy"))
    ids = {"station": station.pk if station else None, "deputy": deputy.pk if deputy else None}
    # The page's cards with the feed's count: one prepared statement (``feed_paged``).
    page = feed_paged(**ids, number=request.GET.get("page"), per_page=PER_PAGE)
    query = "&".join(
        part
        for part in (
            f"station={station.pk}" if station else "",
            f"deputy={deputy.code}" if deputy else "",
        )
        if part
    )
    return render(
        request,
        "liaison/story_list.html",
        {
            "page": page,
            "station": station,
            "deputy": deputy,
            "query": query,
            "cards_html": feed_cards_html(page.object_list),
        },
    )


def story_detail(request, pk: int):
    story = story_for(request.user, pk)
    if story is None:
        raise Http404
    return render(request, "liaison/story_detail.html", {"story": story})


def story_photo(request, pk: int):
    """One photo, for whoever may read its story (public: published stories only)."""
    photo = get_object_or_404(StoryPhoto.objects.select_related("story"), pk=pk)
    if not may_preview(request.user, photo.story):
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo_content_type(photo.image.name))
    if photo.story.is_published:
        response["Cache-Control"] = "public, max-age=600"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("stories/", story_list, name="story_list"),
    path("stories/<int:pk>/", story_detail, name="story_detail"),
    path("stories/photos/<int:pk>/", story_photo, name="story_photo"),
]
