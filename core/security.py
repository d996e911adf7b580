"""Response headers that keep private data out of caches (issue #11, item 6).

A page or file shown to a signed-in user holds personal data: phone numbers, scores, a
suggestion's handling, a roster export. Browsers keep such responses in their disk cache and
history, and a shared proxy may keep them for the next person, so on the shared office PCs
a committee uses, the next user of the machine could read them back. ``Cache-Control: no-store``
forbids every cache from keeping the response; ``Pragma: no-cache`` says the same to old
HTTP/1.0 proxies.
"""

from django.conf import settings

NO_STORE = "no-store"


def is_private(request, response) -> bool:
    """Whether the response may hold private data: it answers a signed-in user, or it is a
    download saved to disk (``Content-Disposition: attachment``: an export, an attachment),
    which is private whoever asks. Public pages and public inline files to anonymous visitors
    (the rating page, a serving deputy's photo on a poster) stay cacheable."""
    if response.get("Content-Disposition", "").lower().startswith("attachment"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` and ``Pragma: no-cache`` on every private response.

    It replaces whatever ``Cache-Control`` a view set: a view cannot make a signed-in user's
    response cacheable by mistake. Static files are left alone: WhiteNoise answers them before
    this middleware runs, and the path check covers a server that routes them through Django
    (e.g. ``runserver``'s static handler in tests).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        if is_private(request, response):
            response["Cache-Control"] = NO_STORE
            response["Pragma"] = "no-cache"
        return response
