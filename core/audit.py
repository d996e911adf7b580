from typing import Any

from django.db import models

from .history import current
from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction of the change it describes; the
    source (site, admin, task, command) is the current one (``core.history.acting``)."""
    return AuditEvent.objects.create(
        source=current().source,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        data=data or {},
    )
