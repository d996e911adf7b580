"""Links between related records on the admin's change pages: a deputy's page leads to their
ledger, assessments, suggestions, visits and courses; a pending ledger entry's page carries its
核实 / 退回 verbs. Apps register what they know in ``AppConfig.ready`` (a lower app never imports
a higher one to build a link), and ``templates/admin/change_form.html`` shows them as the
page's object tools.

``register_object_links("deputies.deputy", fn)``: ``fn(obj)`` returns ``[(label, url), …]``
(an empty list when nothing applies). Links are plain admin URLs with list filters; building
them must not query the database beyond what the object already holds.
"""

from collections.abc import Callable
from typing import Any

from django.db import models

Link = tuple[str, str]
_LINKS: dict[str, list[tuple[int, Callable[[Any], list[Link]]]]] = {}


def register_object_links(
    model_label: str, fn: Callable[[Any], list[Link]], *, order: int = 100
) -> None:
    _LINKS.setdefault(model_label.lower(), []).append((order, fn))


def object_links(obj: models.Model | None) -> list[Link]:
    if obj is None or obj.pk is None:
        return []
    found: list[Link] = []
    for _order, fn in sorted(_LINKS.get(obj._meta.label_lower, []), key=lambda item: item[0]):
        found.extend(fn(obj))
    return found
