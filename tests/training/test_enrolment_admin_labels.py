"""The enrolments list reads its deputy's and course's labels as columns of its joins (issue
#8), not as a model per row and key: each row, its checkbox's name and the .xlsx export still
show them as the models label themselves."""

import html

import pytest
from django.urls import reverse

from core.admin_export import export_columns, export_rows
from tests.deputies.factories import DeputyFactory
from tests.training.factories import CourseFactory, EnrollmentFactory
from training.models import Enrollment

pytestmark = pytest.mark.django_db
ENROLMENTS = reverse("admin:training_enrollment_changelist")


def test_each_row_shows_its_own_deputy_and_course(staff_client):
    made = [
        EnrollmentFactory(deputy=DeputyFactory(name="张<三>"), course=CourseFactory(title="课&一")),
        EnrollmentFactory(deputy=DeputyFactory(name="李四"), course=CourseFactory(title="课二")),
    ]
    response = staff_client.get(ENROLMENTS)
    assert response.status_code == 200
    admin = response.context["cl"].model_admin
    rows = {row.pk: row for row in response.context["cl"].result_list}
    body = response.content.decode()
    for enrolment in Enrollment.objects.filter(pk__in=[e.pk for e in made]):
        row = rows[enrolment.pk]
        assert admin.deputy_label(row) == str(enrolment.deputy)
        assert admin.course_label(row) == str(enrolment.course)
        assert admin.row_name(row) == str(enrolment)
        checkbox = f'value="{enrolment.pk}" class="action-select" aria-label="选择此对象执行操作 - '
        assert f"{checkbox}{html.escape(str(enrolment))}" in body
        assert f'<td class="field-course_label">{html.escape(str(enrolment.course))}</td>' in body
    request = response.wsgi_request
    columns = export_columns(admin, request)
    exported = list(export_rows(admin, request, admin.get_queryset(request), columns))
    by_deputy = {row[columns.index("deputy_label")]: row for row in exported}
    for enrolment in made:
        enrolment.refresh_from_db()
        row = by_deputy[str(enrolment.deputy)]
        assert row[columns.index("course_label")] == str(enrolment.course)
