"""Deputies' drafts and their attachments."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from deputies.models import Deputy

from ..models import (
    Attachment,
    Status,
    Suggestion,
    validate_attachment,
)
from ..workflow import (
    SuggestionError,
)
from .common import (
    ERR_LEAD_CANNOT_COSIGN,
    ERR_NOT_DRAFT,
    ERR_NOT_LEAD_DEPUTY,
)

# --- drafts ------------------------------------------------------------------------------


@transaction.atomic
def suggestion_save_draft(
    *,
    deputy: Deputy,
    actor: User | None,
    suggestion: Suggestion | None = None,
    co_signers: Iterable[Deputy] = (),
    attachments: Sequence = (),
    **fields,
) -> Suggestion:
    """Create a draft for ``deputy`` or update one of theirs (only while it is a draft)."""
    if suggestion is None:
        suggestion = Suggestion(lead_deputy=deputy, status=Status.DRAFT)
    else:
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.lead_deputy_id != deputy.pk:
            raise SuggestionError(_(ERR_NOT_LEAD_DEPUTY))
        if suggestion.status != Status.DRAFT:
            raise SuggestionError(_(ERR_NOT_DRAFT))
    co_signers = list(co_signers)
    if any(d.pk == deputy.pk for d in co_signers):
        raise SuggestionError(_(ERR_LEAD_CANNOT_COSIGN))
    for name, value in fields.items():
        setattr(suggestion, name, value)
    created = suggestion.pk is None
    suggestion.save()
    suggestion.co_signers.set(co_signers)
    for upload in attachments:
        attachment_add(suggestion=suggestion, upload=upload, actor=actor)
    audit_record(
        actor=actor,
        action="suggestions.draft_create" if created else "suggestions.draft_update",
        target=suggestion,
        summary=suggestion.title,
    )
    return suggestion


@transaction.atomic
def attachment_add(*, suggestion: Suggestion, upload, actor: User | None) -> Attachment:
    try:
        validate_attachment(upload)
    except ValidationError as exc:
        raise SuggestionError(" ".join(exc.messages)) from exc
    attachment = Attachment.objects.create(
        suggestion=suggestion, file=upload, name=upload.name[:120], uploaded_by=actor
    )
    audit_record(
        actor=actor, action="suggestions.attachment_add", target=suggestion, summary=upload.name
    )
    return attachment
