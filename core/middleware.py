from django.conf import settings
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
