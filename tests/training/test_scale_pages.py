"""Every training page makes the same number of queries on a small database and after it has
grown several times over, this deputy's own courses, attendance and attempts included (issue #8:
cost flat in the data)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from deputies.models import Deputy
from tests.core.scale_pages import grow, query_counts
from training.models import Course, Enrollment, Survey

pytestmark = pytest.mark.django_db


def _deputy_urls(deputy: Deputy) -> list[str]:
    enrolled = Enrollment.objects.filter(deputy=deputy).order_by("pk").first()
    urls = [reverse("training:home"), reverse("training:archive")]
    if enrolled is not None:
        urls.append(reverse("training:course", args=[enrolled.course_id]))
    return urls


def _staff_urls(course: Course, survey: Survey, deputy: Deputy) -> list[str]:
    session = course.sessions.order_by("pk").first()
    return [
        reverse("admin:training_course_changelist"),
        reverse("admin:training_enrollment_changelist"),
        reverse("admin:training_attendance_changelist"),
        reverse("admin:training_quizattempt_changelist"),
        reverse("admin:training_course_change", args=[course.pk]),
        reverse("training:course_report", args=[course.pk]),
        reverse("training:attendance", args=[session.pk]),
        reverse("training:survey_summary", args=[survey.pk]),
        reverse("training:deputy_archive", args=[deputy.pk]),
    ]


def test_training_pages_cost_the_same_at_two_sizes():
    grow(deputies=6, entries_per_deputy=2, suggestions=6, seed=41)
    deputy = (
        Deputy.objects.filter(training_enrollments__isnull=False, user__isnull=False)
        .order_by("code")
        .first()
    )
    course = (
        Course.objects.filter(enrollments__isnull=False, sessions__isnull=False)
        .order_by("pk")
        .first()
    )
    survey = Survey.objects.order_by("pk").first()
    deputy_client, staff_client = Client(), Client()
    deputy_client.force_login(deputy.user)
    staff_client.force_login(User.objects.filter(is_superuser=True).first() or _staff())
    deputy_urls, staff_urls = _deputy_urls(deputy), _staff_urls(course, survey, deputy)
    query_counts(deputy_client, deputy_urls)  # warm per-process caches
    query_counts(staff_client, staff_urls)
    small = (query_counts(deputy_client, deputy_urls), query_counts(staff_client, staff_urls))
    before = (Enrollment.objects.count(), Enrollment.objects.filter(course=course).count())

    for seed in (42, 43):
        grow(deputies=18, entries_per_deputy=2, suggestions=6, seed=seed)
    assert Enrollment.objects.count() > 2 * before[0]
    big = (query_counts(deputy_client, deputy_urls), query_counts(staff_client, staff_urls))
    assert big == small


def _staff():
    from tests.accounts.factories import StaffUserFactory

    return StaffUserFactory()
