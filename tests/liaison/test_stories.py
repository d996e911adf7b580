"""代表在身边, the staff side: publishing and withdrawing (staff only, audited, refused without a
deputy or with a future date), the admin's form with inline photos, and the photo checks (an
oversized file, a renamed document, a mismatched extension: a clear message, nothing stored)."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import clock
from core.audit import AuditEvent
from liaison.models import Story, StoryPhoto, StoryStatus
from liaison.models.stories import (
    ERR_PHOTO_EXTENSION,
    ERR_PHOTO_NOT_IMAGE,
    ERR_PHOTO_TOO_BIG,
    validate_story_photo,
)
from liaison.services.stories import (
    ERR_FUTURE,
    ERR_NO_DEPUTY,
    ERR_NOT_PERMITTED,
    StoryError,
    story_photo_add,
    story_publish,
    story_withdraw,
)
from tests.deputies.factories import DeputyWithUserFactory
from tests.liaison.factories import StationFactory, StoryFactory, StoryPhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- publish and withdraw ------------------------------------------------------------------


def test_publish_sets_time_and_audits(staff_user):
    story = StoryFactory(deputies=[DeputyWithUserFactory()])
    assert story_publish(stories=[story], actor=staff_user, now=NOW) == 1
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED
    assert story.published_at == NOW
    event = AuditEvent.objects.get(action="liaison.story.publish")
    assert event.actor == staff_user and event.target_id == str(story.pk)
    # publishing again changes nothing and writes no second row
    assert story_publish(stories=[story], actor=staff_user, now=NOW) == 0
    assert AuditEvent.objects.filter(action="liaison.story.publish").count() == 1


def test_withdraw_then_republish_comes_back_on_top(staff_user):
    story = StoryFactory(deputies=[DeputyWithUserFactory()], published=True)
    assert story_withdraw(stories=[story], actor=staff_user, reason="照片需更换") == 1
    story.refresh_from_db()
    assert story.status == StoryStatus.WITHDRAWN
    event = AuditEvent.objects.get(action="liaison.story.withdraw")
    assert event.data == {"reason": "照片需更换"}
    assert story_withdraw(stories=[story], actor=staff_user) == 0  # not published: skipped
    later = NOW + datetime.timedelta(days=3)
    assert story_publish(stories=[story], actor=staff_user, now=later) == 1
    story.refresh_from_db()
    assert story.published_at == later


def test_publish_refuses_a_story_without_deputies_and_publishes_none(staff_user):
    good = StoryFactory(deputies=[DeputyWithUserFactory()])
    bare = StoryFactory(title="没有代表的故事")
    with pytest.raises(StoryError) as exc:
        story_publish(stories=[good, bare], actor=staff_user, now=NOW)
    assert str(exc.value) == ERR_NO_DEPUTY % {"title": "没有代表的故事"}
    assert not Story.objects.filter(status=StoryStatus.PUBLISHED).exists()


def test_publish_refuses_a_future_story(staff_user):
    story = StoryFactory(deputies=[DeputyWithUserFactory()], happened_on=datetime.date(2026, 12, 1))
    with pytest.raises(StoryError) as exc:
        story_publish(stories=[story], actor=staff_user, now=NOW)
    assert str(exc.value) == ERR_FUTURE % {"title": story.title}


def test_a_deputy_may_not_publish_or_withdraw(deputy):
    story = StoryFactory(deputies=[deputy])
    for call in (story_publish, story_withdraw):
        with pytest.raises(StoryError) as exc:
            call(stories=[story], actor=deputy.user)
        assert str(exc.value) == ERR_NOT_PERMITTED
    story.refresh_from_db()
    assert story.status == StoryStatus.DRAFT
    with pytest.raises(StoryError):
        story_photo_add(
            story=story, file=SimpleUploadedFile("a.jpg", jpeg_bytes()), actor=deputy.user
        )
    assert not StoryPhoto.objects.exists()


def test_paragraphs_are_the_non_empty_lines():
    story = Story(body="第一段。\r\n\r\n  第二段。\n第三段。\n\n")
    assert story.paragraphs == ["第一段。", "第二段。", "第三段。"]


# --- photo checks --------------------------------------------------------------------------


def test_a_real_jpeg_is_stored_under_a_random_name(staff_user, media):
    story = StoryFactory()
    photo = story_photo_add(
        story=story, file=SimpleUploadedFile("居民座谈.jpg", jpeg_bytes()), actor=staff_user
    )
    assert photo.name == "居民座谈.jpg"
    assert photo.image.name.startswith("liaison/stories/") and "居民" not in photo.image.name
    assert AuditEvent.objects.filter(action="liaison.story.photo_add").count() == 1


def test_a_renamed_document_is_refused_in_chinese_and_nothing_stored(staff_user, media):
    story = StoryFactory()
    fake = SimpleUploadedFile("现场.jpg", b"%PDF-1.4 not a photo at all" * 10)
    with pytest.raises(StoryError) as exc:
        story_photo_add(story=story, file=fake, actor=staff_user)
    assert str(exc.value) == ERR_PHOTO_NOT_IMAGE % {"name": "现场.jpg"}
    assert not StoryPhoto.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_photo_is_refused(settings, staff_user, media):
    settings.LVZHI_STORY_PHOTO_MAX_MB = 1
    big = SimpleUploadedFile("大图.jpg", jpeg_bytes() + b"\0" * (1024 * 1024))
    with pytest.raises(StoryError) as exc:
        story_photo_add(story=StoryFactory(), file=big, actor=staff_user)
    assert str(exc.value) == ERR_PHOTO_TOO_BIG % {"mb": 1}
    assert stored_files(media) == []


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_called_jpg_is_refused():
    from django.core.exceptions import ValidationError

    PNG = png_bytes()

    with pytest.raises(ValidationError) as exc:
        validate_story_photo(SimpleUploadedFile("照片.jpg", PNG))
    assert exc.value.messages == [ERR_PHOTO_EXTENSION % {"name": "照片.jpg", "format": "PNG"}]
    validate_story_photo(SimpleUploadedFile("照片.png", PNG))  # the same bytes, named right


def test_a_truncated_jpeg_is_not_an_image():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        validate_story_photo(SimpleUploadedFile("半张.jpg", jpeg_bytes()[:40]))
    assert exc.value.code == "photo_not_image"


# --- the admin -----------------------------------------------------------------------------


def _form(deputy, station, **extra):
    data = {
        "title": "代表帮助修好路灯",
        "happened_on": "2026-11-10",
        "station": station.pk,
        "deputies": [deputy.pk],
        "body": "第一段。\n\n<script>alert(1)</script>",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "photos-0-caption": "修好的路灯",
        "photos-0-order": "0",
    }
    data.update(extra)
    return data


def test_admin_writes_a_story_with_a_photo_and_audits(admin_client, staff_user, media):
    deputy, station = DeputyWithUserFactory(), StationFactory()
    data = _form(deputy, station, **{"photos-0-image": SimpleUploadedFile("灯.jpg", jpeg_bytes())})
    response = admin_client.post(reverse("admin:liaison_story_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Story.objects.get()
    assert story.author == staff_user and story.status == StoryStatus.DRAFT
    assert list(story.deputies.all()) == [deputy]
    assert story.photos.get().caption == "修好的路灯"
    event = AuditEvent.objects.get(action="liaison.story.create")
    assert event.data["deputies"] == [deputy.code]


def test_admin_refuses_a_fake_photo_with_a_message_and_stores_nothing(admin_client, media):
    deputy, station = DeputyWithUserFactory(), StationFactory()
    fake = SimpleUploadedFile("灯.jpg", b"MZ\x90\x00 this is an exe" * 20)
    response = admin_client.post(
        reverse("admin:liaison_story_add"), _form(deputy, station, **{"photos-0-image": fake})
    )
    assert response.status_code == 200
    assert (ERR_PHOTO_NOT_IMAGE % {"name": "灯.jpg"}) in response.content.decode()
    assert not Story.objects.exists() and not StoryPhoto.objects.exists()
    assert stored_files(media) == []


def test_admin_refuses_a_batch_over_the_upload_budget(settings, admin_client, media):
    settings.LVZHI_UPLOAD_MAX_PER_REQUEST_MB = 1
    settings.LVZHI_STORY_PHOTO_MAX_MB = 5
    deputy, station = DeputyWithUserFactory(), StationFactory()
    big = SimpleUploadedFile("大.jpg", jpeg_bytes() + b"\0" * (1024 * 1024 + 10))
    response = admin_client.post(
        reverse("admin:liaison_story_add"), _form(deputy, station, **{"photos-0-image": big})
    )
    assert response.status_code == 200
    assert "超过每次 1 MB 的上限" in response.content.decode()
    assert not Story.objects.exists()
    assert stored_files(media) == []


def test_admin_refuses_a_future_date(admin_client):
    deputy, station = DeputyWithUserFactory(), StationFactory()
    tomorrow = clock.today() + datetime.timedelta(days=1)
    data = _form(deputy, station, happened_on=tomorrow.isoformat())
    response = admin_client.post(reverse("admin:liaison_story_add"), data)
    assert response.status_code == 200
    assert "事迹日期在今天之后" in response.content.decode()
    assert not Story.objects.exists()


def test_admin_actions_publish_and_withdraw(admin_client):
    story = StoryFactory(deputies=[DeputyWithUserFactory()])
    bare = StoryFactory(title="无代表")
    url = reverse("admin:liaison_story_changelist")
    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [story.pk, bare.pk]}, follow=True
    )
    assert (ERR_NO_DEPUTY % {"title": "无代表"}) in response.content.decode()
    assert not Story.objects.filter(status=StoryStatus.PUBLISHED).exists()
    admin_client.post(url, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED
    response = admin_client.post(
        url, {"action": "withdraw", "_selected_action": [story.pk]}, follow=True
    )
    story.refresh_from_db()
    assert story.status == StoryStatus.WITHDRAWN
    assert "已撤回 1 篇" in response.content.decode()


def test_admin_list_and_change_page_at_constant_queries(
    admin_client, django_assert_max_num_queries
):
    deputies = [DeputyWithUserFactory() for _ in range(3)]
    for _ in range(12):
        StoryFactory(deputies=deputies, station=StationFactory())
    url = reverse("admin:liaison_story_changelist")
    with django_assert_max_num_queries(14):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert deputies[0].name in response.content.decode()


def test_admin_change_page_links_photos_through_the_checked_view(admin_client, media):
    story = StoryFactory(deputies=[DeputyWithUserFactory()])
    photo = StoryPhotoFactory(story=story)
    html = admin_client.get(reverse("admin:liaison_story_change", args=[story.pk])).content
    html = html.decode()
    assert reverse("liaison:story_detail", args=[story.pk]) in html  # the preview link
    assert reverse("liaison:story_photo", args=[photo.pk]) in html
    assert photo.image.name not in html  # the storage path is never shown or linked


def test_change_page_saves_and_publishes_then_withdraws(admin_client):
    deputy, station = DeputyWithUserFactory(), StationFactory()
    story = StoryFactory(deputies=[deputy], station=station)
    url = reverse("admin:liaison_story_change", args=[story.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="_publish"' in html and 'name="_withdraw"' not in html
    data = _form(deputy, station, title="改过标题再发布", _publish="1")
    data["photos-TOTAL_FORMS"] = "0"
    response = admin_client.post(url, data, follow=True)
    story.refresh_from_db()
    assert (story.title, story.status) == ("改过标题再发布", StoryStatus.PUBLISHED)
    assert "已保存并发布" in response.content.decode()
    assert 'name="_withdraw"' in response.content.decode()
    data = _form(deputy, station, title="改过标题再发布", _withdraw="1")
    data["photos-TOTAL_FORMS"] = "0"
    admin_client.post(url, data)
    story.refresh_from_db()
    assert story.status == StoryStatus.WITHDRAWN
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"liaison.story.update", "liaison.story.publish", "liaison.story.withdraw"} <= actions


def test_change_page_publish_refused_without_deputies_keeps_the_draft(admin_client):
    story = StoryFactory(title="无代表草稿")
    url = reverse("admin:liaison_story_change", args=[story.pk])
    data = _form(DeputyWithUserFactory(), StationFactory(), title="无代表草稿", _publish="1")
    data["photos-TOTAL_FORMS"] = "0"
    data.pop("deputies")
    response = admin_client.post(url, data, follow=True)
    story.refresh_from_db()
    assert story.status == StoryStatus.DRAFT
    assert response.status_code == 200
