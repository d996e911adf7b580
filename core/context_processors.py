from django.conf import settings

from .notifications import unread_count
from .tabular import generated_at


def site(request):
    """What every page shows: the committee's name and the unread badge (cached, no query on a
    cache hit). ``printed_at`` is the moment on the committee's clock, for the line a printed
    page carries (``base.html``); a callable, so a page that does not show it costs nothing."""
    user = getattr(request, "user", None)
    unread = unread_count(user) if user is not None and user.is_authenticated else 0
    return {
        "committee_name": settings.LVZHI_COMMITTEE_NAME,
        "unread_notifications": unread,
        "printed_at": generated_at,
    }
