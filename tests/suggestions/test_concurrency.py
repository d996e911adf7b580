"""Races on PostgreSQL: every thread has its own connection and transaction."""

from datetime import date

import pytest
from django.db import connection

from performance.services import rule_set_load_defaults
from suggestions import services
from suggestions.models import Status, StatusChange, Suggestion
from suggestions.workflow import SuggestionError, suggestion_transition

from . import helpers
from .factories import HandlingUnitFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_double_transition_exactly_one_wins():
    s = helpers.registered(on=date(2026, 3, 2))
    units = [HandlingUnitFactory(), HandlingUnitFactory()]

    def assign(i):
        return services.suggestion_assign(
            suggestion=Suggestion.objects.get(pk=s.pk),
            lead_unit=units[i],
            on=date(2026, 3, 3),
            actor=None,
        )

    results = helpers.race(2, assign)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], SuggestionError), results
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED
    assert StatusChange.objects.filter(suggestion=s, to_status=Status.ASSIGNED).count() == 1


def test_concurrent_registration_numbers_are_gap_free():
    rule_set_load_defaults(year=2026)
    drafts = [helpers.submitted(on=date(2026, 3, 2)) for _ in range(8)]

    def register(i):
        return suggestion_transition(
            suggestion=drafts[i], to=Status.REGISTERED, actor=None, on=date(2026, 3, 3)
        ).number

    results = helpers.race(8, register)
    assert sorted(results) == [f"2026-{n:03d}" for n in range(1, 9)], results
    assert sorted(Suggestion.objects.values_list("sequence", flat=True)) == list(range(1, 9))
