"""Demo: four published deputy stories (代表在身边) with photos drawn by Pillow at seed time (no
image files in the repository) and one draft about the demo deputy d001, so the public feed,
a story page and the admin's preview all have something to show. Idempotent by title; dates
are days before ``context.today``, valid on any date."""

import io
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from core.demo import DemoContext

from ..models import Station, Story
from ..services.stories import story_photo_add, story_publish

# title, days ago, station index, deputy indexes (in the station's roster), body, photo captions
STORIES = [
    (
        "加装电梯“最后一公里”：代表三次进楼道听意见",
        24,
        0,
        (0, 1),
        "东湖社区 6 栋是上世纪九十年代的老楼，住着不少行动不便的老人。接待日上，居民反映加装电梯"
        "因为低层住户有顾虑迟迟推不动。\n\n代表没有急着表态，而是三次走进楼道，分别听取高层、"
        "低层住户的想法，请来设计单位现场讲解采光和噪音的处理办法，并协调街道落实补贴政策。\n\n"
        "上个月，全楼住户在协议上签了字，电梯已进场施工。老人们说：“代表把我们的事当自己的事。”",
        ("代表在楼道里听取住户意见", "施工队进场"),
    ),
    (
        "快递小哥的“歇脚点”有了着落",
        15,
        4,
        (0,),
        "南苑快递驿站民情收集点开张后，代表在站里接待了二十多位快递员，大家最盼的是一个能喝口水、"
        "给电动车充电的地方。\n\n代表把意见整理成建议，联系社区和物业腾出一间闲置门面，改造成"
        "“暖蜂驿站”，配上饮水机、充电柜和微波炉。\n\n现在每天有上百位骑手在这里歇脚。",
        ("改造后的暖蜂驿站",),
    ),
    (
        "政务大厅里的“代表接待窗口”",
        9,
        2,
        (0, 2),
        "街道政务服务大厅的代表联络站每个工作日上午都有代表值班。一位企业负责人反映，开办手续"
        "需要在几个窗口之间来回跑。\n\n值班代表当场陪同走了一遍流程，把卡点记下来，会后与大厅负责人"
        "一起梳理，推动把三个窗口合并为“一窗通办”。\n\n这项改进已在全街道推广。",
        ("代表陪同企业负责人走流程", "一窗通办窗口", "代表与大厅负责人座谈"),
    ),
    (
        "园区夜间公交开通了",
        4,
        3,
        (1,),
        "滨江产业园不少年轻人下夜班后打不到车。代表在园区联系点连续两次接待时都听到了这个问题。\n\n"
        "代表走访了公交公司和园区企业，算清客流，提出开通夜间专线的建议。\n\n"
        "新线路本月开通，末班车延长到晚上 11 点。",
        ("夜间专线首班车",),
    ),
]
DRAFT = (
    "社区食堂试运营调查（草稿）",
    2,
    0,
    (0,),
    "代表利用接待日走访社区食堂，听取老年人对菜价、口味的意见。",
)
PALETTE = [(179, 38, 30), (33, 94, 160), (46, 125, 50), (190, 120, 20), (110, 60, 140)]


def _photo(label: str, number: int) -> bytes:
    """A 1200×675 picture: a coloured band and a label, enough to show layout and cropping."""
    from PIL import Image, ImageDraw

    colour = PALETTE[number % len(PALETTE)]
    image = Image.new("RGB", (1200, 675), (240, 236, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1199, 674), outline=colour, width=16)
    draw.rectangle((0, 470, 1199, 674), fill=colour)
    for step in range(6):
        draw.ellipse((120 + step * 170, 160, 250 + step * 170, 290), fill=colour)
    draw.text((60, 540), f"photo {number}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _story(spec, stations: list[Station], context: DemoContext) -> Story | None:
    title, days_ago, station_index, deputy_indexes, body = spec[:5]
    existing = Story.objects.filter(title=title).first()
    if existing is not None:
        return None
    station = stations[station_index % len(stations)]
    roster = list(station.deputies.order_by("code"))
    if not roster:
        return None
    story = Story.objects.create(
        title=title,
        body=body,
        station=station,
        happened_on=context.today - timedelta(days=days_ago),
    )
    story.deputies.set({roster[i % len(roster)].pk for i in deputy_indexes})
    return story


def seed(context: DemoContext) -> None:
    stations: list[Station] = list(context.data.get("stations") or [])
    if not stations:
        return
    for number, spec in enumerate(STORIES):
        story = _story(spec, stations, context)
        if story is None:
            continue
        for order, caption in enumerate(spec[5]):
            content = ContentFile(_photo(caption, number * 3 + order), name=f"现场{order + 1}.jpg")
            story_photo_add(story=story, file=content, caption=caption, order=order, actor=None)
        moment = timezone.make_aware(
            datetime.combine(story.happened_on + timedelta(days=1), time(10, 0))
        )
        story_publish(stories=[story], actor=None, now=moment)
    _story(DRAFT, stations, context)
