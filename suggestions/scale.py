"""Scale suggestions: ``context.suggestions`` suggestions over the current year and the two
before, in every state, led by the deputies of ``context.data`` (round robin over a shuffled
roster, so every deputy, d001 included, gets a share), handled by the demo's units (and a few
more, each with a login), with co-signers, status history, replies and core problems,
evaluations (one unsatisfied reply in ten sent back once), extensions, meetings, commitments,
follow-up checks and public ratings; the lead deputies credited C01/C02 through the ledger's
door; the units' yearly scores refreshed.

Each suggestion's path is drawn first (how many days each step took), then placed in time so
that its last step lies where that state is usually found (a draft or an unassigned suggestion
is recent, a closed one anywhere in the three years) and never after today. Rows are
bulk-created but hold what ``suggestion_transition`` and the services would have written:
dates in order, numbers unique per year (after the ones already taken), deadlines in range, an
unsatisfied first evaluation always reopened, a closed suggestion with its three checks done
and no commitment open.
"""

import heapq
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core import clock
from core.demo import DEMO_PASSWORD
from core.scale import ScaleContext
from performance.public import Credit, ledger_credit_many

from .demo import UNITS
from .models import (
    CHECK_ORDER,
    DEFAULT_CATEGORIES,
    Category,
    Commitment,
    CommitmentStatus,
    CoreProblem,
    Evaluation,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    HandlingUnit,
    Kind,
    Meeting,
    Origin,
    PublicRating,
    RegistrationCounter,
    Reply,
    ResultClass,
    Status,
    StatusChange,
    Suggestion,
    Verdict,
)
from .scoring import unit_scores_refresh
from .workflow import add_months, evaluation_facts_set

BATCH = 2000
S = Status
EXTRA_UNITS = [("区发展和改革局", "发改局"), ("区财政局", "财政局"), ("区农业农村局", "农业农村局"),
               ("区文化和旅游局", "文旅局"), ("区应急管理局", "应急管理局"), ("区水利局", "水利局"),
               ("区自然资源和规划分局", "规划分局"), ("区商务局", "商务局")]  # fmt: skip
# The states every run holds, first one of each (so a tiny run has them all), then by weight.
STATES = [S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.REGISTERED, S.ASSIGNED, S.IN_HANDLING,
          S.REPLIED, S.EVALUATED, S.CONCLUDED, S.CLOSED]  # fmt: skip
# Each year holds about as many suggestions; how far they have come depends on its age (0: the
# current year, 2: two years ago), in the order of STATES.
STATE_WEIGHTS = {
    0: [6, 8, 5, 6, 10, 25, 12, 8, 15, 5],
    1: [0, 0, 5, 0, 0, 5, 4, 4, 22, 60],
    2: [0, 0, 5, 0, 0, 0, 0, 2, 5, 88],
}
# How long before today a suggestion in each open state took its last step (at most).
RECENT_DAYS = {S.DRAFT: 30, S.SUBMITTED: 14, S.REGISTERED: 10, S.ASSIGNED: 7,
               S.IN_HANDLING: 100, S.REPLIED: 30, S.EVALUATED: 15, S.CONCLUDED: 170}  # fmt: skip
TOPICS = {
    "教育": ["学校门口护学岗", "课后延时服务", "校园周边交通", "学校食堂明厨亮灶"],
    "医疗卫生": ["社区卫生服务站夜间门诊", "家庭医生签约", "儿科门诊号源"],
    "就业和社会保障": ["零工市场建设", "灵活就业人员参保", "高校毕业生见习基地"],
    "消防安全": ["电动自行车集中充电", "高层住宅消防通道", "老旧小区消火栓更新"],
    "住房和物业": ["老旧小区加装电梯", "二次供水设施改造", "物业服务质量"],
    "食品安全": ["农贸市场抽检", "校园周边食品店整治", "网络订餐监管"],
    "交通出行": ["公交线路优化", "停车难", "公交候车亭增设"],
    "城市管理和环境": ["占道经营整治", "垃圾分类投放点", "河道黑臭水体治理", "工地扬尘"],
    "养老服务": ["老年助餐点", "居家适老化改造", "养老服务驿站"],
    "社区治理": ["社区议事会", "社区图书室开放时间", "楼道堆物清理"],
    "其他": ["公共服务事项", "便民服务点"],
}
PLACES = ["东湖", "西园", "南苑", "北辰", "中心", "滨江", "春晖", "梅园", "桂花", "锦绣"]
REPLY_TEXT = {
    ResultClass.A: "经研究，已按建议完成整改，并建立长效管理机制。",
    ResultClass.B: "建议已列入明年工作计划，正在开展前期工作。",
    ResultClass.C: "受规划和资金条件限制，目前暂不具备实施条件，我们将持续关注。",
}
SCORE_RANGE = {Verdict.SATISFIED: (80, 100), Verdict.BASIC: (55, 85), Verdict.UNSATISFIED: (10, 55)}
PROBLEMS = [("funding", "项目资金尚未列入本年度预算。"), ("policy", "需调整相关规划后方可实施。")]


