"""The deputy-facing forms: every uploaded file is checked and errors land on the field."""

from datetime import date, timedelta

import pytest
from django.utils.datastructures import MultiValueDict

from performance.forms import DisputeForm, EntrySubmitForm, MissingForm
from performance.models import ERR_FILE_TYPE
from performance.services import ERR_DATE_IN_FUTURE
from tests.performance.factories import rule_set
from tests.performance.factories_pages import png

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 1)  # the forms' "today": passed in, never the real clock
YEAR = DAY.year


def current_rules():
    return rule_set(YEAR)


def _form(files=(), **data):
    rules = current_rules()
    values = {
        "rule": rules.rules.get(code="B03").pk,
        "occurred_on": DAY.isoformat(),
        "title": "进站接待选民",
        **data,
    }
    return EntrySubmitForm(values, MultiValueDict({"files": list(files)}), year=YEAR, today=DAY)


def test_good_files_are_returned_as_a_list():
    form = _form([png("a.png"), png("b.png")])
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["files"]] == ["a.png", "b.png"]


def test_no_file_is_an_empty_list():
    form = _form()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["files"] == []


def test_each_bad_file_is_named_in_the_error():
    form = _form([png("ok.png"), png("a.exe"), png("b.zip")])
    assert not form.is_valid()
    errors = form.errors["files"]
    assert len(errors) == 2
    assert errors[0].startswith("a.exe：") and ERR_FILE_TYPE in errors[0]
    assert errors[1].startswith("b.zip：")


def test_date_outside_the_year_is_a_field_error():
    last_year = date(YEAR - 1, 12, 31)
    form = _form(occurred_on=last_year.isoformat())
    assert not form.is_valid()
    assert "不在" in form.errors["occurred_on"][0]


def test_future_date_is_a_field_error():
    form = _form(occurred_on=(DAY + timedelta(days=1)).isoformat())
    assert form.errors["occurred_on"] == [ERR_DATE_IN_FUTURE]


def test_date_picker_stops_at_today():
    form = EntrySubmitForm(year=YEAR, today=DAY)
    attrs = form.fields["occurred_on"].widget.attrs
    assert attrs["max"] == DAY.isoformat()
    assert attrs["min"] == f"{YEAR}-01-01"
    assert form.fields["occurred_on"].initial == DAY


def test_rule_labels_show_points_and_evidence_requirement():
    rules = current_rules()
    field = EntrySubmitForm(year=YEAR, today=DAY).fields["rule"]
    assert field.label_from_instance(rules.rules.get(code="B04")) == "B04 走访联系群众（+1 分）"
    assert "须附佐证" in field.label_from_instance(rules.rules.get(code="I01"))


def test_dispute_form_offers_every_rule_and_checks_the_file():
    current_rules()
    form = DisputeForm(
        {"kind": "wrong", "note": "记错了"},
        MultiValueDict({"evidence": [png("x.exe")]}),
        year=YEAR,
    )
    assert "B06" in {r.code for r in form.fields["rule"].queryset}
    assert not form.is_valid()
    assert ERR_FILE_TYPE in form.errors["evidence"][0]


def test_missing_form_rejects_a_future_date():
    rules = current_rules()
    form = MissingForm(
        {
            "rule": rules.rules.get(code="B06").pk,
            "occurred_on": (DAY + timedelta(days=1)).isoformat(),
            "title": "述职",
            "note": "漏记",
        },
        year=YEAR,
        today=DAY,
    )
    assert form.errors["occurred_on"] == [ERR_DATE_IN_FUTURE]


def test_rules_are_offered_in_the_order_of_the_scoring_table(db):
    from performance.forms import EntrySubmitForm
    from tests.performance.factories import rule_set

    rule_set(2025)
    codes = [r.code for r in EntrySubmitForm(year=2025).fields["rule"].queryset]
    assert codes == ["B01", "B02", "B03", "B04", "B05", "I01", "I02", "I03", "I04", "C03", "C04"]
