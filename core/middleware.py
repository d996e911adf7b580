from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from .history import Source, acting


class ChosenLanguageMiddleware:
    """Simplified Chinese unless the user picked another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs
    run English-language browsers; committee users expect Chinese unless they ask otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class HistoryMiddleware:
    """Attribute the writes of a request (``core.history``) to its user, from the admin or
    the site. Put it after authentication; the user is read when a row is written, so a
    login's own writes already name the user who signed in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        admin = request.path.startswith(self.admin_prefix)
        with acting(source=Source.ADMIN if admin else Source.WEB, request=request):
            return self.get_response(request)


class ReadsOutsideTransactionMiddleware:
    """Answer a reading request (GET, HEAD, OPTIONS) without the request-wide transaction that
    ``ATOMIC_REQUESTS`` opens for every view; a request that may change data keeps it.

    Under PostgreSQL's READ COMMITTED each statement reads its own snapshot, so wrapping a page
    of reads in a transaction changes nothing they see and adds two round trips to the database
    (BEGIN before the first query, COMMIT after the view). On a busy server each round trip
    waits for the database process to be scheduled: at district size, under load, the admin
    lists and the deputy dashboard answered 25-30% faster without them. What a reading request
    writes (an audit row, a notification marked read) goes through a service that is atomic on
    its own. A view that needs a transaction for its reads (``SET LOCAL``) says so with
    ``transaction.atomic``. Put this middleware last: every other ``process_view`` (the CSRF
    check) runs first. Removed, every view is atomic again, as ``ATOMIC_REQUESTS`` makes it."""

    READING = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in self.READING or connection.in_atomic_block:
            # Django wraps the view in the transaction (ATOMIC_REQUESTS). Inside one already
            # (a test's), in a savepoint as before: code that marks "the request's transaction"
            # for rollback (DRF's exception handler) must find the view's own.
            return None
        return view_func(request, *view_args, **view_kwargs)
