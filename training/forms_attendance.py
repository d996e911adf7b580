"""The clerk's forms for item 3 of the training issue (enrolment and attendance): the attendance
sheet of one session (签到表), the admin's "安排代表报名" (a course and the serving deputies to
enrol in it), and the checks the course page makes to protect both (capacity not below the
seats taken; a session with attendance kept).

They only read and check what was posted; the writes go through
``training.services.enrolment`` (the seat counter, audit rows, completion and B05 live there).
A tampered value (``deputies=abc``, an id past the database's integers, a deputy not on the
roster) is a form error naming the field, never a query that could fail.
"""

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import clock
from deputies.models import Deputy

from .models import Course, CourseSession

ERR_CAPACITY_BELOW = gettext_noop("名额不能少于已报名人数（%(n)d 人）；请先取消部分报名。")
ERR_SESSION_ATTENDED = gettext_noop(
    "课次 %(date)s 已有出勤记录，不能删除；请先在签到表中撤销出勤。"
)
ERR_SESSION_AHEAD = gettext_noop("课次已有出勤记录，日期不能改到今天之后。")

# The largest primary key the databases we run on can hold (a signed 64-bit integer).
MAX_PK = 2**63 - 1


def posted_pk(value) -> int | None:
    """A posted id as an int the database can compare with, or None."""
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_PK else None


class AttendanceForm(forms.Form):
    """Which of the enrolled deputies attended: the roster is given (``roster``: deputy id →
    deputy, read once by the view), so checking the post costs no query."""

    deputies = forms.MultipleChoiceField(
        label=_("出勤代表"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("出勤代表：%(value)s 不在本课程的报名名单中，请刷新页面后重试。")
        },
    )
    everyone = forms.BooleanField(label=_("全部出勤"), required=False)

    def __init__(self, *args, roster: dict[int, Deputy], **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        self.fields["deputies"].choices = [(str(pk), str(d)) for pk, d in roster.items()]

    def clean_deputies(self) -> list[Deputy]:
        return [self.roster[int(value)] for value in self.cleaned_data["deputies"]]

    def attended(self) -> list[Deputy]:
        """The deputies to record as present: everyone on the roster for 全部出勤."""
        if self.cleaned_data.get("everyone"):
            return list(self.roster.values())
        return self.cleaned_data["deputies"]


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id that is not a positive database integer before it reaches a query."""

    def _check_values(self, value):
        for item in value:
            if posted_pk(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": item},
                )  # fmt: skip
        return super()._check_values(value)


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if posted_pk(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            )  # fmt: skip
        return super().to_python(value)


class EnrolForm(forms.Form):
    """安排代表报名: staff pick a course and serving deputies; ``course_enrol`` then decides
    for each (a full course, a deputy already enrolled: refused with its reason)."""

    course = SafeModelChoiceField(
        label=_("课程"),
        queryset=Course.objects.order_by("-year", "track", "title"),
        error_messages={"invalid_choice": _("课程：所选课程不存在，请重新选择。")},
    )
    deputies = SafeModelMultipleChoiceField(
        label=_("代表"),
        queryset=Deputy.objects.serving().order_by("code"),
        widget=FilteredSelectMultiple(_("代表"), is_stacked=False),
        help_text=_("只列出在任代表；已报名的代表会被跳过并提示。"),
        error_messages={
            "invalid_choice": _("代表：所选代表 %(value)s 不是在任代表或不存在。"),
            "invalid_pk_value": _("代表：“%(pk)s”不是有效的代表。"),
            "required": _("代表：请至少选择一名代表。"),
        },
    )


class CourseAdminForm(forms.ModelForm):
    """The course's page in the admin: its capacity never drops below the seats taken."""

    class Meta:
        model = Course
        fields = (
            "title", "year", "track", "format", "topic", "supervision_topic", "description",
            "instructor", "instructor_org", "for_new", "for_reelected", "groups",
            "specialty_keywords", "capacity", "enrol_until", "deadline", "is_published",
        )  # fmt: skip

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        taken = self.instance.enrolled_count if self.instance.pk else 0
        if capacity is not None and capacity < taken:
            raise forms.ValidationError(_t(ERR_CAPACITY_BELOW) % {"n": taken})
        return capacity


class SessionFormSet(forms.BaseInlineFormSet):
    """The course's sessions in the admin. A session with attendance keeps its record: it
    cannot be deleted or moved past today (the inline annotates ``n_present``). Two sessions
    on one day get the model's own message, not Django's "duplicate date"."""

    def get_unique_error_message(self, unique_check):
        if "date" in unique_check:
            once = {c.name: c for c in CourseSession._meta.constraints}[
                "training_session_once_per_day"
            ]
            return once.get_violation_error_message()
        return super().get_unique_error_message(unique_check)

    def clean(self):
        super().clean()
        today = clock.today()
        kept = []
        for form in self.initial_forms:
            session = form.instance
            if not getattr(session, "n_present", 0) or not hasattr(form, "cleaned_data"):
                continue
            if form in self.deleted_forms:  # a deleted form's own errors would be ignored
                kept.append(_t(ERR_SESSION_ATTENDED) % {"date": f"{session.date:%Y-%m-%d}"})
            elif "date" in form.changed_data and (form.cleaned_data.get("date") or today) > today:
                form.add_error("date", _t(ERR_SESSION_AHEAD))
        if kept:
            raise forms.ValidationError(kept)
