"""Bad input: another party's id slipped into POST data is ignored or refused, and nothing of
theirs changes. Each form takes the acting party from the login, never from the request."""

from datetime import date

import pytest

from suggestions.models import Evaluation, PublicRating, Reply, Status, Suggestion

from . import helpers
from .factories import CategoryFactory, HandlingUnitFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def test_draft_ignores_a_slipped_lead_deputy_status_and_number(deputy_client, deputy, other_deputy):
    category = CategoryFactory()
    deputy_client.post(
        "/suggestions/new/",
        {
            "kind": "suggestion",
            "title": "关于路灯的建议",
            "category": category.pk,
            "body": "路灯不亮。",
            "origin": "research",
            "lead_deputy": other_deputy.pk,
            "status": Status.REGISTERED,
            "number": "2026-999",
        },
    )
    s = Suggestion.objects.get()
    assert (s.lead_deputy, s.status, s.number) == (deputy, Status.DRAFT, None)


def test_deputy_cannot_edit_or_submit_another_deputys_draft(deputy_client, other_deputy):
    theirs = SuggestionFactory(lead_deputy=other_deputy)
    assert deputy_client.post(f"/suggestions/{theirs.pk}/edit/", {"title": "x"}).status_code == 404
    assert deputy_client.post(f"/suggestions/{theirs.pk}/submit/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT and theirs.title != "x"


def test_reply_takes_the_unit_from_the_login_not_the_post(unit_client, unit_user):
    unit = HandlingUnitFactory()
    unit.users.add(unit_user)
    other = HandlingUnitFactory(with_user=True)
    s = helpers.in_handling(unit=unit, co_units=[other])
    unit_client.post(
        f"/suggestions/unit/{s.pk}/reply/",
        {
            "result_class": "A",
            "content": "已解决。",
            "replied_on": "2026-05-06",
            "unit": other.pk,
            "p-TOTAL_FORMS": "0",
            "p-INITIAL_FORMS": "0",
        },
    )
    assert Reply.objects.get(suggestion=s).unit == unit


def test_evaluation_takes_the_deputy_from_the_login(client, deputy, other_deputy):
    s = helpers.replied(lead_deputy=deputy)
    client.force_login(deputy.user)
    client.post(
        f"/suggestions/{s.pk}/evaluate/",
        {"verdict": "satisfied", "implementation_score": "90", "deputy": other_deputy.pk},
    )
    assert Evaluation.objects.get(suggestion=s).deputy == deputy


def test_rating_goes_to_the_token_not_a_slipped_suggestion_id(client):
    rated = helpers.replied()
    other = helpers.replied()
    client.post(
        f"/suggestions/rate/{rated.public_token}/",
        {"score": "80", "suggestion": other.pk, "suggestion_id": other.pk},
    )
    assert PublicRating.objects.get().suggestion_id == rated.pk


def test_commitment_update_of_another_units_commitment_is_404(unit_client, unit_user):
    from suggestions import services

    other = HandlingUnitFactory(with_user=True)
    s = helpers.in_handling(unit=other)
    theirs = services.commitment_add(
        suggestion=s, owner_unit=other, content="x", due_on=date(2026, 12, 1), actor=None
    )
    HandlingUnitFactory().users.add(unit_user)
    response = unit_client.post(
        f"/suggestions/unit/commitments/{theirs.pk}/",
        {"status": "met", "completed_on": "2026-11-01"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"
