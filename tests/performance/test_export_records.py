"""Exports naming deputies with their records are recorded: the ledger export, the annual
report (grades, the exit list) from the admin and from the command."""

import io

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from performance.models import LedgerEntry

from .test_admin import act, ledger, url  # noqa: F401  (the fixture)


def test_the_ledger_export_is_recorded(staff_client, staff_user, ledger):  # noqa: F811
    response = act(staff_client, "ledgerentry", "export_xlsx", LedgerEntry.objects.all())
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="performance.ledger_export")
    assert event.actor == staff_user
    assert event.data["count"] == LedgerEntry.objects.count() == 6
    assert event.data["full_phones"] is False


def test_the_annual_report_download_is_recorded(staff_client, staff_user, ledger):  # noqa: F811
    response = staff_client.get(url("assessment_report") + "?year=2025&format=csv")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="performance.annual_report_export")
    assert event.actor == staff_user
    assert event.data["count"] == 3
    assert event.data["filters"] == {"year": 2025, "format": "csv"}


@pytest.mark.django_db
def test_the_annual_report_command_is_recorded(tmp_path, ledger):  # noqa: F811
    path = tmp_path / "report.csv"
    call_command(
        "annual_report", "--year", "2025", "--format", "csv", "--output", str(path),
        stdout=io.StringIO(),
    )  # fmt: skip
    event = AuditEvent.objects.get(action="performance.annual_report_export")
    assert event.actor is None and event.data["count"] == 3
    assert event.data["filters"]["output"] == str(path)
