"""The suggestions admin at two sizes and with odd parameters: every list and the change page
(its status changes, replies and evaluations) cost the same number of queries with 3 rows as
with 25, and no query string answers 500."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import reverse
from django.utils import timezone

from suggestions.models import (
    Evaluation,
    ExtensionRequest,
    PublicRating,
    Reply,
    ReturnRequest,
    Status,
    StatusChange,
    Suggestion,
    SupervisionPlan,
    ToughProject,
    UnitReview,
    UnitYearScore,
)
from tests.core.admin_queries import assert_flat
from tests.suggestions.factories import HandlingUnitFactory, RegisteredSuggestionFactory

pytestmark = pytest.mark.django_db

MODELS = [
    m._meta.model_name
    for m in apps.get_app_config("suggestions").get_models()
    if admin.site.is_registered(m)
]
ON = date(2001, 3, 1)


def _handled(unit, staff_user):
    """A registered suggestion with a row of every kind its admin pages list."""
    s = RegisteredSuggestionFactory(lead_unit=unit)
    ExtensionRequest.objects.create(
        suggestion=s, unit=unit, requested_deadline=ON + timedelta(days=90), reason="需调研"
    )
    ReturnRequest.objects.create(suggestion=s, unit=unit, reason="不属本单位职责")
    StatusChange.objects.create(
        suggestion=s, from_status=Status.SUBMITTED, to_status=Status.REGISTERED, happened_on=ON
    )
    PublicRating.objects.create(suggestion=s, score=4, comment="好", device_token=f"dev{s.pk}")
    ToughProject.objects.create(suggestion=s, difficulty=2, team="专班", started_on=ON)
    SupervisionPlan.objects.create(suggestion=s, responsible=staff_user)
    return s


def grow(n, staff_user):
    for i in range(n):
        unit = HandlingUnitFactory()
        _handled(unit, staff_user)
        UnitYearScore.objects.create(
            unit=unit,
            year=2001 + i % 5,
            concluded=1,
            implementation_avg=Decimal("80"),
            benefit_avg=Decimal("80"),
            score=Decimal("80"),
        )
        UnitReview.objects.create(
            unit=unit,
            year=2001 + i % 5,
            held_on=ON,
            attendees="局领导",
            findings="答复流于形式",
            measures="建立台账",
            recorded_at=timezone.now(),
        )


def test_changelists_cost_the_same_at_two_sizes(staff_client, staff_user):
    grow(3, staff_user)
    urls = [reverse(f"admin:suggestions_{model}_changelist") for model in MODELS]
    base = reverse("admin:suggestions_suggestion_changelist")
    urls += [f"{base}?year=2001&status__exact=registered", f"{base}?o=1", f"{base}?q=停车"]
    assert_flat(staff_client, urls, lambda: grow(12, staff_user))


def test_change_page_costs_the_same_with_more_history(staff_client, staff_user):
    """Status changes, replies and evaluations are inlines of the suggestion's page."""
    s = _handled(HandlingUnitFactory(), staff_user)

    def add_history(n):
        for _i in range(n):
            StatusChange.objects.create(
                suggestion=s,
                from_status=Status.REGISTERED,
                to_status=Status.ASSIGNED,
                happened_on=ON,
            )
            reply = Reply.objects.create(
                suggestion=s, unit=s.lead_unit, replied_on=ON, result_class="A", content="已解决"
            )
            Evaluation.objects.create(
                suggestion=s,
                reply=reply,
                deputy=s.lead_deputy,
                verdict="satisfied",
                implementation_score=90,
                evaluated_on=ON,
            )

    add_history(3)
    url = reverse("admin:suggestions_suggestion_change", args=[s.pk])
    assert_flat(staff_client, [url], lambda: add_history(22))


HUGE = "9" * 30
ODD_QUERIES = [
    "p=999",
    "p=abc",
    "p=-1",
    "o=abc",
    "o=99",
    "o=1.abc.-",
    "o=2",  # a column without an index: ignored
    "nosuchfilter=1",
    "lead_deputy__nosuchfield=1",
    "year=abc",
    "year=99999",
    f"year={HUGE}",
    "status__exact=nonsense",
    "lead_unit__id__exact=abc",
    f"lead_unit__id__exact={HUGE}",
    "category__id__exact=abc",
    "_facets=1",
    "q=" + "建" * 500,
    "all=&p=abc",
    ERROR_FLAG + "=1",
]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_survive_odd_parameters(staff_client, staff_user, model):
    grow(2, staff_user)
    for query in ODD_QUERIES:
        path = reverse(f"admin:suggestions_{model}_changelist") + "?" + query
        response = staff_client.get(path, follow=True)
        assert response.status_code < 500, path


def test_a_page_past_the_end_is_a_normal_page_or_the_invalid_lookup_page(staff_client, staff_user):
    grow(3, staff_user)
    url = reverse("admin:suggestions_suggestion_changelist")
    # One page of rows: Django ignores the page number.
    assert staff_client.get(url + "?p=999").status_code == 200
    # Several pages: a page past the end is Django's invalid-lookup page, not a 404 or 500.
    admin.site._registry[Suggestion].list_per_page = 2
    try:
        response = staff_client.get(url + "?p=999")
    finally:
        admin.site._registry[Suggestion].list_per_page = 50
    assert response.status_code == 302
    assert response.url.endswith(f"?{ERROR_FLAG}=1")


def test_the_year_filter_offers_the_years_and_filters(staff_client, staff_user):
    grow(2, staff_user)
    url = reverse("admin:suggestions_suggestion_changelist")
    response = staff_client.get(f"{url}?year=2001")
    assert response.status_code == 200
    assert {s.year for s in response.context["cl"].result_list} == {2001}
    assert response.context["cl"].result_count == 2
    assert staff_client.get(f"{url}?year=2002").context["cl"].result_count == 0


def test_suggestion_rows_show_the_unit_deputy_and_tough_project_of_each(staff_client, staff_user):
    """The unit, the lead deputy and the tough project are read as columns of the list's
    joins, not as models: each row still shows its own, as the models label themselves."""
    tough = _handled(HandlingUnitFactory(), staff_user)
    plain = RegisteredSuggestionFactory(lead_unit=None)
    response = staff_client.get(reverse("admin:suggestions_suggestion_changelist"))
    admin_ = response.context["cl"].model_admin
    rows = {row.pk: row for row in response.context["cl"].result_list}
    body = response.content.decode()
    assert admin_.is_tough(rows[tough.pk]) and not admin_.is_tough(rows[plain.pk])
    assert admin_.lead_unit_name(rows[tough.pk]) == str(tough.lead_unit)
    assert admin_.lead_unit_name(rows[plain.pk]) is None  # the list's empty mark
    for suggestion in (tough, plain):
        label = admin_.lead_deputy_label(rows[suggestion.pk])
        assert label == str(suggestion.lead_deputy)
        assert f'<td class="field-lead_deputy_label">{label}</td>' in body
    assert f'<td class="field-lead_unit_name">{tough.lead_unit}</td>' in body