@dataclass
class Path:
    """One suggestion's steps (status entered, days after submission) and what was said."""

    state: str
    steps: list[tuple[str, int]] = field(default_factory=list)
    reopen: bool = False
    extension: bool = False
    results: list[str] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)


def generate(context: ScaleContext) -> None:
    rng = context.rng_for("suggestions")
    today = context.today
    clerk = context.data["staff_user"]
    units = _units()
    # The unit's first login answers and signs for it.
    unit_user = {unit.pk: unit.users.order_by("pk").first() for unit in units}
    categories = _categories()
    windows = context.data["deputy_windows"]
    pool = [d for d in context.data["deputies"] if windows[d.pk][1] is None]
    if not pool:
        return  # nobody in office to lead a suggestion
    rng.shuffle(pool)
    leads = _Leads(pool, windows)
    earliest = date(context.years[0], 1, 1)
    this_year = context.years[-1]

    rows: list[tuple[Suggestion, Path, dict[str, date]]] = []
    for index in range(context.suggestions):
        if index < len(STATES):
            year, state = this_year, STATES[index]
        else:
            year = rng.choice(context.years)
            state = rng.choices(STATES, STATE_WEIGHTS[this_year - year])[0]
        path = _path(rng, state)
        dates = _place(rng, path, today, year, earliest)
        lead = leads.take(dates.get(S.SUBMITTED, today))
        category = rng.choice(categories)
        topic = rng.choice(TOPICS.get(category.name, ["民生事项"]))
        title = f"关于{rng.choice(PLACES)}社区{topic}的建议"
        kind = rng.choices([Kind.SUGGESTION, Kind.PROPOSAL, Kind.CRITICISM], [85, 8, 7])[0]
        if kind != Kind.SUGGESTION:
            title = title.removesuffix("的建议") + ("的议案" if kind == Kind.PROPOSAL else "的意见")
        suggestion = Suggestion(
            kind=kind,
            title=title[:120],
            body=f"{title}。群众反映较多，经走访调研，建议摸清底数、明确责任单位和完成时限。",
            category=category,
            lead_deputy=lead,
            origin=rng.choices(Origin.values, [50, 25, 20, 5])[0],
            status=path.state,
            public_token=uuid.UUID(int=rng.getrandbits(128), version=4),
        )
        _fill(suggestion, path, dates, units, rng, today)
        rows.append((suggestion, path, dates))

    _number(rows)
    Suggestion.objects.bulk_create([s for s, _p, _d in rows], batch_size=BATCH)
    _links(rng, rows, pool, units)
    _history(rows, clerk, unit_user)
    _handling(rng, rows, clerk, unit_user, today)
    _credit(rows)
    for year in context.years:
        unit_scores_refresh(year=year)


# --- reference data --------------------------------------------------------------------------


def _units() -> list[HandlingUnit]:
    """The demo's ten units and a few more, each with its login (unit01 …), made when
    missing; the password is hashed once for all."""
    unit_group = Group.objects.get(name=Role.HANDLING_UNIT.value)
    password = None
    units = []
    for index, (name, short) in enumerate([*UNITS, *EXTRA_UNITS], start=1):
        contact = {"contact_name": f"{short}联络员", "contact_phone": f"0571-8800{index:04d}"}
        unit, _created = HandlingUnit.objects.get_or_create(
            name=name, defaults={"short_name": short, **contact}
        )
        username = f"unit{index:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username, password=password, full_name=f"{short}联络员"
            )
        user.groups.add(unit_group)
        unit.users.add(user)
        units.append(unit)
    return [u for u in units if u.is_active]


def _categories() -> list[Category]:
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})
    return list(Category.objects.filter(is_active=True).order_by("order", "name"))


