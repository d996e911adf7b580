"""Demo suggestions: ten handling units with their logins and some forty suggestions of this
year and last year in every state, walked through the real services so that numbers, history,
deadlines, ledger credits, checks and notifications all agree. One unit scores below 60 two
years running (its 专题检讨 flag open); another held its review for two earlier weak years.
Idempotent: a suggestion whose title exists is left alone."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from core.demo import DEMO_PASSWORD, DemoContext
from deputies.models import Community, Deputy

from . import services
from .models import (
    DEFAULT_CATEGORIES,
    Category,
    CommitmentStatus,
    HandlingUnit,
    Kind,
    Origin,
    Status,
    Suggestion,
    UnitReview,
    UnitYearScore,
)
from .reviews import unit_review_record
from .scoring import unit_scores_refresh
from .workflow import add_months, suggestion_transition

UNITS = [
    ("区教育局", "教育局"),
    ("区卫生健康委员会", "卫健委"),
    ("区人力资源和社会保障局", "人社局"),
    ("区消防救援大队", "消防大队"),
    ("区住房和城乡建设局", "住建局"),
    ("区市场监督管理局", "市场监管局"),
    ("区交通运输局", "交通局"),
    ("区城市管理局", "城管局"),
    ("区民政局", "民政局"),
    ("区生态环境分局", "生态环境分局"),
]


@dataclass
class Item:
    title: str
    category: str
    unit: int  # index into UNITS
    stage: str
    ago: int  # days before today the suggestion was submitted
    kind: str = Kind.SUGGESTION
    origin: str = Origin.RESEARCH
    result: str = "A"
    verdict: str = "satisfied"
    score: int = 90
    benefit: tuple[int, ...] = ()
    tough: bool = False


# Stages: draft, submitted, not_registered, registered, assigned, in_handling, replied,
# evaluated, reopened, concluded, closed. ``ago`` is counted back from the seeding day.
ITEMS = [
    # --- this year -------------------------------------------------------------------------
    Item("关于在东湖小学门口设置护学岗的建议", "教育", 0, "closed", 300, benefit=(95, 90, 88)),
    Item(
        "关于增加社区卫生服务中心夜间门诊的建议", "医疗卫生", 1, "concluded", 200, benefit=(85, 80)
    ),
    Item(
        "关于加强灵活就业人员社保参保宣传的建议",
        "就业和社会保障",
        2,
        "evaluated",
        150,
        result="B",
        verdict="basic",
        score=70,
        benefit=(70, 65),
    ),
    Item(
        "关于老旧小区电动自行车集中充电设施建设的建议",
        "消防安全",
        3,
        "in_handling",
        140,
        tough=True,
    ),
    Item(
        "关于滨江小区加装电梯资金补贴的建议",
        "住房和物业",
        4,
        "reopened",
        170,
        result="C",
        verdict="unsatisfied",
        score=35,
    ),
    Item(
        "关于加强中心农贸市场食品安全抽检的建议",
        "食品安全",
        5,
        "replied",
        80,
        origin=Origin.LIAISON,
        benefit=(75,),
    ),
    Item("关于优化西园社区公交线路的建议", "交通出行", 6, "in_handling", 120),
    Item(
        "关于整治北辰路占道经营的建议",
        "城市管理和环境",
        7,
        "in_handling",
        130,
        origin=Origin.PUBLIC_OPINION,
    ),
    Item("关于扩大社区老年助餐点覆盖的建议", "养老服务", 8, "assigned", 20),
    Item("关于南苑河道黑臭水体治理的建议", "城市管理和环境", 9, "in_handling", 45),
    Item(
        "关于增设中小学课后延时服务的建议",
        "教育",
        0,
        "concluded",
        180,
        result="A",
        score=85,
        benefit=(80, 85, 90, 70),
    ),
    Item(
        "关于家庭医生签约服务提质的建议", "医疗卫生", 1, "evaluated", 160, score=88, benefit=(90,)
    ),
    Item(
        "关于高校毕业生就业见习基地建设的建议",
        "就业和社会保障",
        2,
        "replied",
        60,
        result="B",
        benefit=(),
    ),
    Item("关于高层住宅消防通道常态化清理的建议", "消防安全", 3, "concluded", 190, benefit=(60, 55)),
    Item("关于物业服务企业信用评价的建议", "住房和物业", 4, "in_handling", 50, kind=Kind.PROPOSAL),
    Item(
        "关于校园周边食品经营店整治的建议",
        "食品安全",
        5,
        "evaluated",
        170,
        score=92,
        benefit=(88, 93),
    ),
    Item("关于中心社区停车难问题的建议", "交通出行", 6, "in_handling", 110, tough=True),
    Item(
        "关于垃圾分类投放点除臭的建议",
        "城市管理和环境",
        7,
        "concluded",
        210,
        result="B",
        verdict="basic",
        score=45,
        benefit=(40, 50, 45),
    ),
    Item("关于困难老人居家适老化改造的建议", "养老服务", 8, "closed", 320, benefit=(92, 96)),
    Item(
        "关于工地扬尘治理的批评和意见",
        "城市管理和环境",
        9,
        "replied",
        70,
        kind=Kind.CRITICISM,
        origin=Origin.PUBLIC_OPINION,
        result="C",
    ),
    Item("关于社区图书室延长开放时间的建议", "社区治理", 0, "registered", 10),
    Item("关于街道社区议事会制度化的建议", "社区治理", 8, "submitted", 5, origin=Origin.LIAISON),
    Item("关于取消某企业行政处罚的建议", "其他", 5, "not_registered", 30),
    Item("关于公园增设健身器材的建议", "城市管理和环境", 7, "draft", 2),
    Item("关于小区二次供水设施改造的建议", "住房和物业", 4, "draft", 1),
    Item("关于规范校外培训机构收费的建议", "教育", 0, "submitted", 3),
    Item("关于三甲医院预约挂号号源下沉的建议", "医疗卫生", 1, "assigned", 15),
    Item(
        "关于夜市摊点消防安全检查的建议",
        "消防安全",
        3,
        "evaluated",
        175,
        score=80,
        benefit=(78, 82),
    ),
    # --- last year --------------------------------------------------------------------------
    Item("关于学校食堂明厨亮灶全覆盖的建议", "教育", 0, "closed", 560, benefit=(90, 92)),
    Item("关于社区卫生服务站增设儿科的建议", "医疗卫生", 1, "closed", 540, benefit=(85,)),
    Item("关于零工市场建设的建议", "就业和社会保障", 2, "closed", 600, score=75, benefit=(70, 72)),
    Item("关于老旧小区消火栓更新的建议", "消防安全", 3, "closed", 520, benefit=(88,)),
    Item(
        "关于保障性租赁住房配租的建议",
        "住房和物业",
        4,
        "closed",
        580,
        result="B",
        verdict="basic",
        score=65,
        benefit=(60, 62),
    ),
    Item("关于网络订餐食品安全监管的建议", "食品安全", 5, "closed", 500, benefit=(82, 86)),
    Item("关于增设公交候车亭的建议", "交通出行", 6, "closed", 530, benefit=(80,)),
    Item(
        "关于背街小巷环境整治的建议",
        "城市管理和环境",
        7,
        "closed",
        590,
        result="C",
        verdict="basic",
        score=40,
        benefit=(45, 50),
    ),
    Item(
        "关于农贸市场周边违停整治的建议",
        "城市管理和环境",
        7,
        "closed",
        550,
        result="B",
        verdict="basic",
        score=50,
        benefit=(55,),
    ),
    Item("关于社区养老服务驿站运营补贴的建议", "养老服务", 8, "closed", 610, benefit=(90,)),
    Item("关于沿河排污口排查的建议", "城市管理和环境", 9, "closed", 570, benefit=(75, 80)),
    Item(
        "关于学区划分公开透明的建议",
        "教育",
        0,
        "concluded",
        480,
        result="B",
        verdict="basic",
        score=70,
        benefit=(68,),
    ),
    # --- the education bureau's work in hand (unit01, the first unit login, opens on it) -----
    Item("关于东湖小学周边上下学时段交通疏导的建议", "教育", 0, "in_handling", 55),
    Item("关于增加普惠性托育服务供给的建议", "教育", 0, "in_handling", 95, kind=Kind.PROPOSAL),
    Item("关于中小学课后服务收费公示的建议", "教育", 0, "assigned", 12, origin=Origin.LIAISON),
]


def seed(context: DemoContext) -> None:
    rng = random.Random(20261125)
    today = context.today
    clerk = User.objects.filter(username="clerk").first()
    categories = {}
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        categories[name] = Category.objects.get_or_create(
            name=name, defaults={"order": order * 10}
        )[0]
    unit_group = Group.objects.get(name=Role.HANDLING_UNIT.value)
    units = []
    for index, (name, short) in enumerate(UNITS, start=1):
        unit, _created = HandlingUnit.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "contact_name": f"{short}联络员",
                "contact_phone": f"0571-8800{index:04d}",
            },
        )
        username = f"unit{index:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, full_name=f"{short}联络员"
            )
        user.groups.add(unit_group)
        unit.users.add(user)
        units.append(unit)
        context.add_login(Role.HANDLING_UNIT.value, username, name)
    context.data["handling_units"] = units

    deputies = [
        d
        for d in context.data.get("deputies") or Deputy.objects.serving().order_by("code")
        if d.user_id and d.status == "serving"
    ]
    if not deputies:
        return
    communities = list(Community.objects.filter(is_active=True).order_by("order", "name"))
    for number, item in enumerate(ITEMS):
        if Suggestion.objects.filter(title=item.title).exists():
            continue
        # d001, the demo deputy, leads every eighth so their pages have something in each state.
        lead = deputies[0] if number % 8 == 0 else deputies[number % len(deputies)]
        co_signers = [deputies[(number + k) % len(deputies)] for k in (7, 19) if number % 3 == 0]
        _walk(
            item,
            lead,
            co_signers,
            categories[item.category],
            units,
            clerk,
            today,
            rng,
            communities=communities,
        )
    # The suggestions reach two years back, so the year before last has scores too: the
    # special-review flag (below 60 two years running) reads these stored scores.
    for year in (today.year - 2, today.year - 1, today.year):
        unit_scores_refresh(year=year)
    _reviewed_unit(units[6], today)


# 区交通运输局 scored below 60 in the two years before the demo's suggestions begin and held
# its 专题检讨 in the year after: stored scores of those years and the review record.
REVIEWED_SCORES = ((4, Decimal("56.50"), 5), (3, Decimal("52.00"), 4))


def _reviewed_unit(unit: HandlingUnit, today) -> None:
    for years_ago, score, concluded in REVIEWED_SCORES:
        UnitYearScore.objects.get_or_create(
            unit=unit,
            year=today.year - years_ago,
            defaults={
                "concluded": concluded,
                "implementation_avg": score,
                "benefit_avg": score,
                "score": score,
            },
        )
    year = today.year - 3
    if UnitReview.objects.filter(unit=unit, year=year).exists():
        return
    unit_review_record(
        actor=None,
        unit=unit,
        year=year,
        held_on=date(year + 1, 3, 15),
        attendees=f"{unit.short_name}主要负责人、分管负责人，各科室负责人；工委代表联络科",
        findings="答复流于形式，部分建议“答复即办结”，办理结果未跟踪落实；与领衔代表沟通不足。",
        measures="建立建议办理台账和月度调度制度，实行办前、办中、办后三次沟通，办结后三个月回访。",
        today=today,
    )


def _community(title: str, communities: list[Community]) -> Community | None:
    """The community a demo suggestion's title names (关于中心社区停车难…), if any."""
    return next((c for c in communities if c.name in title), None)


