from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.unread().count()
    return {"committee_name": settings.LVZHI_COMMITTEE_NAME, "unread_notifications": unread}
