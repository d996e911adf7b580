"""What a page is being written for: its URL configuration, script prefix and language, read
once when its template starts rendering.

Many parts of a page are kept per process under a key naming these three (the kept admin
header and sidebar, reversed URLs, a list's column plans and choice labels, the filters). Each
is a read of one of Django's request-local values (``asgiref.local.Local``: a lock, a context
variable and, where the value is unset, an exception), about 4-8 µs apiece; an admin list page
made some 140 such reads, half of them for these keys, ~1.5 million of its 24 million
instructions (callgrind, issue #8). The values do not change while a page is written: the
handler sets the URL configuration and prefix, the middleware the language, before the view
runs. So the template backend (``core.template_backend``) reads them once per page and the
keys read that.

A view that writes its page's parts in Python before the template (the deputy's dashboard and
ledger) is wrapped in ``page_view``: the same single read covers the parts it writes. Outside
these (another view, a task, a template rendered by an engine of its own) they are read afresh
on every call, as before. Code that changes the language while a page is
written (``translation.override`` in a template tag, ``{% language %}``) must not rely on
these keys, nor on ``gettext``/``ngettext`` below, inside it; nothing in the project does.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language
from django.utils.translation import gettext as django_gettext
from django.utils.translation import ngettext as django_ngettext

from core.compiled import Kept

# Translations of the words pages write, per language: (language, message) -> text.
_TEXTS = Kept(limit=4096)
# (URL configuration, script prefix, language) of the page being written, or None.
_PAGE: ContextVar[tuple[str, str, str] | None] = ContextVar("lvzhi_render_env", default=None)


def read() -> tuple[str, str, str]:
    """``(urlconf, script prefix, language)`` as Django's request-local values say now (the
    URL configuration the thread's or the setting; no language: "")."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language() or "")


def environment() -> tuple[str, str, str]:
    """``(urlconf, script prefix, language)``: the page's while one is written, else read."""
    return _PAGE.get() or read()


def language() -> str:
    """The language a page is written in ("" for none); outside a page, the active one."""
    page = _PAGE.get()
    return page[2] if page is not None else (get_language() or "")


@contextmanager
def rendering() -> Iterator[None]:
    """Inside: ``environment()`` and ``language()`` answer from one read made on entry."""
    token = _PAGE.set(read())
    try:
        yield
    finally:
        _PAGE.reset(token)


def page_view(view: Callable) -> Callable:
    """``view`` run inside ``rendering()``: for a view that writes its page's parts itself
    (and changes no language while it does)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with rendering():
            return view(request, *args, **kwargs)

    return wrapped


def gettext(message: str) -> str:
    """Django's ``gettext``; while a page is written, the page's language's text from a
    per-process memo. Django's reads the active language (a request-local value, ~2.5 µs) and
    looks the message up through its catalogs' chain on every call: ~5 µs, and the deputy's
    dashboard writes some fifty such words."""
    if type(message) is not str:  # safe text stays safe: Django's
        return django_gettext(message)
    return _translated((message,), lambda: django_gettext(message))


def ngettext(singular: str, plural: str, number: int) -> str:
    """Django's ``ngettext``, kept per language and number while a page is written, as
    ``gettext`` (a ledger writes "附件 %(n)s" on every row with evidence)."""
    if type(singular) is not str or type(plural) is not str:
        return django_ngettext(singular, plural, number)
    return _translated(
        (singular, plural, number), lambda: django_ngettext(singular, plural, number)
    )


def _translated(message: tuple, translate: Callable[[], str]) -> str:
    """``translate()``, kept under the page's language and ``message`` while a page is
    written; outside a page, called afresh."""
    page = _PAGE.get()
    if page is None:
        return translate()
    key = (page[2], *message)
    text = _TEXTS.get(key)
    return _TEXTS.get_or_make(key, translate) if text is None else text


@receiver(setting_changed)
def _forget_texts(*, setting: str, **kwargs) -> None:
    """Catalogs change with these settings (tests): translate afresh, as Django does."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        _TEXTS.clear()
