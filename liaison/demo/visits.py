"""Demo: visits at the demo stations, logged on their past reception days with the deputies on
duty (visitors' phones stored whole and shown masked), some turned into suggestion drafts,
some referred to a department.

Two sets: ``VISITS``, one a station in turn on its latest past reception day; and
``HOME_VISITS``, the demo deputy d001's own record at their station (the first station's
first deputy, as ``demo.stations`` puts them on duty there), spread over that station's past
reception days of the last three months, a few logged by d001 on the phone, the others by
staff, so that d001's visit list is as full as a deputy's at district scale. Uses whatever
stations ``demo.stations`` made and creates none; without stations, deputies or categories it
does nothing. Idempotent: visits by (station, date, problem); dates relative to
``context.today``, never after it."""

from datetime import date, timedelta
from typing import NamedTuple

from accounts.roles import Role, user_has_role
from core.demo import DemoContext
from deputies.models import Deputy
from deputies.models import Status as DeputyStatus
from suggestions.public import Category

from ..models import ReceptionDay, Satisfaction, Station, Visit, VisitStatus
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


class HomeVisit(NamedTuple):
    """One of d001's visits: on the past reception day of their station nearest to
    ``days_ago`` days before today on which they were on duty and came."""

    days_ago: int
    problem: str
    answer: str
    hint: str  # the start of a category's name
    then: str  # a status, "refer:<department>" or "suggest" (a draft led by d001)
    visitor: str = ""
    phone: str = ""
    follow_up: str = ""
    satisfaction: str = ""
    own_log: bool = False  # logged by d001 on their phone rather than by staff


HOME_VISITS = [
    HomeVisit(
        98,
        "小区二次供水水箱好几年没见清洗，自来水有时发黄，家里烧水都要先放一会儿。",
        "当场请物业经理到站说明，要求其出示近一年的水箱清洗记录和水质检测报告。",
        "住房",
        VisitStatus.RESOLVED,
        visitor="刘阿姨",
        phone="13812340198",
        follow_up="物业两周内完成水箱清洗消毒，检测报告已在单元门口张贴；代表电话回访，水质正常。",
        satisfaction=Satisfaction.SATISFIED,
    ),
    HomeVisit(
        98,
        "东湖路公交站到社区卫生服务站之间的人行道没有无障碍坡道，坐轮椅的老人看病要绕一大圈。",
        "记下了具体路段，和居民一起拍照取证，答应把情况转给负责道路设施的部门。",
        "交通",
        "refer:区住房和城乡建设局",
        visitor="陈先生",
        follow_up="住建局已派人现场勘查，计划在下季度人行道改造中一并增设坡道。",
    ),
    HomeVisit(
        70,
        "我一个人住，子女都在外地，晚上要是突然不舒服连个喊人的地方都没有。",
        "介绍了街道为独居老人安装“一键呼叫”设备的补贴政策，当场帮老人填好申请表。",
        "养老",
        VisitStatus.IN_PROGRESS,
        visitor="孙奶奶",
        follow_up="申请已交街道民政科，等待服务商上门安装，代表约好装好后再去看一次。",
    ),
    HomeVisit(
        70,
        "社区老年食堂只管午饭，晚饭老人们只能凑合，能不能也开个晚餐？",
        "",
        "养老",
        "suggest",
        visitor="周大爷",
        phone="13698760070",
    ),
    HomeVisit(
        42,
        "楼下好几户从窗户拉电线给电动车充电，还有人把车推进楼道，万一着火后果不堪设想。",
        "会同社区网格员现场查看，劝导两户拆除了飞线，其余情况登记在册。",
        "消防",
        "refer:街道应急管理办公室",
        visitor="吴先生",
        phone="13577770042",
        follow_up="应急办牵头在小区东侧规划集中充电棚，已进入选址阶段。",
        own_log=True,
    ),
    HomeVisit(
        42,
        "小学下午三点半就放学，我们夫妻都上班，孩子没人接，希望学校能延长课后托管时间。",
        "解释了课后服务的现行规定，答应向学校和教育部门了解能否延时。",
        "教育",
        VisitStatus.OPEN,
        visitor="郑女士",
    ),
    HomeVisit(
        28,
        "我们单元加装电梯的协议已经签了，可施工要多久、几点开工都没人说清楚，"
        "一楼开店的住户很担心。",
        "请施工单位在单元口公示工期和每天作业时段，约定午休和晚上不施工。",
        "住房",
        VisitStatus.IN_PROGRESS,
        visitor="钱先生",
        phone="13955550028",
        follow_up="约好下次接待日请施工方和一楼住户当面沟通噪音和出入口安排。",
        own_log=True,
    ),
    HomeVisit(
        14,
        "小区电梯广告和地面停车的收入从来没公开过，这次物业管理条例修订能不能写明要定期公示？",
        "作为条例修订意见逐条记录，说明将汇总后报送区人大常委会。",
        "住房",
        "refer:区人大常委会法制工作委员会",
        visitor="冯先生",
        follow_up="意见已随本站征求意见汇总表报送，法工委回复将在修改稿中研究吸收。",
    ),
    HomeVisit(
        14,
        "业主委员会换届拖了两年多，维修资金动用不了，顶楼漏水一直没人修。",
        "当场联系社区居委会，约定本月内召开业主大会筹备组会议。",
        "社区",
        VisitStatus.IN_PROGRESS,
        visitor="褚阿姨",
        phone="13766660014",
        follow_up="筹备组已成立，顶楼漏水先由社区协调应急维修资金处理。",
        own_log=True,
    ),
    HomeVisit(
        7,
        "社区卫生服务站周末不开门，孩子半夜发烧只能打车去五公里外的大医院。",
        "介绍了附近两家医院的夜间儿科门诊，当场帮家长在手机上开通了线上问诊。",
        "医疗",
        "suggest",
        visitor="卫女士",
        phone="13511110007",
    ),
    HomeVisit(
        7,
        "失业快半年了，想学门手艺再就业，不知道去哪报名培训、有没有补贴。",
        "当场查询了区人社局本月的职业技能培训目录，帮他在线报名了电工培训班。",
        "就业",
        VisitStatus.RESOLVED,
        visitor="蒋师傅",
        phone="13822220007",
        follow_up="培训班已开课，学费由就业补贴全额承担。",
        satisfaction=Satisfaction.SATISFIED,
        own_log=True,
    ),
]


