"""Reversing a URL name costs ~30 µs; the same names are reversed on every page (the menu, the
tab bar, the footer, each row's links), and without arguments their answer never changes while
the process runs. ``reverse_memo`` keeps that answer.

The key holds everything ``reverse`` depends on besides its arguments: the URL configuration
(thread-local or the setting, so ``override_settings(ROOT_URLCONF=…)`` gets its own), the script
prefix (a deployment under a sub-path), the active language (translated or prefixed patterns) and
the current application (an admin site's namespace instance). A name that does not reverse is
not kept: ``NoReverseMatch`` is raised every time, as before.
"""

from functools import lru_cache

from django.urls import reverse

from core import render_env


@lru_cache(maxsize=4096)
def _reverse(name: str, current_app: str | None, urlconf, prefix: str, language: str) -> str:
    return reverse(name, urlconf=urlconf, current_app=current_app)


def reverse_memo(name: str, *, current_app: str | None = None) -> str:
    """``reverse(name)`` for a URL name without arguments, computed once per process and key."""
    return _reverse(name, current_app, *render_env.environment())


def clear() -> None:
    """Forget every answer (URL configuration reloaded, as Django's ``clear_url_caches``)."""
    _reverse.cache_clear()
    _parts.cache_clear()


@lru_cache(maxsize=1024)
def _parts(name: str, urlconf, prefix: str, language: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[0], urlconf=urlconf).rsplit("/0/", 1)
    return head, tail


def pk_url_parts(name: str) -> tuple[str, str]:
    """``(head, tail)`` of the URL name ``name`` taking one integer id: its URL for ``pk`` is
    ``f"{head}/{pk}/{tail}"``. A page linking many rows reverses once, not once per row (a
    reversal with arguments costs ~30 µs); the split is kept per process under the same key
    as ``reverse_memo``'s (the deputy's dashboard alone links rows of five such names)."""
    return _parts(name, *render_env.environment())


def pk_url_prefix(name: str) -> str:
    """The URL of ``name`` for an id, up to the id, for names whose URL ends with it
    (``/ledger/entries/`` for ``/ledger/entries/<pk>/``): the URL is ``f"{prefix}{pk}/"``."""
    head, tail = pk_url_parts(name)
    if tail:
        raise ValueError(f"{name}'s URL goes on after the id: use pk_url_parts")
    return head + "/"
