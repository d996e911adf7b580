"""Foreign keys compared with ids past the column's range match nothing instead of failing
(core.lookups): the same rule Django applies to plain integer columns."""

import pytest

from accounts.models import User
from core.models import AuditEvent
from tests.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

HUGE = int("9" * 30)


def test_an_id_past_the_range_matches_nothing():
    StaffUserFactory()
    AuditEvent.objects.create(action="export", actor=User.objects.get())
    assert list(AuditEvent.objects.filter(actor_id=HUGE)) == []
    assert list(AuditEvent.objects.filter(actor=-HUGE)) == []
    assert AuditEvent.objects.exclude(actor_id=HUGE).count() == AuditEvent.objects.count()


def test_in_keeps_the_ids_that_can_exist():
    user = StaffUserFactory()
    AuditEvent.objects.create(action="export", actor=user)
    mine = AuditEvent.objects.filter(actor=user).count()
    assert mine >= 1
    assert AuditEvent.objects.filter(actor__in=[HUGE, user.pk]).count() == mine
    assert AuditEvent.objects.filter(actor_id__in=[HUGE]).count() == 0
