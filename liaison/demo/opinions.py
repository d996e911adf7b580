"""Demo: visits at the demo stations (on their past reception days, with the deputies on duty;
visitors' phones stored whole and shown masked), some turned into suggestion drafts, some
referred to a department; and residents' opinions in every status, with replies, one merged
and one waiting past the triage deadline. Uses whatever stations ``demo.stations`` made and
creates none; without stations, deputies or categories it does nothing. Idempotent: visits by
(station, date, problem), opinions by their fixed demo tracking codes; dates relative to
``context.today``."""

import contextlib
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.demo import DemoContext
from deputies.models import Community
from deputies.models import Status as DeputyStatus
from suggestions.public import Category

from ..models import Opinion, ReceptionDay, Station, Visit, VisitStatus
from ..services.opinions import (
    OpinionError,
    opinion_assign,
    opinion_close,
    opinion_merge,
    opinion_reply,
)
from ..services.visits import VisitError, visit_create, visit_refer, visit_to_suggestion

# problem, answer on the spot, category hint, what happens next ("" / "refer:<dept>" /
# "suggest" / a status)
VISITS = [
    (
        "小区南门路灯坏了三个月，晚上老人出行不便。",
        "已当场联系物业，承诺一周内修复。",
        "城市建设",
        VisitStatus.RESOLVED,
    ),
    (
        "老旧小区加装电梯，低层住户意见不一，希望街道出面协调。",
        "介绍了加装电梯政策和补贴标准。",
        "城市建设",
        "suggest",
    ),
    (
        "菜市场周边早高峰占道经营，学生上学不安全。",
        "记录问题，将转城管部门。",
        "社区治理",
        "refer:街道综合行政执法队",
    ),
    ("社区养老服务站午餐供应不足，经常排不上。", "", "养老服务", VisitStatus.IN_PROGRESS),
    ("快递员在小区没有休息点，夏天很难熬。", "建议驿站开放休息区。", "社区治理", "suggest"),
    ("网约车临时停靠点太少，经常被贴罚单。", "将向交警部门反映。", "城市建设", "refer:交警大队"),
    ("小区垃圾分类投放点异味大，希望调整位置。", "", "社区治理", VisitStatus.OPEN),
]

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


def _category(hint: str) -> Category | None:
    categories = Category.objects.filter(is_active=True)
    return categories.filter(name__contains=hint[:2]).first() or categories.first()


def _at(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(context: DemoContext) -> None:
    stations = list(
        Station.objects.filter(is_active=True).prefetch_related("deputies").order_by("pk")[:6]
    )
    if not stations or not Category.objects.filter(is_active=True).exists():
        return
    _visits(context, stations)
    _opinions(context, stations)


def _visits(context: DemoContext, stations: list[Station]) -> None:
    today = context.today
    for index, (problem, answer, hint, then) in enumerate(VISITS):
        station = stations[index % len(stations)]
        day = (
            ReceptionDay.objects.filter(station=station, date__lt=today)
            .order_by("-date", "starts_at")
            .first()
        )
        occurred_on = day.date if day is not None else today - timedelta(days=7 + index)
        if Visit.objects.filter(station=station, occurred_on=occurred_on, problem=problem).exists():
            continue
        present = (
            [d.deputy for d in day.duties.select_related("deputy") if d.attended is not False]
            if day is not None
            else []
        ) or [d for d in station.deputies.all() if d.status == DeputyStatus.SERVING][:2]
        category = _category(hint)
        if not present or category is None:
            continue
        try:
            visit = visit_create(
                actor=None,
                station=station,
                occurred_on=occurred_on,
                reception_day=day,
                deputies=present,
                category=category,
                community=station.community,
                problem=problem,
                answer=answer,
                visitor_name=["王阿姨", "李师傅", "", "张大爷", "赵先生", "周女士", ""][index],
                visitor_phone=f"139{index:04d}{5678 + index:04d}",
                status=then if then in VisitStatus.values else VisitStatus.OPEN,
                today=today,
            )
            if then.startswith("refer:"):
                visit_refer(visit=visit, department=then.split(":", 1)[1], actor=None)
            elif then == "suggest":
                visit_to_suggestion(visit=visit, deputy=present[0], actor=None)
        except VisitError:
            continue


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
        opinion = Opinion.objects.create(
            tracking_code=code,
            station=station,
            category=_category(["城市", "社区", "教育", "交通", "城市", "城市"][index]) or category,
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
