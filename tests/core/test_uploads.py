"""Uploads (issue #11): stored under random names, never served as public media, within a
budget per submission and per account per day; deputies' photos through their own view."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from core.uploads import ERR_DAY_TOO_BIG, ERR_REQUEST_TOO_BIG, RandomName, upload_budget_check
from deputies.models import Status
from performance.forms import MultipleFileField
from performance.models import EntryEvidence
from tests.accounts.factories import UserFactory
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory

MB = 1024 * 1024
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _files(*sizes_mb: float):
    """PDFs (their content says so, as the evidence check wants) of the given sizes."""
    return [
        SimpleUploadedFile(
            f"f{i}.pdf", b"%PDF-1.4\n" + b"0" * (int(mb * MB) - 9), "application/pdf"
        )
        for i, mb in enumerate(sizes_mb)
    ]


def test_random_names_keep_only_the_extension():
    name = RandomName("ledger")(None, "张三的体检报告.PDF")
    assert re.fullmatch(r"ledger/\d{4}/[0-9a-f]{32}\.pdf", name)
    assert name != RandomName("ledger")(None, "张三的体检报告.PDF")


@pytest.mark.django_db
def test_stored_evidence_does_not_carry_the_uploaded_name():
    entry = LedgerEntryFactory()
    upload = SimpleUploadedFile("王芳-身份证.pdf", b"%PDF-1.4 test", "application/pdf")
    evidence = EntryEvidence.objects.create(entry=entry, file=upload, name="王芳-身份证.pdf")
    assert "王芳" not in evidence.file.name and evidence.file.name.startswith("ledger/")


@override_settings(LVZHI_UPLOAD_MAX_PER_REQUEST_MB=1)
def test_one_submission_past_its_total_is_refused():
    with pytest.raises(ValidationError) as exc:
        upload_budget_check(_files(0.6, 0.6))
    assert exc.value.messages == [ERR_REQUEST_TOO_BIG % {"got": 1.2, "mb": 1}]
    assert upload_budget_check(_files(0.4, 0.4)) == int(0.4 * MB) * 2


@override_settings(LVZHI_UPLOAD_MAX_PER_REQUEST_MB=1, LVZHI_LEDGER_EVIDENCE_MAX_MB=1)
def test_the_ledger_form_names_the_total_and_keeps_no_file():
    field = MultipleFileField(required=False)
    with pytest.raises(ValidationError) as exc:
        field.clean(_files(0.7, 0.7))
    assert "合计" in exc.value.messages[0]


@pytest.mark.django_db
@override_settings(LVZHI_UPLOAD_MAX_PER_REQUEST_MB=5, LVZHI_UPLOAD_MAX_PER_USER_DAY_MB=2)
def test_an_account_has_a_daily_budget_and_the_next_day_a_new_one():
    user, other = UserFactory(), UserFactory()
    upload_budget_check(_files(1.5), user=user, now=NOW)
    with pytest.raises(ValidationError) as exc:
        upload_budget_check(_files(1), user=user, now=NOW)
    assert exc.value.messages == [ERR_DAY_TOO_BIG % {"used": 1.5, "got": 1.0, "mb": 2}]
    upload_budget_check(_files(1.5), user=other, now=NOW)  # another account: its own budget
    upload_budget_check(_files(1.5), user=user, now=NOW + datetime.timedelta(days=1))


def test_uploaded_files_are_not_public_media():
    with pytest.raises(Resolver404):
        resolve("/media/ledger/2026/abc.pdf")


@pytest.mark.django_db
def test_a_serving_deputys_photo_is_public_and_a_former_ones_is_not(client):
    serving = DeputyFactory(photo=SimpleUploadedFile("me.png", PNG, "image/png"))
    response = client.get(reverse("deputies:photo", args=[serving.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    former = DeputyFactory(
        photo=SimpleUploadedFile("me.png", PNG, "image/png"),
        status=Status.RESIGNED,
        status_date=datetime.date(2026, 3, 1),
        status_reason="工作调动",
    )
    assert client.get(reverse("deputies:photo", args=[former.code])).status_code == 404
    bare = DeputyFactory()
    assert client.get(reverse("deputies:photo", args=[bare.code])).status_code == 404


@pytest.mark.django_db
@override_settings(LVZHI_UPLOAD_MAX_PER_REQUEST_MB=5, LVZHI_UPLOAD_MAX_PER_USER_DAY_MB=1)
def test_a_form_past_the_daily_budget_keeps_its_text_and_names_the_field():
    from django import forms

    from core.uploads import form_upload_budget

    class Form(forms.Form):
        title = forms.CharField()
        files = MultipleFileField(required=False)

    user = UserFactory()
    first = Form({"title": "走访记录"}, {"files": _files(0.6)})
    assert first.is_valid() and form_upload_budget(first, "files", user)
    second = Form({"title": "走访记录"}, {"files": _files(0.6)})
    assert second.is_valid() and not form_upload_budget(second, "files", user)
    assert "每天" in second.errors["files"][0] and second.data["title"] == "走访记录"
