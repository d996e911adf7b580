"""The inline tables on a suggestion's admin page: its history, attachments, replies,
evaluations, commitments, meetings, requests (read-only records of what the parties did) and
the 三查 follow-up checks staff fill in."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import (
    Attachment,
    Commitment,
    Evaluation,
    ExtensionRequest,
    FollowUpCheck,
    Meeting,
    Reply,
    ReturnRequest,
    StatusChange,
)
from .common import ReadOnlyInline


class HistoryInline(ReadOnlyInline):
    model = StatusChange
    fields = ("happened_on", "from_status", "to_status", "actor", "comment", "imported")
    select = ("actor",)
    verbose_name_plural = _("办理轨迹")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("file", "name")


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ("replied_on", "unit", "result_class", "content", "problem_list")
    select = ("unit",)
    prefetch = ("problems",)
    readonly_fields = ("problem_list",)

    @admin.display(description=_("核心问题清单"))
    def problem_list(self, obj):
        return "；".join(str(p) for p in obj.problems.all())


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = ("evaluated_on", "deputy", "verdict", "implementation_score", "comment")
    select = ("deputy",)


class CommitmentInline(ReadOnlyInline):
    model = Commitment
    fields = ("content", "owner_unit", "due_on", "status", "completed_on", "note")
    select = ("owner_unit",)


class MeetingInline(ReadOnlyInline):
    model = Meeting
    fields = ("held_on", "unit", "place", "participants", "summary")
    select = ("unit",)


class ExtensionInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = ("requested_at", "unit", "requested_deadline", "reason", "status", "decision_note")
    select = ("unit",)


class ReturnInline(ReadOnlyInline):
    model = ReturnRequest
    fields = ("requested_at", "unit", "reason", "status", "new_lead_unit", "staff_reason")
    select = ("unit", "new_lead_unit")


class CheckInline(admin.TabularInline):
    """Staff record 三查 here; saving goes through ``services.check_record``."""

    model = FollowUpCheck
    extra = 0
    can_delete = False
    fields = ("kind", "due_on", "done_on", "findings", "done_by")
    readonly_fields = ("kind", "due_on", "done_by")
    # A findings box that fits the inline's width (the stock 40-column textarea pushed the
    # table out of its box and squeezed the kind and dates into one character per line).
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "class": "fit-cell"})}
    }

    def has_add_permission(self, request, obj=None):
        return False