def _walk(item, lead, co_signers, category, units, clerk, today, rng, communities=()) -> None:
    start = today - timedelta(days=item.ago)
    s = services.suggestion_save_draft(
        deputy=lead,
        actor=lead.user,
        co_signers=co_signers,
        kind=item.kind,
        title=item.title,
        category=category,
        community=_community(item.title, list(communities)),
        body=_body(item),
        origin=item.origin,
        origin_reference=_origin_reference(item),
    )
    if item.stage == "draft":
        return
    suggestion_transition(suggestion=s, to=Status.SUBMITTED, actor=lead.user, on=start)
    if item.stage == "submitted":
        return
    if item.stage == "not_registered":
        suggestion_transition(
            suggestion=s,
            to=Status.NOT_REGISTERED,
            actor=clerk,
            on=start + timedelta(days=3),
            comment="涉及具体行政处罚个案，属于行政复议和诉讼程序，不作为代表建议立案。",
        )
        return
    on = start + timedelta(days=2)
    suggestion_transition(suggestion=s, to=Status.REGISTERED, actor=clerk, on=on)
    if item.stage == "registered":
        return
    unit = units[item.unit]
    co_units = [units[(item.unit + 4) % len(units)]] if item.tough else []
    on = start + timedelta(days=4)
    services.suggestion_assign(
        suggestion=s, lead_unit=unit, co_units=co_units, on=on, actor=clerk, comment="请按期办理"
    )
    if clerk is not None:
        services.supervision_plan_set(
            suggestion=s,
            responsible=clerk,
            note="交办后一个月内完成面商，按节点报告进展。",
            milestones=[("面商", on + timedelta(days=20)), ("中期督办", on + timedelta(days=50))],
            actor=None,
        )
    if item.stage == "assigned":
        return
    unit_user = unit.users.first()
    on = start + timedelta(days=7)
    suggestion_transition(suggestion=s, to=Status.IN_HANDLING, actor=unit_user, on=on)
    if start + timedelta(days=25) <= today:
        services.meeting_record(
            suggestion=s,
            unit=unit,
            held_on=start + timedelta(days=25),
            place="街道人大代表联络站",
            participants=f"{lead.name}、{unit.short_name}分管负责人",
            summary="面商了问题现状和办理思路，代表同意分两步推进。",
            actor=unit_user,
        )
    services.feasibility_note_set(
        suggestion=s,
        unit=unit,
        note="经现场踏勘，具备实施条件；需协调相关部门和社区配合。",
        actor=unit_user,
    )
    commitment = services.commitment_add(
        suggestion=s,
        owner_unit=unit,
        content="制定整改方案并向代表通报",
        due_on=start + timedelta(days=60),
        actor=unit_user,
    )
    if item.tough:
        services.tough_project_mark(
            suggestion=s,
            difficulty=3 if item.unit == 3 else 2,
            team=f"{unit.name}牵头，{co_units[0].name}、街道城建科参加",
            reason="涉及多个部门，需要政策和资金支持。",
            actor=clerk,
            on=start + timedelta(days=10),
        )
        if item.unit != 3:  # the other tough project has filed its last report
            from .selectors import last_quarter

            year, quarter = last_quarter(today)
            services.quarterly_report_submit(
                project=s.tough,
                unit=unit,
                year=year,
                quarter=quarter,
                content="已完成停车泊位摸排，新增临时泊位 120 个，立体停车场完成选址。",
                actor=unit_user,
            )
    if item.title.startswith("关于优化西园社区公交线路"):
        request = services.extension_request(
            suggestion=s,
            unit=unit,
            requested_deadline=add_months(s.assigned_on, 5),
            reason="线路调整需市交通部门批准，申请延期两个月。",
            actor=unit_user,
        )
        services.extension_decide(request=request, approve=True, note="同意", actor=clerk)
    if item.stage == "in_handling":
        return

    replied_on = min(start + timedelta(days=45), today)
    _reply(s, unit, unit_user, item.result, replied_on)
    s.refresh_from_db()
    _commitment_done(commitment, replied_on, rng, keep=item.stage in ("concluded", "closed"))
    _ratings(s, item.benefit)
    if item.stage == "replied":
        return
    evaluated_on = min(replied_on + timedelta(days=7), today)
    verdict = item.verdict
    services.evaluation_submit(
        suggestion=s,
        deputy=lead,
        verdict=verdict,
        implementation_score=item.score,
        comment="办理态度认真，希望持续跟进。"
        if verdict != "unsatisfied"
        else "答复未解决实际问题。",
        evaluated_on=evaluated_on,
        actor=lead.user,
    )
    if item.stage in ("evaluated", "reopened"):
        return
    concluded_on = min(evaluated_on + timedelta(days=5), today)
    suggestion_transition(suggestion=s, to=Status.CONCLUDED, actor=clerk, on=concluded_on)
    if item.stage == "concluded":
        # Record the checks already due except the latest one, so some stay pending.
        due = list(s.checks.filter(due_on__lte=today).order_by("due_on"))
        for check in due[:-1]:
            services.check_record(
                check=check,
                findings="已回访代表和群众，进展符合承诺。",
                done_on=check.due_on,
                actor=clerk,
            )
        return
    last = concluded_on
    for check in s.checks.order_by("due_on"):
        done_on = min(check.due_on, today)
        services.check_record(
            check=check,
            findings="实地查看并回访群众，整改成效稳定。",
            done_on=done_on,
            actor=clerk,
        )
        last = max(last, done_on)
    suggestion_transition(suggestion=s, to=Status.CLOSED, actor=clerk, on=last)


