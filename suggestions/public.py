"""The suggestions app's door for other apps: how a liaison visit becomes a deputy's draft.

Other apps import ``suggestions`` only through this module (import-linter enforces it), so the
suggestions app keeps its internals to itself and never learns who calls it:

``Category``
    The suggestion categories (建议类别). Other apps file their own records (a visit, a
    resident's opinion) under the same categories, so the public-opinion index and the
    suggestions speak of the same things; list the active ones with
    ``Category.objects.filter(is_active=True)``.

``Origin``
    Where a suggestion came from (调研视察, 联络站接待, 社情民意, 其他).

``suggestion_draft_from_source(*, deputy, title, body, category, origin_reference,
origin_url="", actor)``
    Create a *draft* for ``deputy`` (the lead deputy) through the same service a deputy's own
    draft form uses, marked as coming from a liaison station (``Origin.LIAISON``). The draft
    names its source in words (``origin_reference``, e.g. "接待记录 #12 · 2026-11-30 某某联络站")
    and, optionally, by an absolute link (``origin_url``); that is all the suggestions app
    knows of it. The deputy then edits and submits the draft as any other. Returns the
    ``Suggestion``; an empty title or body raises ``SuggestionError``.

``SuggestionError``
    A refusal with a message for the user; nothing has been written.

The caller authorises: it decides that ``deputy`` may take this source up (e.g. was present at
the visit) before calling; ``actor`` is recorded in the audit trail.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from deputies.models import Community, Deputy

from .models import Category, Origin, Suggestion
from .services import SuggestionError, suggestion_save_draft

ERR_DRAFT_TEXT_REQUIRED = gettext_noop("建议标题和内容不能为空。")

_TITLE_MAX = Suggestion._meta.get_field("title").max_length
_REFERENCE_MAX = Suggestion._meta.get_field("origin_reference").max_length


@transaction.atomic
def suggestion_draft_from_source(
    *,
    deputy: Deputy,
    title: str,
    body: str,
    category: Category | None,
    origin_reference: str,
    origin_url: str = "",
    community: Community | None = None,
    actor: User | None,
) -> Suggestion:
    """A draft for ``deputy`` that says where it came from (see the module's docstring)."""
    title = " ".join((title or "").split())[:_TITLE_MAX]
    body = (body or "").strip()
    if not title or not body:
        raise SuggestionError(_(ERR_DRAFT_TEXT_REQUIRED))
    return suggestion_save_draft(
        deputy=deputy,
        actor=actor,
        title=title,
        body=body,
        category=category,
        community=community,
        origin=Origin.LIAISON,
        origin_reference=(origin_reference or "")[:_REFERENCE_MAX],
        origin_url=origin_url or "",
    )


__all__ = [
    "ERR_DRAFT_TEXT_REQUIRED",
    "Category",
    "Origin",
    "SuggestionError",
    "suggestion_draft_from_source",
]
