"""How many rows an admin list shows per page: 20, 50 or 100, chosen under the page links.

A clerk reads a list a screen at a time, so the big lists open at 20 rows (as government
workbenches commonly do) and each page costs what 20 rows cost; one who works through long
lists picks 50 or 100 once and keeps it: the choice is remembered in the session for every list
until changed. The query parameter is not a filter: the changelist leaves it out of its lookups
(an unknown one would send Django to its "invalid lookup" page), and a value not offered is
ignored, never an error."""

from django.http import HttpRequest

PER_PAGE_VAR = "per_page"
PAGE_SIZES = (20, 50, 100)
SESSION_KEY = "admin_rows_per_page"


def offered(value) -> int | None:
    """The page size ``value`` names, if it is one the lists offer."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return None
    return size if size in PAGE_SIZES else None


def rows_per_page(request: HttpRequest, default: int) -> int:
    """The size asked for in the query string (remembered from now on), else the one
    remembered, else the list's ``default``."""
    asked = offered(request.GET.get(PER_PAGE_VAR))
    session = getattr(request, "session", None)
    if asked is not None:
        if session is not None and session.get(SESSION_KEY) != asked:
            session[SESSION_KEY] = asked
        return asked
    if session is not None:
        remembered = offered(session.get(SESSION_KEY))
        if remembered is not None:
            return remembered
    return default