class _Leads:
    """Who leads the next suggestion: the deputy with the fewest so far (ties in the shuffled
    roster's order), skipping those not yet in office on the day. Every deputy gets a share,
    d001 included, and nobody leads a suggestion from before their term."""

    def __init__(self, pool, windows) -> None:
        self.windows = windows
        self.heap = [(0, order, deputy) for order, deputy in enumerate(pool)]

    def take(self, submitted_on: date):
        skipped, chosen = [], None
        while self.heap:
            load, order, deputy = heapq.heappop(self.heap)
            if self.windows[deputy.pk][0] <= submitted_on:
                chosen = (load + 1, order, deputy)
                break
            skipped.append((load, order, deputy))
        if chosen is None:  # nobody was in office yet: the least loaded leads anyway
            load, order, deputy = skipped.pop(0)
            chosen = (load + 1, order, deputy)
        for item in [*skipped, chosen]:
            heapq.heappush(self.heap, item)
        return chosen[2]


# --- one suggestion's path ---------------------------------------------------------------------


def _path(rng, state: str) -> Path:
    """The steps up to ``state``, in days after submission (a draft has none)."""
    path = Path(state=state)
    if state == S.DRAFT:
        return path
    day = 0
    path.steps.append((S.SUBMITTED, day))
    if state == S.SUBMITTED:
        return path
    day += rng.randint(1, 10)
    if state == S.NOT_REGISTERED:
        path.steps.append((S.NOT_REGISTERED, day))
        return path
    path.steps.append((S.REGISTERED, day))
    if state == S.REGISTERED:
        return path
    day += rng.randint(1, 7)
    assigned = day
    path.steps.append((S.ASSIGNED, day))
    if state == S.ASSIGNED:
        return path
    day += rng.randint(1, 10)
    path.steps.append((S.IN_HANDLING, day))
    late_states = (S.EVALUATED, S.CONCLUDED, S.CLOSED)
    path.reopen = rng.random() < (0.1 if state in late_states else 0.04)
    path.extension = rng.random() < 0.06
    if state == S.IN_HANDLING and not path.reopen:
        return path
    day = max(day, assigned + rng.randint(20, 110))
    rounds = 2 if path.reopen else 1
    for round_ in range(rounds):
        path.results.append(rng.choices(ResultClass.values, [55, 30, 15])[0])
        path.steps.append((S.REPLIED, day))
        if state == S.REPLIED and round_ == rounds - 1:
            return path
        day += rng.randint(1, 25)
        if round_ == 0 and path.reopen:
            path.verdicts.append(Verdict.UNSATISFIED)
        elif path.reopen:
            path.verdicts.append(rng.choices(Verdict.values, [50, 35, 15])[0])
        else:
            path.verdicts.append(rng.choices([Verdict.SATISFIED, Verdict.BASIC], [65, 35])[0])
        low, high = SCORE_RANGE[path.verdicts[-1]]
        path.scores.append(rng.randint(low, high))
        path.steps.append((S.EVALUATED, day))
        if round_ == 0 and path.reopen:
            path.steps.append((S.IN_HANDLING, day))  # 不满意: sent back the same day
            if state == S.IN_HANDLING:
                return path
            day += rng.randint(15, 80)
    if state == S.EVALUATED:
        return path
    day += rng.randint(1, 10)
    path.steps.append((S.CONCLUDED, day))
    return path


def _check_span() -> int:
    """Days from conclusion by which the three checks are done and the suggestion closed."""
    return max(settings.LVZHI_SUGGESTIONS_CHECK_MONTHS) * 31 + 12


def _place(rng, path: Path, today: date, year: int, earliest: date) -> dict[str, date]:
    """Put the path in time: submitted in ``year`` and done by today; in the current year an
    open state's last step is recent. Returns the date of each status's latest entry, the
    first reply/evaluation/handling dates under ``first_*`` and every step under ``steps``."""
    span = path.steps[-1][1] if path.steps else 0
    if path.state == S.CLOSED:
        span += _check_span()
    latest = today - timedelta(days=span)
    if year == today.year and path.state in RECENT_DAYS:
        start = latest - timedelta(days=rng.randint(0, RECENT_DAYS[path.state]))
    else:
        first, last = date(year, 1, 1), min(date(year, 12, 31), latest)
        if last < first:  # too long a path for the year so far: as late as it can start
            first = last - timedelta(days=60)
        start = first + timedelta(days=rng.randint(0, (last - first).days))
    start = max(earliest, start)
    dates = {"created": start, "steps": []}
    for status, offset in path.steps:
        day = min(start + timedelta(days=offset), today)
        dates.setdefault(f"first_{status}", day)
        dates[status] = day
        dates["steps"].append((status, day))
    return dates


