from django.conf import settings

from .notifications import unread_count


def site(request):
    """What every page shows: the committee's name and the unread badge (cached, no query on a
    cache hit)."""
    user = getattr(request, "user", None)
    unread = unread_count(user) if user is not None and user.is_authenticated else 0
    return {"committee_name": settings.LVZHI_COMMITTEE_NAME, "unread_notifications": unread}
