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

import functools
import unicodedata
from html import escape as html_escape

from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length


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
    whole (normalised to NFC, as the truncator does). A longer one is cut as the truncator cuts
    it, with its ellipsis as translated once per language; where no combining character comes
    before the cut, directly (the truncator looked the ellipsis up twice and walked the text
    a character at a time: ~11 µs, the audit log cuts most of its twenty summaries)."""
    if length > 0 and len(text) <= length:
        return unicodedata.normalize("NFC", text)
    if length <= 0:
        return ""
    text = unicodedata.normalize("NFC", text)
    if len(text) <= length:  # decomposed characters composed: it fits
        return text
    ellipsis = _ellipsis(translation.get_language())
    if not any(map(unicodedata.combining, text[: length + 1])):
        # Every character counts: the text is cut at the length the ellipsis leaves.
        return add_truncation_text(text[: _kept_length(length, ellipsis)], ellipsis)
    return Truncator(text).chars(length, truncate=ellipsis)


@functools.lru_cache(maxsize=16)
def _ellipsis(language: str | None) -> str:
    """The truncator's ellipsis in ``language`` (None: translations deactivated)."""
    with translation.override(language):
        return translation.pgettext("String to return when truncating text", "%(truncated_text)s…")


@functools.lru_cache(maxsize=64)
def _kept_length(length: int, ellipsis: str) -> int:
    return calculate_truncate_chars_length(length, ellipsis)