def _fill(s: Suggestion, path: Path, dates: dict, units, rng, today: date) -> None:
    """The suggestion's own columns as the transitions leave them."""
    s.submitted_on = dates.get(S.SUBMITTED)
    if S.NOT_REGISTERED in dates:
        s.not_registered_reason = (
            "涉及具体行政处罚个案，属于行政复议和诉讼程序，不作为代表建议立案。"
        )
    s.registered_on = dates.get(S.REGISTERED)
    if s.registered_on:
        s.year = s.registered_on.year
    if S.ASSIGNED in dates:
        assigned = dates[S.ASSIGNED]
        s.lead_unit = rng.choice(units)
        s.assigned_on = assigned
        s.reply_deadline = add_months(assigned, settings.LVZHI_SUGGESTIONS_REPLY_MONTHS)
        s.deadline_limit = add_months(assigned, settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
        if path.extension and S.IN_HANDLING in dates:
            s.reply_deadline = add_months(assigned, settings.LVZHI_SUGGESTIONS_MAX_MONTHS - 1)
            s.extension_count = 1
    if S.REPLIED in dates:
        s.first_replied_on = dates[f"first_{S.REPLIED}"]
        s.first_reply_deadline = s.reply_deadline
        s.first_reply_days = (s.first_replied_on - s.assigned_on).days
    if path.reopen and len(path.verdicts) >= 1 and S.EVALUATED in dates:
        reopened = dates[f"first_{S.EVALUATED}"]
        s.reopen_count = 1
        s.reply_deadline = add_months(reopened, settings.LVZHI_SUGGESTIONS_REPLY_MONTHS)
        s.deadline_limit = add_months(reopened, settings.LVZHI_SUGGESTIONS_MAX_MONTHS)
    s.concluded_on = dates.get(S.CONCLUDED)
    if s.concluded_on:
        _checks(s, path, dates, rng, today)


def _checks(s: Suggestion, path: Path, dates: dict, rng, today: date) -> None:
    """三查 due after conclusion: all done before a suggestion is closed (on the last one's
    day or a little later); some of those already due done for a concluded one."""
    checks = []
    months = settings.LVZHI_SUGGESTIONS_CHECK_MONTHS
    for kind, offset in zip(CHECK_ORDER, months, strict=False):
        due = add_months(s.concluded_on, offset)
        done = None
        if path.state == S.CLOSED or (due <= today and rng.random() < 0.7):
            done = min(due + timedelta(days=rng.randint(0, 5)), today)
        checks.append((kind, due, done))
    dates["checks"] = checks
    if path.state == S.CLOSED:
        last = max(done for _k, _due, done in checks)
        s.closed_on = min(last + timedelta(days=rng.randint(0, 7)), today)
        dates[S.CLOSED] = s.closed_on
        dates["steps"].append((S.CLOSED, s.closed_on))


def _number(rows) -> None:
    """Registration numbers per year in registration order, after the numbers already taken
    (the demo's), and the year counters moved on to match."""
    taken = dict(RegistrationCounter.objects.values_list("year", "last_number"))
    for year, top in (
        Suggestion.objects.filter(year__isnull=False)
        .values_list("year")
        .annotate(top=Max("sequence"))
    ):
        taken[year] = max(taken.get(year, 0), top or 0)
    registered = sorted(
        (s.registered_on, index, s) for index, (s, _p, _d) in enumerate(rows) if s.registered_on
    )
    for _day, _index, s in registered:
        taken[s.year] = taken.get(s.year, 0) + 1
        s.sequence = taken[s.year]
        s.number = f"{s.year}-{s.sequence:03d}"
    for year, last in taken.items():
        RegistrationCounter.objects.update_or_create(year=year, defaults={"last_number": last})


# --- rows around the suggestions ------------------------------------------------------------


def _links(rng, rows, pool, units) -> None:
    """Co-signers (a third of the suggestions) and co-units (one assigned in ten)."""
    signers, co_units = Suggestion.co_signers.through, Suggestion.co_units.through
    signer_links, unit_links = [], []
    for s, _path, _dates in rows:
        if len(pool) > 1 and rng.random() < 0.35:
            others = [d for d in rng.sample(pool, min(len(pool), 4)) if d.pk != s.lead_deputy_id]
            for deputy in others[: rng.randint(1, 3)]:
                signer_links.append(signers(suggestion_id=s.pk, deputy_id=deputy.pk))
        if s.lead_unit_id and len(units) > 1 and rng.random() < 0.1:
            other = rng.choice([u for u in units if u.pk != s.lead_unit_id])
            unit_links.append(co_units(suggestion_id=s.pk, handlingunit_id=other.pk))
    signers.objects.bulk_create(signer_links, batch_size=BATCH)
    co_units.objects.bulk_create(unit_links, batch_size=BATCH)


def _history(rows, clerk, unit_user) -> None:
    """One status change per step, by whoever makes that move."""
    changes = []
    for s, path, dates in rows:
        previous = S.DRAFT
        lead_user = s.lead_deputy.user if s.lead_deputy.user_id else None
        unit = unit_user.get(s.lead_unit_id)
        evaluations = iter(zip(path.verdicts, path.scores, strict=True))
        results = iter(path.results)
        for status, day in dates["steps"]:
            actor, comment = clerk, ""
            if status == S.SUBMITTED:
                actor = lead_user
            elif status == S.NOT_REGISTERED:
                comment = s.not_registered_reason
            elif status == S.ASSIGNED:
                comment = "请按期办理"
            elif status == S.IN_HANDLING and previous == S.ASSIGNED:
                actor = unit
            elif status == S.IN_HANDLING:
                actor, comment = lead_user, "代表不满意，退回重新办理。"
            elif status == S.REPLIED:
                actor, comment = unit, ResultClass(next(results)).label
            elif status == S.EVALUATED:
                verdict, score = next(evaluations)
                actor, comment = lead_user, f"{Verdict(verdict).label}，落实度 {score}"
            changes.append(
                StatusChange(
                    suggestion_id=s.pk,
                    from_status=previous,
                    to_status=status,
                    actor=actor,
                    comment=str(comment),
                    happened_on=day,
                )
            )
            previous = status
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)


