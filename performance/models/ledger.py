"""Ledger entries (履职记录) and their evidence files, with the upload validators."""

from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.uploads import RandomName
from performance.models.rules import Rule

EVIDENCE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "pdf", "doc", "docx", "xls", "xlsx")
ERR_FILE_TOO_BIG = gettext_noop("文件不能超过 %(mb)d MB。")
ERR_FILE_TYPE = gettext_noop("只支持图片（jpg/png/webp）、PDF、Word 或 Excel 文件。")
ERR_FILE_CONTENT = gettext_noop("文件内容与扩展名 .%(ext)s 不符，请上传原始文件。")

# The first bytes each accepted extension must start with, so that a renamed file (an .exe
# called photo.jpg) is refused, not only a wrong extension.
EVIDENCE_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG",),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


def validate_evidence_size(upload) -> None:
    limit = settings.LVZHI_LEDGER_EVIDENCE_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _(ERR_FILE_TOO_BIG) % {"mb": settings.LVZHI_LEDGER_EVIDENCE_MAX_MB},
            code="file_too_big",
        )


def validate_evidence_content(upload) -> None:
    ext = Path(upload.name or "").suffix.lower().lstrip(".")
    signatures = EVIDENCE_SIGNATURES.get(ext)
    if signatures is None or getattr(upload, "_committed", False):
        return  # the extension validator refuses it / a stored file was checked on upload
    try:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
    except OSError:
        head = b""
    if isinstance(head, str):
        head = head.encode()
    if not head.startswith(signatures) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise ValidationError(_(ERR_FILE_CONTENT) % {"ext": ext}, code="file_content")


EVIDENCE_VALIDATORS = [
    FileExtensionValidator(list(EVIDENCE_EXTENSIONS), message=_(ERR_FILE_TYPE)),
    validate_evidence_size,
    validate_evidence_content,
]


class SourceKind(models.TextChoices):
    STAFF = "staff", _("工委录入")
    DEPUTY = "deputy", _("代表申报")
    AUTOMATIC = "automatic", _("系统自动")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("未通过")


class LedgerEntryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=EntryStatus.VERIFIED)


class LedgerEntry(models.Model):
    """One thing a deputy did (履职记录). Only verified entries count towards the score."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    rule = models.ForeignKey(
        Rule, verbose_name=_("积分规则"), on_delete=models.PROTECT, related_name="entries"
    )
    occurred_on = models.DateField(_("履职日期"))
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("情况说明"), blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    source_kind = models.CharField(
        _("来源"), max_length=10, choices=SourceKind.choices, default=SourceKind.STAFF
    )
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("来源对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("来源对象编号"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "rule", "source_type", "source_id"],
                condition=Q(source_type__isnull=False),
                name="ledger_entry_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="ledger_entry_source_complete",
            ),
            models.CheckConstraint(
                condition=~Q(source_kind=SourceKind.AUTOMATIC) | Q(source_type__isnull=False),
                name="ledger_entry_automatic_has_source",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.PENDING) | Q(reviewed_at__isnull=False),
                name="ledger_entry_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.REJECTED) | ~Q(review_reason=""),
                name="ledger_entry_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="ledger_entry_status_valid"
            ),
        ]
        indexes = [
            # The deputy's entries by date (the ledger's year, the dashboard's rule codes of
            # the year's entries: deputies.facts), with each entry's rule and status, so the
            # codes are read from the index alone (they fetched every entry of the year from
            # the table, ~130 a deputy at district size).
            models.Index(
                fields=["deputy", "occurred_on"],
                include=["rule", "status"],
                name="performance_entry_dep_date",
            ),
            # The deputy's entries of one status: the dashboard's returned and pending counts
            # (deputies.facts) and the ledger filtered by status; the status index alone holds
            # thousands of each status at district size.
            models.Index(fields=["deputy", "status"], name="performance_entry_dep_status"),
            models.Index(fields=["rule", "status"]),
            models.Index(fields=["status", "created_at"]),
            # The admin list's order (newest first): its page is read from here, not sorted.
            models.Index(fields=["occurred_on", "id"], name="performance_entry_date_id_idx"),
            # "Has the deputy a verified entry of this rule?" (the exit list's base duty, asked
            # per deputy and base rule on the staff desk, the cockpit and the annual report).
            models.Index(
                fields=["deputy", "rule"],
                condition=Q(status=EntryStatus.VERIFIED),
                name="performance_entry_verified_idx",
            ),
            # Entries that count, by date: the cockpit's "this month's records" and the
            # monthly trend count them from the index alone (the date index made them read
            # every entry of the month from the table to drop the rejected ones).
            models.Index(
                fields=["occurred_on"],
                condition=~Q(status=EntryStatus.REJECTED),
                name="performance_entry_counted_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.title}"


class EntryEvidence(models.Model):
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("履职记录"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("佐证材料"), upload_to=RandomName("ledger"), validators=EVIDENCE_VALIDATORS
    )
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.name or Path(self.file.name).name
