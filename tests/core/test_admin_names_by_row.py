"""``names_by_row`` lists a page's related names as ``prefetch_related`` with ``only("name")``
did (the related model's default order, every row, empty lists for none), and the visit and
course lists show them in one query at two sizes."""

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin_names import names_by_row
from liaison.models import Visit
from tests.deputies.factories import DeputyFactory, ProfessionalGroupFactory
from tests.liaison.factories import VisitFactory
from tests.training.factories import CourseFactory
from training.models import Course

pytestmark = pytest.mark.django_db


def _prefetched(model, field_name):
    field = getattr(model, field_name).field
    listed = Prefetch(
        field_name, queryset=field.related_model.objects.only("name"), to_attr="listed"
    )
    return {row.pk: [r.name for r in row.listed] for row in model.objects.prefetch_related(listed)}


def test_visit_deputies_in_prefetch_order():
    deputies = [DeputyFactory(code=code, name=name) for code, name in
                (("D300", "甲"), ("D100", "乙"), ("D200", "乙"))]  # fmt: skip
    VisitFactory().deputies.set(deputies)
    VisitFactory().deputies.set(deputies[:1])
    VisitFactory()
    rows = list(Visit.objects.all())
    assert names_by_row(rows, Visit.deputies.field) == _prefetched(Visit, "deputies")


def test_course_groups_in_prefetch_order():
    groups = [ProfessionalGroupFactory(name=name) for name in ("教育", "医疗", "法律")]
    CourseFactory().groups.set(groups)
    CourseFactory()
    rows = list(Course.objects.all())
    assert names_by_row(rows, Course.groups.field) == _prefetched(Course, "groups")
    assert names_by_row([], Course.groups.field) == {}


@pytest.mark.parametrize("name", ["liaison_visit", "training_course"])
def test_lists_show_the_names_in_the_same_queries_at_two_sizes(staff_client, name):
    url = reverse(f"admin:{name}_changelist")
    staff_client.get(url)
    counts = []
    for n in (2, 12):
        for _ in range(n):
            deputy, group = DeputyFactory(), ProfessionalGroupFactory()
            VisitFactory().deputies.set([deputy])
            CourseFactory().groups.set([group])
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(url)
        assert response.status_code == 200
        shown = deputy.name if name == "liaison_visit" else group.name
        assert shown in response.content.decode()
        counts.append(len(ctx))
    assert counts[0] == counts[1]
