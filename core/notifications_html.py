"""The notifications page's list, written in Python as its template wrote it (the same HTML:
tests/core/test_notifications_html.py compares the two in both languages). Per notice the
template's lookups, ``date`` filter (a conversion to the local time and a format) and
``linebreaksbr`` cost some 0.15 ms, twenty notices a page (issue #8). Every value is escaped
here; only the joined result is marked safe."""

from collections.abc import Iterable
from datetime import datetime, tzinfo

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.texts import escaped

# What the list shows of a notice, in this order (the page reads these values, no instances).
ROW = ("title", "url", "body", "created_at", "read_at")


def _when(moment: datetime | None, zone: tzinfo) -> str:
    """``{{ moment|date:"Y-m-d H:i" }}``: in the current time zone ``zone`` (looked up once a
    list), as the filter shows it."""
    if moment is None:
        return ""
    local = moment.astimezone(zone) if timezone.is_aware(moment) else moment
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def notification_rows_html(notes: Iterable[tuple]) -> SafeString:
    """Each notice of ``notes`` (tuples of ``ROW``) as the list's item: unread ones marked,
    the title linked when the notice has a link, the body's lines kept."""
    rows, zone = [], timezone.get_current_timezone()
    for title, url, body, created_at, read_at in notes:
        title = escaped(title)
        if url:
            title = f'<a href="{escaped(url)}">{title}</a>'
        text = ""
        if body:
            text = f'<div class="small mt-1">{linebreaksbr(body, autoescape=True)}</div>'
        rows.append(
            '\n    <div class="list-group-item '
            f'{"" if read_at else "list-group-item-warning"}">\n'
            '      <div class="d-flex justify-content-between gap-2">\n'
            f"        <strong>{title}</strong>\n"
            f'        <small class="text-muted text-nowrap">{_when(created_at, zone)}</small>\n'
            "      </div>\n"
            f"      {text}\n"
            "    </div>\n  "
        )
    # Safe: every value above is escaped (linebreaksbr escapes the body).
    return mark_safe("".join(rows))
