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


# --- the admin's deputy page ------------------------------------------------------------------


def change_url(deputy):
    return f"{CHANGELIST}{deputy.pk}/change/"


def post_back(client, deputy, **changes):
    """The change page posted back as shown (the phone still masked), with ``changes``."""
    page = client.get(change_url(deputy))
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in ("INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[management[name].html_name] = management[name].value()
        data[management["TOTAL_FORMS"].html_name] = formset.initial_form_count()
        forms += formset.initial_forms
    for form in forms:
        for bound in form:
            if bound.name == "photo" or bound.field.disabled:
                continue
            # What the browser sends: the rendered value (the mask for the stored phone).
            widget_value = bound.field.widget.format_value(bound.value())
            if widget_value is not None:
                data[bound.html_name] = widget_value
    data.update(changes)
    return client.post(change_url(deputy), data)


def test_the_change_page_masks_the_phone_and_saving_keeps_it(staff_client):
    deputy = DeputyFactory(mobile="13912345678", workplace="旧单位")
    body = staff_client.get(change_url(deputy)).content.decode()
    assert 'value="139****5678"' in body and "13912345678" not in body
    response = post_back(staff_client, deputy, workplace="新单位")
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert (deputy.mobile, deputy.workplace) == ("13912345678", "新单位")


def test_staff_change_the_phone_by_typing_a_new_one(staff_client):
    deputy = DeputyFactory(mobile="13912345678")
    assert post_back(staff_client, deputy, mobile="13700001111").status_code == 302
    deputy.refresh_from_db()
    assert deputy.mobile == "13700001111"


def test_staff_reveal_a_deputys_phone_and_it_is_recorded(staff_client, staff_user):
    deputy = DeputyFactory(mobile="13912345678")
    url = f"{CHANGELIST}{deputy.pk}/phone/mobile/"
    assert f'formaction="{url}"' in staff_client.get(change_url(deputy)).content.decode()
    response = staff_client.post(url)
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    event = AuditEvent.objects.get(action="privacy.phone_reveal")
    assert event.actor == staff_user and event.target_id == str(deputy.pk)
    assert staff_client.post(f"{CHANGELIST}{deputy.pk}/phone/name/").status_code == 404