def category_for(hint: str) -> Category | None:
    categories = Category.objects.filter(is_active=True)
    return categories.filter(name__contains=hint[:2]).first() or categories.first()


def seed(context: DemoContext) -> None:
    stations = list(
        Station.objects.filter(is_active=True).prefetch_related("deputies").order_by("pk")[:6]
    )
    if not stations or not Category.objects.filter(is_active=True).exists():
        return
    _visits(context, stations)
    _home_visits(context, stations[0])


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
        category = category_for(hint)
        if not present or category is None:
            continue
        _record(
            then=then,
            lead=present[0],
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
            today=today,
        )


def _home_day(station: Station, deputy: Deputy, today: date, days_ago: int) -> ReceptionDay | None:
    """The station's past reception day nearest to ``days_ago`` days back on which ``deputy``
    was on duty and came (None without one)."""
    days = ReceptionDay.objects.filter(
        station=station, date__lt=today, duties__deputy=deputy, duties__attended=True
    ).order_by("date", "starts_at")
    target = today - timedelta(days=days_ago)
    return min(days, key=lambda day: abs((day.date - target).days), default=None)


def _home_visits(context: DemoContext, station: Station) -> None:
    today = context.today
    home = station.deputies.filter(status=DeputyStatus.SERVING).order_by("code").first()
    if home is None:
        return
    user = home.user if home.user_id and user_has_role(home.user, Role.DEPUTY) else None
    for spec in HOME_VISITS:
        day = _home_day(station, home, today, spec.days_ago)
        occurred_on = day.date if day is not None else today - timedelta(days=spec.days_ago)
        if Visit.objects.filter(
            station=station, occurred_on=occurred_on, problem=spec.problem
        ).exists():
            continue
        present = [home]
        if day is not None:  # with the other deputies who came that day
            present += [
                duty.deputy
                for duty in day.duties.select_related("deputy").order_by("deputy__code")
                if duty.attended and duty.deputy_id != home.pk
            ]
        category = category_for(spec.hint)
        if category is None:
            continue
        referred = spec.then.startswith("refer:")
        _record(
            then=spec.then,
            lead=home,
            actor=user if spec.own_log else None,
            note=spec.follow_up if referred else "",
            station=station,
            occurred_on=occurred_on,
            reception_day=day,
            deputies=present,
            category=category,
            community=station.community,
            problem=spec.problem,
            answer=spec.answer,
            follow_up="" if referred else spec.follow_up,
            visitor_name=spec.visitor,
            visitor_phone=spec.phone,
            satisfaction=spec.satisfaction if spec.then == VisitStatus.RESOLVED else "",
            today=today,
        )


def _record(*, then: str, lead: Deputy, actor, note: str = "", **fields) -> None:
    """Log a visit through the service and carry it on as ``then`` says: a status, a referral
    (``refer:<department>``, with ``note``) or ``suggest`` (a draft led by ``lead``). A visit
    the service refuses is left out."""
    try:
        visit = visit_create(
            actor=actor, status=then if then in VisitStatus.values else VisitStatus.OPEN, **fields
        )
        if then.startswith("refer:"):
            visit_refer(visit=visit, department=then.split(":", 1)[1], actor=actor, note=note)
        elif then == "suggest":
            visit_to_suggestion(visit=visit, deputy=lead, actor=actor)
    except VisitError:
        return
