"""Text shortened as Django's ``Truncator(text).chars(n)`` shortens it, without translating
the ellipsis for a text that fits.

Django's truncator looks up its ellipsis ("%(truncated_text)s…", a ``pgettext`` through the
catalogs' chain and the request-local language, ~15 µs) on every call, cut or not; a page of
twenty visits paid it twenty times for problems that nearly all fit (issue #8).
"""

import unicodedata

from django.utils.text import Truncator


def chars(text: str, length: int) -> str:
    """``Truncator(text).chars(length)``: a text of at most ``length`` code points is returned
    whole (normalised to NFC, as the truncator does), any other goes through the truncator."""
    if length > 0 and len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)