def _moment(day: date, hour: int = 10) -> datetime:
    return min(timezone.make_aware(datetime.combine(day, time(hour))), clock.now())


def _handling(rng, rows, clerk, unit_user, today: date) -> None:
    """Replies (with their core problems) and evaluations first, then extensions, meetings,
    commitments, checks and public ratings."""
    replies, reply_of = [], []
    for s, path, dates in rows:
        reply_days = [day for status, day in dates["steps"] if status == S.REPLIED]
        for result, day in zip(path.results, reply_days, strict=False):
            replies.append(
                Reply(
                    suggestion_id=s.pk,
                    unit_id=s.lead_unit_id,
                    replied_on=day,
                    result_class=result,
                    content=REPLY_TEXT[ResultClass(result)],
                    replied_by=unit_user.get(s.lead_unit_id),
                )
            )
            reply_of.append((s, path, dates))
    Reply.objects.bulk_create(replies, batch_size=BATCH)

    problems, evaluations = [], []
    round_of: dict[int, int] = {}
    for reply, (s, path, dates) in zip(replies, reply_of, strict=True):
        round_ = round_of[s.pk] = round_of.get(s.pk, -1) + 1
        wanted = {ResultClass.A: 0, ResultClass.B: 1, ResultClass.C: 2}[
            ResultClass(reply.result_class)
        ]
        problems += [
            CoreProblem(reply_id=reply.pk, kind=kind, description=text)
            for kind, text in PROBLEMS[:wanted]
        ]
        if round_ < len(path.verdicts):
            evaluated_on = [d for st, d in dates["steps"] if st == S.EVALUATED][round_]
            verdict = path.verdicts[round_]
            evaluations.append(
                Evaluation(
                    suggestion_id=s.pk,
                    reply_id=reply.pk,
                    deputy_id=s.lead_deputy_id,
                    verdict=verdict,
                    implementation_score=path.scores[round_],
                    comment="答复未解决实际问题。"
                    if verdict == Verdict.UNSATISFIED
                    else "办理态度认真，希望持续跟进。",
                    evaluated_on=evaluated_on,
                )
            )
    CoreProblem.objects.bulk_create(problems, batch_size=BATCH)
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    # The latest evaluation as the workflow keeps it on the row.
    evaluated = {s.pk: s for s, _p, _d in rows}
    for evaluation in evaluations:
        evaluation_facts_set(evaluated[evaluation.suggestion_id], evaluation)
    Suggestion.objects.bulk_update(
        [s for s in evaluated.values() if s.latest_evaluated_on is not None],
        ["latest_verdict", "latest_evaluated_on", "latest_implementation_score"],
        batch_size=BATCH,
    )

    extensions, meetings, commitments, checks, ratings = [], [], [], [], []
    for s, path, dates in rows:
        handling = dates.get(f"first_{S.IN_HANDLING}")
        if handling is None:
            continue
        unit = unit_user.get(s.lead_unit_id)
        last = dates["steps"][-1][1]
        if s.extension_count:
            asked = min(handling + timedelta(days=3), last)
            extensions.append(
                ExtensionRequest(
                    suggestion_id=s.pk,
                    unit_id=s.lead_unit_id,
                    requested_deadline=add_months(
                        s.assigned_on, settings.LVZHI_SUGGESTIONS_MAX_MONTHS - 1
                    ),
                    reason="涉及多个部门协调和资金安排，申请延期答复。",
                    status=ExtensionStatus.APPROVED,
                    requested_by=unit,
                    decided_by=clerk,
                    decided_at=_moment(asked, 16),
                    decision_note="同意",
                )
            )
        if rng.random() < 0.4:
            meetings.append(
                Meeting(
                    suggestion_id=s.pk,
                    unit_id=s.lead_unit_id,
                    held_on=min(handling + timedelta(days=rng.randint(3, 25)), last),
                    place="街道人大代表联络站",
                    participants=f"{s.lead_deputy.name}、承办单位分管负责人",
                    summary="面商了问题现状和办理思路，代表同意分步推进。",
                    recorded_by=unit,
                )
            )
        for _k in range(rng.randint(1, 2)):
            commitments.append(_commitment(rng, s, path, handling, today))
        for kind, due, done in dates.get("checks", []):
            checks.append(
                FollowUpCheck(
                    suggestion_id=s.pk,
                    kind=kind,
                    due_on=due,
                    done_on=done,
                    findings="实地查看并回访群众，整改成效稳定。" if done else "",
                    done_by=clerk if done else None,
                )
            )
        if path.results and s.status in (S.REPLIED, S.EVALUATED, S.CONCLUDED, S.CLOSED):
            base = {ResultClass.A: 85, ResultClass.B: 65, ResultClass.C: 45}[
                ResultClass(path.results[-1])
            ]
            for k in range(rng.randint(0, 4)):
                ratings.append(
                    PublicRating(
                        suggestion_id=s.pk,
                        score=max(0, min(100, base + rng.randint(-20, 15))),
                        device_token=f"scale-{s.public_token.hex[:12]}-{k}",
                    )
                )
    for model, objects in (
        (ExtensionRequest, extensions),
        (Meeting, meetings),
        (Commitment, commitments),
        (FollowUpCheck, checks),
        (PublicRating, ratings),
    ):
        model.objects.bulk_create(objects, batch_size=BATCH)


