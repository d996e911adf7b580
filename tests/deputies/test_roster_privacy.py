"""The roster export masks phones unless staff choose 含完整手机号, and every export, masked or
full, leaves one audit row (who, how many, the filters, whether full phones were in it)."""

import csv
import io

import pytest

from core.models import AuditEvent
from deputies.importer import deputies_import
from deputies.models import Deputy
from deputies.roster import ERR_FULL_PHONES_STAFF_ONLY, roster_export_record
from deputies.services import DeputyError
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/deputies/deputy/"


def export(client, action, deputies, query=""):
    response = client.post(
        CHANGELIST + query, {"action": action, "_selected_action": [d.pk for d in deputies]}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    # From the header on (a title line above it is the sheet's business, not this test's).
    return rows[next(i for i, row in enumerate(rows) if "代表编号" in row) :]


def test_the_default_export_masks_phones_and_is_recorded(staff_client, staff_user):
    a = DeputyFactory(code="M1", mobile="13912345678")
    b = DeputyFactory(code="M2", mobile="13800001111")
    rows = export(staff_client, "export_csv", [a, b], "?status__exact=serving")
    phone = rows[0].index("手机")
    assert sorted(r[phone] for r in rows[1:]) == ["138****1111", "139****5678"]
    event = AuditEvent.objects.get(action="deputies.roster_export")
    assert event.actor == staff_user
    assert event.data["count"] == 2 and event.data["full_phones"] is False
    assert event.data["filters"] == {"status__exact": "serving", "format": "csv"}
    assert not AuditEvent.objects.filter(action="deputies.roster_export_full_phones").exists()


def test_the_full_export_carries_full_phones_is_recorded_and_imports_back(staff_client, tmp_path):
    a = DeputyFactory(code="F1", mobile="13912345678")
    rows = export(staff_client, "export_csv_full_phones", [a])
    assert rows[1][rows[0].index("手机")] == "13912345678"
    event = AuditEvent.objects.get(action="deputies.roster_export_full_phones")
    assert event.data["count"] == 1 and event.data["full_phones"] is True
    assert "含完整手机号" in event.summary
    # Only a full export round-trips: the file updates the same deputy, phone unchanged.
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with path.open("rb") as handle:
        result = deputies_import(source=handle, filename="roster.csv")
    assert result.ok, result.error_lines()
    assert Deputy.objects.get(code="F1").mobile == "13912345678"


def test_the_xlsx_full_export_is_recorded(staff_client):
    a = DeputyFactory()
    response = staff_client.post(
        CHANGELIST, {"action": "export_xlsx_full_phones", "_selected_action": [a.pk]}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="deputies.roster_export_full_phones")
    assert event.data["filters"]["format"] == "xlsx"


def test_full_phones_only_for_committee_staff(deputy):
    before = AuditEvent.objects.count()
    with pytest.raises(DeputyError) as exc:
        roster_export_record(actor=deputy.user, count=1, fmt="csv", full_phones=True)
    assert str(exc.value) == ERR_FULL_PHONES_STAFF_ONLY
    assert AuditEvent.objects.count() == before


def test_the_system_may_export_and_is_recorded_without_an_actor():
    roster_export_record(actor=None, count=3, fmt="xlsx", full_phones=False)
    event = AuditEvent.objects.get(action="deputies.roster_export")
    assert event.actor is None and event.data["count"] == 3
