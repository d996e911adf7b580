"""Text for pages written in Python: shortened as Django's ``Truncator(text).chars(n)``
shortens it, without translating the ellipsis for a text that fits; escaped as Django's
``conditional_escape`` escapes it, without its lazy-text wrapper for a plain ``str``.

Django's truncator looks up its ellipsis ("%(truncated_text)s…", a ``pgettext`` through the
catalogs' chain and the request-local language, ~15 µs) on every call, cut or not; a page of
twenty visits paid it twenty times for problems that nearly all fit (issue #8).

``conditional_escape`` goes through ``escape``, which ``keep_lazy`` wraps: every call scans
its arguments for lazy text in a generator before escaping. The deputy's ledger escapes some
four hundred values a page (issue #8).
"""

import unicodedata
from html import escape as html_escape

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator


def escaped(text) -> SafeString:
    """``conditional_escape(text)``: the same safe text, a plain ``str`` escaped directly and
    a safe one returned as it is."""
    kind = type(text)
    if kind is str:
        return SafeString(html_escape(text))
    if kind is SafeString:
        return text
    return conditional_escape(text)


def chars(text: str, length: int) -> str:
    """``Truncator(text).chars(length)``: a text of at most ``length`` code points is returned
    whole (normalised to NFC, as the truncator does), any other goes through the truncator."""
    if length > 0 and len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)
