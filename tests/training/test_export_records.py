"""Staff printing a deputy's learning archive and the organisers' report file are recorded;
a deputy printing their own archive is not."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_printing_a_deputys_archive_is_recorded(staff_client, staff_user, other_deputy):
    response = staff_client.get(reverse("training:deputy_archive_pdf", args=[other_deputy.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="training.archive_export")
    assert event.actor == staff_user
    assert event.data["count"] == 1
    assert event.data["filters"] == {"deputy": other_deputy.pk}


def test_a_deputy_printing_their_own_archive_is_not(deputy_client):
    assert deputy_client.get(reverse("training:archive_pdf")).status_code == 200
    assert not AuditEvent.objects.filter(action="training.archive_export").exists()


def test_a_missing_deputy_records_nothing(staff_client):
    assert (
        staff_client.get(reverse("training:deputy_archive_pdf", args=[999999])).status_code == 404
    )
    assert not AuditEvent.objects.filter(action="training.archive_export").exists()


def test_the_report_command_is_recorded(tmp_path, deputy):
    path = tmp_path / "report.csv"
    out = io.StringIO()
    call_command("training_report", "--year", "2026", "--output", str(path), stdout=out)
    event = AuditEvent.objects.get(action="training.report_export")
    assert event.actor is None
    assert event.data["filters"]["year"] == 2026 and event.data["filters"]["format"] == "csv"
    assert f"共 {event.data['count']} 名代表" in out.getvalue()  # the rows the file holds
