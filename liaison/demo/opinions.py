"""Demo: residents' opinions in every status, with replies, one merged and one waiting past
the triage deadline (the visits are ``demo.visits``). Uses whatever stations
``demo.stations`` made and creates none; without stations or categories it does nothing.
Idempotent: opinions by their fixed demo tracking codes; dates relative to
``context.today``."""

import contextlib
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.demo import DemoContext
from deputies.models import Community
from suggestions.public import Category

from ..models import Opinion, Station
from ..services.opinions import (
    OpinionError,
    opinion_assign,
    opinion_close,
    opinion_merge,
    opinion_reply,
)
from .visits import category_for

# code, days ago, description, contact, status steps
OPINIONS = [
    ("DEMQA2B3CD", 1, "公园健身器材有几件损坏，孩子玩耍有安全隐患。", ("", ""), []),
    ("DEMQE4F5GH", 6, "楼下餐馆油烟直排，夏天不敢开窗。", ("陈女士", "13900001111"), []),
    ("DEMQJ6K7MN", 10, "希望社区增加儿童托管服务。", ("", ""), ["assign"]),
    (
        "DEMQP8Q9RS",
        15,
        "公交站台没有遮雨棚，下雨天等车很难。",
        ("王先生", "13700002222"),
        ["assign", "reply"],
    ),
    ("DEMQT2U3VW", 30, "小区停车位紧张，外来车辆占位。", ("", ""), ["assign", "reply", "close"]),
    ("DEMQX4Y5Z6", 29, "小区外来车辆太多，停车难。", ("", ""), ["merge:DEMQT2U3VW"]),
]

REPLY = "已转街道相关科室办理，工作人员将在两周内回访。感谢您的反映！"


def _at(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(context: DemoContext) -> None:
    stations = list(
        Station.objects.filter(is_active=True).prefetch_related("deputies").order_by("pk")[:6]
    )
    if not stations or not Category.objects.filter(is_active=True).exists():
        return
    _opinions(context, stations)


def _opinions(context: DemoContext, stations: list[Station]) -> None:
    today = context.today
    communities = list(Community.objects.filter(is_active=True).order_by("order", "pk")[:6])
    category = Category.objects.filter(is_active=True).order_by("order", "pk").first()
    if not communities or category is None:
        return
    for index, (code, days_ago, text, (name, phone), steps) in enumerate(OPINIONS):
        if Opinion.objects.filter(tracking_code=code).exists():
            continue
        station = stations[index % len(stations)]
        day = today - timedelta(days=days_ago)
        hint = ["城市", "社区", "教育", "交通", "城市", "城市"][index]
        opinion = Opinion.objects.create(
            tracking_code=code,
            station=station,
            category=category_for(hint) or category,
            community=station.community if station.community.is_active else communities[0],
            description=text,
            contact_name=name,
            contact_phone=phone,
            consent=True,
            submitted_at=_at(day, 9 + index),
            submitted_on=day,
        )
        deputy = next(iter(station.deputies.all()), None)
        with contextlib.suppress(OpinionError):
            for step in steps:
                when = _at(day + timedelta(days=2), 15)
                if step == "assign":
                    opinion_assign(opinion=opinion, deputy=deputy, station=station, actor=None)
                elif step == "reply":
                    opinion_reply(opinion=opinion, reply=REPLY, actor=None, now=when)
                elif step == "close":
                    opinion_close(opinion=opinion, actor=None, now=when + timedelta(days=3))
                elif step.startswith("merge:"):
                    survivor = Opinion.objects.get(tracking_code=step.split(":", 1)[1])
                    opinion_merge(opinions=[opinion], into=survivor, actor=None)
