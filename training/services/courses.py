"""Courses as a whole: publishing one (deputies see it and may enrol) or taking it back."""

from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record

from ..models import Course
from .common import TrainingError, staff_required

ERR_ALREADY = gettext_noop("已是“%(state)s”状态。")


@transaction.atomic
def course_set_published(*, course: Course, published: bool, actor: User | None) -> Course:
    """Publish (deputies see the course and may enrol) or withdraw it, with an audit row."""
    staff_required(actor)
    if course.is_published == published:
        state = _t("已发布") if published else _t("未发布")
        raise TrainingError(_t(ERR_ALREADY) % {"state": state})
    Course.objects.filter(pk=course.pk).update(is_published=published, updated_at=clock.now())
    course.is_published = published
    audit_record(
        actor=actor,
        action="training.course.publish" if published else "training.course.unpublish",
        target=course,
        summary=str(course),
    )
    return course