def _reply(s, unit, unit_user, result, replied_on) -> None:
    problems = []
    if result != "A":
        problems = [
            ("funding", "项目资金尚未列入本年度预算。"),
            ("policy", "需市级部门调整相关规划后方可实施。"),
        ][: 1 if result == "B" else 2]
    content = {
        "A": "经研究，已按建议完成整改，并建立长效管理机制。",
        "B": "建议已列入明年工作计划，正在开展前期工作。",
        "C": "受规划和资金条件限制，目前暂不具备实施条件，我们将持续关注。",
    }[result]
    services.reply_submit(
        suggestion=s,
        unit=unit,
        result_class=result,
        content=content,
        problems=problems,
        replied_on=replied_on,
        actor=unit_user,
    )


def _commitment_done(commitment, replied_on, rng, keep: bool) -> None:
    if keep or commitment.due_on <= replied_on:
        services.commitment_update(
            commitment=commitment,
            status=CommitmentStatus.MET,
            completed_on=min(commitment.due_on, replied_on),
            actor=None,
        )
    elif rng.random() < 0.5:
        services.commitment_update(
            commitment=commitment, status=CommitmentStatus.MET, completed_on=replied_on, actor=None
        )


def _ratings(s, scores) -> None:
    for index, score in enumerate(scores):
        services.public_rating_submit(
            suggestion=s, score=score, device_token=f"demo-{s.pk}-{index}", comment=""
        )


def _body(item: Item) -> str:
    return (
        f"{item.title.removeprefix('关于').removesuffix('的建议')}，群众反映较多。"
        "经走访调研，问题主要集中在设施不足、管理责任不清两个方面。\n"
        "建议：一是摸清底数，制定分步实施方案；二是明确责任单位和完成时限；"
        "三是建立群众参与的监督评价机制。"
    )


def _origin_reference(item: Item) -> str:
    return {
        Origin.RESEARCH: "专题调研",
        Origin.LIAISON: "代表联络站接待日",
        Origin.PUBLIC_OPINION: "社情民意信息",
        Origin.OTHER: "",
    }[item.origin]
