"""Files attached to a suggestion, with the upload path and the type/size check."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .suggestion import Suggestion


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"suggestions/{instance.suggestion_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def validate_attachment(upload) -> None:
    suffix = Path(upload.name).suffix.lower()
    allowed = settings.LVZHI_SUGGESTIONS_ATTACHMENT_TYPES
    if suffix not in allowed:
        raise ValidationError(
            _("不支持的附件类型 %(suffix)s，可上传：%(allowed)s。"),
            params={"suffix": suffix or "?", "allowed": "、".join(allowed)},
        )
    limit = settings.LVZHI_SUGGESTIONS_ATTACHMENT_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(_("附件不能超过 %(mb)d MB。"), params={"mb": limit})


class Attachment(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("议案建议"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, validators=[validate_attachment])
    name = models.CharField(_("文件名"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
