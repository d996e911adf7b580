"""Bad input (issue #13): malformed JSON, wrong types, unknown fields, oversized uploads and
refusals of the services are 400s in the one shape, naming the field where there is one, and
leave nothing written."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from api.errors import flatten
from performance.models import EntryEvidence, LedgerEntry
from suggestions.models import Suggestion
from tests.api.conftest import TODAY
from tests.performance.factories import rule_set
from tests.performance.factories_pages import PNG
from tests.suggestions.factories import CategoryFactory

pytestmark = pytest.mark.django_db
ENTRIES = "/api/v1/ledger/entries/"


@pytest.fixture
def deputy_api(clock_at_noon, bearer, deputy):
    rule_set(TODAY.year)
    return bearer(deputy.user)


def entry(**extra) -> dict:
    return {
        "rule": "B05",
        "occurred_on": (TODAY - timedelta(days=3)).isoformat(),
        "title": "走访",
    } | extra


def assert_nothing_written():
    assert not LedgerEntry.objects.exists()
    assert not EntryEvidence.objects.exists()


def test_malformed_json(deputy_api):
    response = deputy_api.post(ENTRIES, b'{"rule": "B05",', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "请求体无法解析：不是有效的 JSON 或表单数据。",
        "errors": {},
    }
    assert_nothing_written()


@pytest.mark.parametrize("body", [[1, 2], "text", 42, None])
def test_a_body_that_is_not_an_object(deputy_api, body):
    response = deputy_api.post(ENTRIES, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert_nothing_written()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_on", "yesterday"),
        ("occurred_on", 20260601),
        ("title", ""),
        ("title", "长" * 201),
        ("rule", {"code": "B05"}),
        ("files", "not-a-file"),
    ],
)
def test_wrong_types_name_the_field(deputy_api, field, value):
    response = deputy_api.post(ENTRIES, entry(**{field: value}), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert_nothing_written()


def test_unknown_fields_are_named(deputy_api):
    response = deputy_api.post(
        ENTRIES, entry(ocurred_on="2026-06-01", status="verified"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ocurred_on": ["不支持的字段。"],
        "status": ["不支持的字段。"],
    }
    assert_nothing_written()


def test_the_services_refusal_is_the_webs_message(deputy_api):
    future = (TODAY + timedelta(days=1)).isoformat()
    response = deputy_api.post(ENTRIES, entry(occurred_on=future), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "履职日期不能晚于今天。", "errors": {}}
    assert_nothing_written()


def test_a_file_of_the_wrong_kind_is_named(deputy_api):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = deputy_api.post(ENTRIES, entry(files=[fake]), format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["files"] and errors["files"][0].startswith("photo.png：")
    assert_nothing_written()


@override_settings(LVZHI_UPLOAD_MAX_PER_REQUEST_MB=0)
def test_an_upload_over_the_budget_is_refused_whole(deputy_api):
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = deputy_api.post(ENTRIES, entry(files=[photo]), format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["files"]
    assert_nothing_written()


@override_settings(LVZHI_LEDGER_EVIDENCE_MAX_MB=0)
def test_a_file_over_its_own_limit_is_named(deputy_api):
    photo = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    response = deputy_api.post(ENTRIES, entry(files=[photo]), format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["files"][0].startswith("big.png：")
    assert_nothing_written()


def test_a_good_multipart_entry_with_two_photos(deputy_api):
    photos = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in (1, 2)]
    response = deputy_api.post(ENTRIES, entry(files=photos), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and [e["name"] for e in body["evidence"]] == [
        "p1.png",
        "p2.png",
    ]
    photo = deputy_api.get(body["evidence"][0]["url"])
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == PNG


def test_an_unknown_filter_value_is_a_400(deputy_api):
    for query in ("status=zzz", "year=abc", "page=999", "page_size=x"):
        response = deputy_api.get(f"{ENTRIES}?{query}")
        assert response.status_code in (200, 400, 404), query
        assert response.status_code != 200 or "results" in response.json()
    assert deputy_api.get(f"{ENTRIES}?status=zzz").json()["errors"].keys() == {"status"}


def test_a_score_year_out_of_range(deputy_api):
    response = deputy_api.get("/api/v1/me/score/?year=1800")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["year"]


def test_a_nested_error_names_the_item(clock_at_noon, bearer, deputy):
    CategoryFactory()
    body = {"title": "t", "category": "x", "origin": "nowhere", "body": "b", "co_signers": ["a"]}
    response = bearer(deputy.user).post("/api/v1/suggestions/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"category", "origin", "co_signers"}
    assert not Suggestion.objects.exists()


def test_flatten_names_nested_paths():
    detail = {"problems": [{}, {"kind": ["无效"]}], "non_field_errors": ["整体"]}
    assert flatten(detail) == {"problems.1.kind": ["无效"], "non_field_errors": ["整体"]}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_djangos_limit_is_a_400_in_the_shape(deputy_api):
    response = deputy_api.post(ENTRIES, entry(description="长" * 2000), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "提交的内容过大或字段、文件过多，请精简后再试。",
        "errors": {},
    }
    assert_nothing_written()
