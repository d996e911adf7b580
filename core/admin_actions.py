"""What every admin bulk action does with the rows it was given."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _


def bulk_apply(
    request: HttpRequest,
    items: Iterable[Any],
    label: str,
    fn: Callable[[Any], Any],
    *,
    errors: tuple[type[Exception], ...],
) -> list[Any]:
    """Apply a service ``fn`` to each item, one at a time, so one refused row does not stop
    the others: one message counts what worked, one message per refusal names the row and the
    service's reason (``errors`` are the services' own exceptions; anything else is a bug and
    propagates). Returns what ``fn`` returned for the items that worked."""
    results, failed = [], []
    for item in items:
        try:
            results.append(fn(item))
        except errors as exc:
            failed.append(f"{item}：{exc}")
    if results:
        messages.success(
            request, _("%(label)s：%(n)d 项完成。") % {"label": label, "n": len(results)}
        )
    for message in failed:
        messages.error(request, message)
    return results
