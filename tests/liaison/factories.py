"""Factories of the liaison app's rows, shared by every liaison test module."""

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.models import (
    Duty,
    EventSource,
    ExternalEvent,
    Opinion,
    ReceptionDay,
    Station,
    StationKind,
    Story,
    StoryPhoto,
    StoryStatus,
    Visit,
)
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    kind = StationKind.STATION
    name = factory.Sequence(lambda n: f"测试联络站{n}")
    community = factory.SubFactory(CommunityFactory)
    address = "示范路 1 号"
    opening_hours = "每周三 9:00–11:30"


class ReceptionDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionDay

    station = factory.SubFactory(StationFactory)
    date = datetime.date(2026, 11, 18)
    starts_at = datetime.time(9, 0)
    ends_at = datetime.time(11, 30)


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    reception_day = factory.SubFactory(ReceptionDayFactory)
    deputy = factory.SubFactory("tests.deputies.factories.DeputyWithUserFactory")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    occurred_on = datetime.date(2026, 11, 18)
    station = factory.SubFactory(StationFactory)
    category = factory.SubFactory(CategoryFactory)
    community = factory.SelfAttribute("station.community")
    visitor_name = "王阿姨"
    visitor_phone = "13912345678"
    problem = "小区路灯坏了三个月没人修。"


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    tracking_code = factory.Sequence(lambda n: f"T{n:09d}")
    category = factory.SubFactory(CategoryFactory)
    community = factory.SubFactory(CommunityFactory)
    description = "菜市场门口早高峰拥堵。"
    consent = True
    submitted_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)
    )
    submitted_on = datetime.date(2026, 11, 18)


class ExternalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalEvent

    occurred_on = datetime.date(2026, 11, 18)
    source = EventSource.HOTLINE
    category = factory.SubFactory(CategoryFactory)
    community = factory.SubFactory(CommunityFactory)
    summary = "噪音扰民"


def jpeg_bytes(width: int = 40, height: int = 30) -> bytes:
    """A real (tiny) JPEG, drawn by Pillow: what a staff member's phone photo looks like to
    the validator."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


class StoryFactory(factory.django.DjangoModelFactory):
    """A draft story (代表在身边); ``published=True`` publishes it at ``published_at``."""

    class Meta:
        model = Story
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"代表在身边测试故事{n}")
    body = "第一段。\n\n第二段。"
    happened_on = datetime.date(2026, 11, 10)
    status = StoryStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=StoryStatus.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: datetime.datetime(2026, 11, 12, 2, 0, tzinfo=datetime.UTC)
            ),
        )

    @factory.post_generation
    def deputies(self, create, extracted, **kwargs):
        if create and extracted:
            self.deputies.set(extracted)


class StoryPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryPhoto

    story = factory.SubFactory(StoryFactory)
    image = factory.LazyFunction(lambda: SimpleUploadedFile("现场.jpg", jpeg_bytes()))
    caption = "现场照片"
