"""记录履职 from a phone (issue #12): the entry form's photo input opens the camera
(``capture``), takes images only, and joins the other evidence files; documents still go
through the evidence input."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from performance.forms import ERR_PHOTO_TYPE
from performance.models import LedgerEntry
from tests.performance.factories_pages import current_rules, png

pytestmark = pytest.mark.django_db

PINNED = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = reverse("performance:submit")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(PINNED, tick=False):
        current_rules()
        yield


def _data(**overrides):
    data = {
        "rule": current_rules().rules.get(code="B04").pk,
        "occurred_on": "2026-06-10",
        "title": "走访独居老人",
    }
    data.update(overrides)
    return data


def _pdf(name="sign-in.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_form_offers_the_camera_and_keeps_documents(deputy_client):
    html = deputy_client.get(URL).content.decode()
    photo = next(tag for tag in html.split("<input") if 'name="photo"' in tag)
    assert 'accept="image/*"' in photo and 'capture="environment"' in photo
    files = next(tag for tag in html.split("<input") if 'name="files"' in tag)
    assert ".pdf" in files and "capture" not in files
    assert "</div>\n</title>" not in html and "</div></title>" not in html


def test_photo_and_documents_are_all_kept(deputy_client, deputy):
    response = deputy_client.post(URL, _data(photo=png("camera.png"), files=[_pdf()]))
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(deputy=deputy)
    assert sorted(entry.evidence.values_list("name", flat=True)) == ["camera.png", "sign-in.pdf"]


def test_photo_alone_meets_a_rule_that_needs_evidence(deputy_client, deputy):
    rule = current_rules().rules.get(code="C03")  # evidence required
    response = deputy_client.post(URL, _data(rule=rule.pk, photo=png()))
    assert response.status_code == 302
    assert LedgerEntry.objects.get(deputy=deputy).evidence.count() == 1


def test_the_photo_input_takes_images_only(deputy_client, deputy):
    response = deputy_client.post(URL, _data(photo=_pdf("photo.pdf")))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [ERR_PHOTO_TYPE]
    assert not LedgerEntry.objects.filter(deputy=deputy).exists()
