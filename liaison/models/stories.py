"""Deputy stories (代表在身边): what deputies did for residents, written and published by staff,
with photos, on the public pages next to the stations.

The body is plain text: staff type paragraphs separated by line breaks and the page renders
them escaped, so no HTML from the admin ever reaches a resident's browser. Photos are images
only (their content is opened with Pillow, not trusted from the extension), stored under
random names and served by ``liaison.views.stories.story_photo``, which gives the public only
the photos of published stories.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.uploads import RandomName

ERR_PHOTO_TOO_BIG = gettext_noop("照片不能超过 %(mb)d MB，请压缩后再上传。")
ERR_PHOTO_NOT_IMAGE = gettext_noop(
    "“%(name)s”不是有效的图片文件，只能上传 JPG、PNG 或 WebP 格式的照片。"
)
ERR_PHOTO_EXTENSION = gettext_noop(
    "“%(name)s”的扩展名与图片格式（%(format)s）不符，请上传原始照片。"
)

# Pillow's format name → the extensions a photo of that format may carry; also what the photo
# view answers as its content type.
PHOTO_FORMATS = {
    "JPEG": ((".jpg", ".jpeg"), "image/jpeg"),
    "PNG": ((".png",), "image/png"),
    "WEBP": ((".webp",), "image/webp"),
}


def photo_content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    for extensions, content_type in PHOTO_FORMATS.values():
        if suffix in extensions:
            return content_type
    return "application/octet-stream"


def validate_story_photo(upload) -> None:
    """Refuse a file over ``LVZHI_STORY_PHOTO_MAX_MB``, one Pillow cannot read as a JPEG, PNG
    or WebP image (a renamed document, a truncated file, a decompression bomb), and one whose
    extension names another format (what the photo view would announce)."""
    if getattr(upload, "_committed", False):
        return  # stored already: checked when it was uploaded
    name = Path(getattr(upload, "name", "") or "").name
    limit = settings.LVZHI_STORY_PHOTO_MAX_MB
    if (upload.size or 0) > limit * 1024 * 1024:
        raise ValidationError(_t(ERR_PHOTO_TOO_BIG) % {"mb": limit}, code="photo_too_big")
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()
    except Exception as exc:  # any unreadable content is "not an image" to the user
        raise ValidationError(
            _t(ERR_PHOTO_NOT_IMAGE) % {"name": name}, code="photo_not_image"
        ) from exc
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(_t(ERR_PHOTO_NOT_IMAGE) % {"name": name}, code="photo_not_image")
    if Path(name).suffix.lower() not in PHOTO_FORMATS[fmt][0]:
        raise ValidationError(
            _t(ERR_PHOTO_EXTENSION) % {"name": name, "format": fmt}, code="photo_extension"
        )


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class StoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=StoryStatus.PUBLISHED)


class Story(models.Model):
    """One story (代表在身边) about one or more deputies, optionally at a station."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(
        _("正文"),
        help_text=_("纯文本，每段之间空一行；不支持网页代码，输入的内容按原样显示。"),
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("相关代表"), related_name="stories"
    )
    station = models.ForeignKey(
        "Station",
        verbose_name=_("联络站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    happened_on = models.DateField(_("事迹日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=StoryStatus.choices, default=StoryStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_stories",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表在身边")
        verbose_name_plural = _("代表在身边")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="story_status_published_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StoryStatus.values), name="story_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=StoryStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="story_published_has_time",
                violation_error_message=_("已发布的故事须有发布时间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs: every non-empty line is one (staff type Enter between
        paragraphs, some leave a blank line too)."""
        return [line.strip() for line in self.body.splitlines() if line.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == StoryStatus.PUBLISHED


class StoryPhoto(models.Model):
    """A photo of a story; the one with the lowest order is the cover (封面)."""

    story = models.ForeignKey(
        Story, verbose_name=_("故事"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(
        _("照片"),
        upload_to=RandomName("liaison/stories"),
        validators=[validate_story_photo],
        help_text=_("JPG、PNG 或 WebP 格式；排序最小的一张作为封面。"),
    )
    name = models.CharField(_("原文件名"), max_length=200, blank=True, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["story", "order", "id"]
        indexes = [models.Index(fields=["story", "order"], name="story_photo_order_idx")]

    def __str__(self) -> str:
        return self.caption or self.name or f"#{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.image and not self.name:
            self.name = Path(self.image.name).name[:200]
        super().save(*args, **kwargs)
