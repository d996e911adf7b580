"""Residents' and visitors' numbers in the admin: masked on the opinion page and the visit list;
显示完整号码 posts to a staff-only view that shows the number and leaves an audit row."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent

from .factories import OpinionFactory, VisitFactory

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def reveal_url(opinion, field="contact_phone"):
    return reverse("admin:liaison_opinion_phone_reveal", args=[opinion.pk, field])


def test_the_opinion_page_shows_the_number_masked_with_the_button(staff_client):
    opinion = OpinionFactory(contact_phone=PHONE)
    page = staff_client.get(reverse("admin:liaison_opinion_change", args=[opinion.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "139****5678" in body and PHONE not in body
    assert f'formaction="{reveal_url(opinion)}"' in body


def test_staff_reveal_the_number_and_it_is_recorded(staff_client, staff_user):
    opinion = OpinionFactory(contact_phone=PHONE)
    response = staff_client.post(reveal_url(opinion))
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="privacy.phone_reveal")
    assert event.actor == staff_user
    assert (event.target_type, event.target_id) == ("liaison.opinion", str(opinion.pk))
    assert event.data == {"field": "contact_phone"}


def test_a_get_reveals_nothing(staff_client):
    opinion = OpinionFactory(contact_phone=PHONE)
    response = staff_client.get(reveal_url(opinion))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="privacy.phone_reveal").exists()


@pytest.mark.parametrize("field", ["contact_name", "description", "tracking_code"])
def test_only_phone_fields_are_revealed(staff_client, field):
    opinion = OpinionFactory(contact_phone=PHONE)
    assert staff_client.post(reveal_url(opinion, field)).status_code == 404


def test_a_missing_or_garbled_record_is_not_found(staff_client):
    for pk in ("999999", "abc", "99999999999999999999999"):
        url = reverse("admin:liaison_opinion_phone_reveal", args=[pk, "contact_phone"])
        assert staff_client.post(url).status_code == 404


def test_others_cannot_reveal(deputy_client):
    opinion = OpinionFactory(contact_phone=PHONE)
    for who in (Client(), deputy_client):
        response = who.post(reveal_url(opinion))
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="privacy.phone_reveal").exists()


def test_the_visit_list_masks_the_visitor_number(staff_client):
    VisitFactory(visitor_name="王先生", visitor_phone=PHONE)
    body = staff_client.get(reverse("admin:liaison_visit_changelist")).content.decode()
    assert "王先生 139****5678" in body and PHONE not in body


def post_back(client, url, **changes):
    """The change page posted back as the browser shows it (the stored phone still masked)."""
    page = client.get(url)
    data = {}
    for bound in page.context["adminform"].form:
        value = bound.field.widget.format_value(bound.value())
        if isinstance(bound.value(), list):
            value = [str(v) for v in bound.value()]
        if value is not None:
            data[bound.html_name] = value
    data.update(changes)
    return client.post(url, data)


def test_the_visit_page_masks_the_number_and_saving_keeps_it(staff_client, deputy):
    visit = VisitFactory(visitor_phone=PHONE, problem="旧问题")
    visit.deputies.add(deputy)
    url = reverse("admin:liaison_visit_change", args=[visit.pk])
    body = staff_client.get(url).content.decode()
    assert 'value="139****5678"' in body and PHONE not in body
    response = post_back(staff_client, url, problem="新问题")
    assert response.status_code == 302, response.context["adminform"].form.errors
    visit.refresh_from_db()
    assert (visit.visitor_phone, visit.problem) == (PHONE, "新问题")
    reveal = reverse("admin:liaison_visit_phone_reveal", args=[visit.pk, "visitor_phone"])
    assert PHONE in staff_client.post(reveal).content.decode()
    assert AuditEvent.objects.filter(
        action="privacy.phone_reveal", target_id=str(visit.pk)
    ).exists()
