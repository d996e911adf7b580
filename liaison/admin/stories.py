"""Admin: deputy stories (代表在身边). Staff write the story, attach photos inline, preview it
as the public will see it, and publish (发布) or withdraw (撤回) it from the list or from its
own page (保存并发布 / 保存并撤回); every save and state change goes through
``liaison.services.stories`` (staff check, audit rows).

Photos are checked twice: each file by the model's validator (an image within
``LVZHI_STORY_PHOTO_MAX_MB``), then the submission's new files together against the upload
budget (``core.uploads``), so an oversized batch is refused with a message and nothing stored.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin_lists import LargeListAdmin, subquery_count
from core.uploads import upload_budget_check
from deputies.models import Deputy

from ..models import Story, StoryPhoto, StoryStatus
from ..services.stories import (
    ERR_FUTURE,
    StoryError,
    story_publish,
    story_save,
    story_saved,
    story_withdraw,
)


class StoryForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ("title", "happened_on", "station", "deputies", "body")

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day and day > clock.today():
            raise ValidationError(gettext(ERR_FUTURE) % {"title": self.data.get("title", "")})
        return day


class StoryPhotoFormSet(forms.BaseInlineFormSet):
    """The new photos of one submission, counted against the staff member's upload budget."""

    user = None

    def clean(self):
        super().clean()
        new_files = [
            form.cleaned_data["image"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and "image" in form.changed_data
            and form.cleaned_data.get("image") is not None
        ]
        upload_budget_check(new_files, user=self.user)


class _StoredPhoto:
    """What the file input shows for a stored photo: the user's file name, linked to the
    role-checked photo view (the storage path under /media/ is served to nobody)."""

    def __init__(self, photo: StoryPhoto):
        self.url = reverse("liaison:story_photo", args=[photo.pk])
        self.name = photo.name or gettext("照片")

    def __str__(self) -> str:
        return self.name


class PhotoInput(forms.ClearableFileInput):
    def format_value(self, value):
        photo = getattr(value, "instance", None)
        if self.is_initial(value) and photo is not None and photo.pk:
            return _StoredPhoto(photo)
        return super().format_value(value)


class StoryPhotoInline(admin.TabularInline):
    model = StoryPhoto
    formset = StoryPhotoFormSet
    fields = ("thumbnail", "image", "caption", "order")
    readonly_fields = ("thumbnail",)
    formfield_overrides = {models.FileField: {"widget": PhotoInput}}
    extra = 1

    @admin.display(description=_("缩略图"))
    def thumbnail(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="" height="60" loading="lazy">',
            reverse("liaison:story_photo", args=[obj.pk]),
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("StoryPhotoFormSetFor", (formset,), {"user": request.user})


@admin.register(Story)
class StoryAdmin(LargeListAdmin, admin.ModelAdmin):
    form = StoryForm
    list_display = (
        "title",
        "status",
        "deputy_names",
        "station",
        "happened_on",
        "published_at",
        "photo_count",
        "preview",
    )
    list_filter = ("status", "station")
    search_fields = ("title", "deputies__name")
    list_select_related = ("station",)
    sortable_by = ("published_at",)
    autocomplete_fields = ("deputies", "station")
    readonly_fields = ("status", "published_at", "author", "preview")
    fieldsets = (
        (None, {"fields": ("title", "happened_on", "station", "deputies", "body")}),
        (_("发布"), {"fields": ("status", "published_at", "author", "preview")}),
    )
    inlines = [StoryPhotoInline]
    actions = ["publish", "withdraw"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_photos=subquery_count(StoryPhoto, "story"))
            .prefetch_related(
                Prefetch("deputies", queryset=Deputy.objects.only("id", "name").order_by("code"))
            )
        )

    @admin.display(description=_("相关代表"))
    def deputy_names(self, obj):
        return "、".join(d.name for d in obj.deputies.all()) or "—"

    @admin.display(description=_("照片数"))
    def photo_count(self, obj):
        return getattr(obj, "n_photos", 0)

    @admin.display(description=_("预览"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        label = gettext("查看公开页") if obj.status == StoryStatus.PUBLISHED else gettext("预览")
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("liaison:story_detail", args=[obj.pk]),
            label,
        )

    def save_model(self, request, obj, form, change):
        story_save(story=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        story_saved(story=form.instance, created=not change, actor=request.user)

    def response_change(self, request, obj):
        """保存并发布 / 保存并撤回: the form is saved; then the verb, its refusal as a message."""
        verb = next((v for v in ("_publish", "_withdraw") if v in request.POST), None)
        if verb is None:
            return super().response_change(request, obj)
        try:
            if verb == "_publish":
                story_publish(stories=[obj], actor=request.user)
                self.message_user(request, gettext("已保存并发布。"))
            else:
                story_withdraw(stories=[obj], actor=request.user)
                self.message_user(request, gettext("已保存并撤回，群众已看不到。"))
        except StoryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return HttpResponseRedirect(request.path)

    @admin.action(description=_("发布所选故事"))
    def publish(self, request, queryset):
        try:
            n = story_publish(stories=queryset, actor=request.user)
        except StoryError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, gettext("已发布 %(n)d 篇。") % {"n": n})

    @admin.action(description=_("撤回所选故事"))
    def withdraw(self, request, queryset):
        n = story_withdraw(stories=queryset, actor=request.user)
        self.message_user(request, gettext("已撤回 %(n)d 篇，群众已看不到。") % {"n": n})
