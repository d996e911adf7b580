"""The suggestion's page in the admin speaks the office's verbs (立案, 退回修改, 交办 …), and each
verb's form shows the suggestion it acts on and can be cancelled."""

import pytest

from suggestions.models import Status
from suggestions.workflow import TRANSITIONS, VERBS, transition_verb
from tests.suggestions import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def test_every_step_has_a_verb():
    assert set(TRANSITIONS) <= set(VERBS)
    assert transition_verb(Status.SUBMITTED, Status.REGISTERED) == "立案"
    assert transition_verb(Status.REGISTERED, Status.ASSIGNED) == "交办"


def test_a_submitted_suggestion_offers_register_and_send_back(staff_client):
    suggestion = helpers.submitted()
    page = staff_client.get(f"/admin/suggestions/suggestion/{suggestion.pk}/change/")
    html = page.content.decode()
    assert f'/transition/{Status.REGISTERED}/">立案</a>' in html
    assert f'/transition/{Status.DRAFT}/">退回修改</a>' in html
    assert "→" not in html.split('class="object-tools"')[1].split("</ul>")[0]


def test_the_verbs_form_shows_the_suggestion_and_a_cancel_link(staff_client):
    suggestion = helpers.submitted()
    url = f"/admin/suggestions/suggestion/{suggestion.pk}/transition/{Status.REGISTERED}/"
    html = staff_client.get(url).content.decode()
    assert suggestion.title in html
    assert str(suggestion.lead_deputy) in html
    assert f'href="/admin/suggestions/suggestion/{suggestion.pk}/change/">取消</a>' in html
    assert 'value="立案"' in html


def test_assigning_picks_units_by_search(staff_client):
    from tests.suggestions.factories import HandlingUnitFactory

    active = HandlingUnitFactory(name="区住房和城乡建设局")
    HandlingUnitFactory(name="区住房保障中心（已撤销）", is_active=False)
    suggestion = helpers.registered()
    url = f"/admin/suggestions/suggestion/{suggestion.pk}/transition/{Status.ASSIGNED}/"
    html = staff_client.get(url).content.decode()
    assert 'class="admin-autocomplete' in html
    assert "admin/js/autocomplete.js" in html
    found = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "住房",
            "app_label": "suggestions",
            "model_name": "suggestion",
            "field_name": "co_units",
        },
    ).json()
    assert [item["text"] for item in found["results"]] == [str(active)]