def _commitment(rng, s: Suggestion, path: Path, handling: date, today: date) -> Commitment:
    """A commitment met (always, once the suggestion is closed), missed or still open."""
    due = handling + timedelta(days=rng.randint(30, 120))
    status, completed = CommitmentStatus.OPEN, None
    roll = rng.random()
    if path.state == S.CLOSED or (due <= today and roll < 0.7) or roll < 0.15:
        status = CommitmentStatus.MET
        completed = min(due - timedelta(days=rng.randint(0, 20)), today)
        completed = max(completed, handling)
    elif due <= today and roll < 0.9:
        status = CommitmentStatus.MISSED
    return Commitment(
        suggestion_id=s.pk,
        owner_unit_id=s.lead_unit_id,
        content=rng.choice(
            ["制定整改方案并向代表通报", "完成现场整改", "落实专项资金", "建立长效管理机制"]
        ),
        due_on=due,
        status=status,
        completed_on=completed,
    )


def _credit(rows) -> int:
    """C01 for each registered suggestion and C02 for each concluded with an A reply, through
    the ledger's door, as ``suggestion_transition`` credits them."""
    credits = []
    for s, path, _dates in rows:
        if s.registered_on:
            credits.append(
                Credit(
                    deputy=s.lead_deputy,
                    rule_code="C01",
                    source=s,
                    occurred_on=s.registered_on,
                    title=f"提出建议并立案：{s.title}",
                    description=s.number,
                )
            )
        if s.concluded_on and path.results and path.results[-1] == ResultClass.A:
            credits.append(
                Credit(
                    deputy=s.lead_deputy,
                    rule_code="C02",
                    source=s,
                    occurred_on=s.concluded_on,
                    title=f"建议办结并解决（A 类）：{s.title}",
                    description=s.number,
                )
            )
    return ledger_credit_many(credits=credits)
