"""Demo duty ledger: three years of records for the demo deputies, so every page has something
to show — a ranked table, three deputies 优秀 three years running (re-election list), a few
weak or idle ones (exit and talk lists), pending entries to verify, organised activities with
closed rolls, this year's supervision menu, voter-report plans, two open disputes and last
year's commendation of its 优秀 deputies.

Idempotent: each part is keyed on natural keys or skipped when already there.
"""

import io
import random
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from core.demo import DemoContext
from deputies.models import Deputy, ProfessionalGroup

from .models import (
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    Commendation,
    Dispute,
    DisputeKind,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    Publication,
    ReportStatus,
    RuleSet,
    SourceKind,
    SupervisionTopic,
    TopicSignup,
    VoterReportPlan,
)
from .reminders import reminders_send
from .scoring import assessment_compute, rule_set_freeze
from .services import (
    activity_close_roll,
    commendation_candidates,
    commendation_decide,
    publication_publish,
    rule_set_load_defaults,
    voter_report_plan_create,
    voter_report_record,
    voter_report_verify,
)

TITLES = {
    "B01": ["参加代表小组季度活动", "列席工委会议", "参加代表集中学习", "参加代表小组议事会"],
    "B02": ["视察老旧小区改造", "调研社区养老服务", "参加食品安全执法检查", "视察背街小巷整治"],
    "B03": ["进站接待选民", "联络站接待日值班", "接待选民反映停车难", "接待选民反映噪声扰民"],
    "B04": ["走访困难群众", "走访辖区企业", "入户听取居民意见", "走访独居老人"],
    "B05": ["参加代表履职培训", "参加预算审查专题培训", "参加线上履职学习"],
    "I01": ["自主调研电动车充电难", "自主视察校园周边交通", "自主调研社区食堂运营"],
    "I02": ["牵头专业小组活动", "带教新任代表开展走访"],
    "I03": ["代表讲坛：垃圾分类怎么做", "代表讲坛：民法典与邻里纠纷"],
    "I04": ["直播问政：老旧小区加装电梯", "线上议事：社区停车管理"],
    "C01": ["提出建议：增设公交站点", "提出建议：改造积水路段"],
    "C02": ["所提建议已解决：路灯修复", "所提建议已解决：增设无障碍坡道"],
    "C03": ["推动解决小区漏水问题", "推动解决菜市场排污问题", "协调解决学生接送拥堵"],
    "C04": ["获评优秀代表建议", "履职经验被区人大推广"],
}
PLACES = ["东湖社区代表之家", "西园社区联络站", "南苑社区议事厅", "街道人大工委会议室", "滨江社区"]

STAR = {"B01": 8, "B02": 5, "B03": 6, "B04": 6, "B05": 6, "I01": 3, "I02": 2, "I03": 1,
        "C03": 4, "C04": 2}  # fmt: skip
NORMAL = {"B01": (6, 8), "B02": (3, 5), "B03": (3, 6), "B04": (3, 6), "B05": (3, 6),
          "I01": (1, 2), "I02": (0, 2), "I03": (0, 2), "I04": (0, 1), "C03": (1, 4),
          "C04": (0, 1)}  # fmt: skip
WEAK = {"B01": (1, 3), "B02": (1, 2), "B03": (1, 2), "B04": (0, 2)}  # fmt: skip
REJECT_REASONS = ["佐证材料不足，请补充活动照片或签到表", "与已记录的活动重复", "不属于本规则范围"]

# Positions in the demo roster (0-based) with a fixed profile.
STARS = (3, 17, 40)
WEAK_ONES = (8, 29, 51)
IDLE_ONES = (12, 45)


def _profile(index: int) -> str:
    if index in STARS:
        return "star"
    if index in WEAK_ONES:
        return "weak"
    if index in IDLE_ONES:
        return "idle"
    return "normal"


def _counts(rng: random.Random, profile: str, current: bool) -> dict[str, int]:
    if profile == "star":
        return dict(STAR)
    if profile == "idle" and current:
        return {"I03": 1}  # one lecture early in the year, then nothing: no base entry at all
    table = WEAK if profile == "weak" else NORMAL
    return {code: rng.randint(lo, hi) for code, (lo, hi) in table.items()}


def _day(rng: random.Random, year: int, last: date) -> date:
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randint(0, max(0, (last - start).days)))


def _entries(rng, year, deputies, rules, today) -> list[LedgerEntry]:
    current = year == today.year
    last = min(date(year, 12, 31), today - timedelta(days=1))
    now = _moment(today)
    rows = []
    for index, deputy in enumerate(deputies):
        profile = _profile(index)
        for code, n in _counts(rng, profile, current).items():
            for _i in range(n):
                idle_now = profile == "idle" and current
                day = date(year, 1, 15) if idle_now else _day(rng, year, last)
                status, kind, reason = EntryStatus.VERIFIED, SourceKind.STAFF, ""
                roll = rng.random()
                if profile == "normal" and rules[code].deputy_can_submit:
                    kind = SourceKind.DEPUTY if roll < 0.5 else SourceKind.STAFF
                    if current and roll < 0.08:
                        status = EntryStatus.PENDING
                    elif roll > 0.97:
                        status, reason = EntryStatus.REJECTED, rng.choice(REJECT_REASONS)
                rows.append(
                    LedgerEntry(
                        deputy=deputy,
                        rule=rules[code],
                        occurred_on=day,
                        title=rng.choice(TITLES[code]),
                        place=rng.choice(PLACES),
                        source_kind=kind,
                        status=status,
                        review_reason=reason,
                        reviewed_at=None if status == EntryStatus.PENDING else now,
                    )
                )
    return rows


def _activities(rng, year, deputies, topics, today, by_index) -> None:
    plans = [
        ("工委全体代表会议", ActivityKind.MEETING, None, 20),
        ("老旧小区改造专项视察", ActivityKind.INSPECTION, 1, 60),
        ("社区养老服务调研", ActivityKind.RESEARCH, 3, 100),
        ("街道预算执行情况审查", ActivityKind.BUDGET, 0, 150),
        ("旁听社区矫正案件庭审", ActivityKind.COURT, 4, 200),
    ]
    for title, kind, topic_index, day_of_year in plans:
        occurred = date(year, 1, 1) + timedelta(days=day_of_year)
        if occurred >= today:
            continue
        topic = topics[topic_index] if topic_index is not None and topics else None
        activity, _created = Activity.objects.get_or_create(
            title=title,
            occurred_on=occurred,
            defaults={
                "kind": kind,
                "topic": topic,
                "place": rng.choice(PLACES),
                "organiser": "街道人大工委",
                "description": f"{title}，四级代表共同参加。",
            },
        )
        if activity.roll_closed_at is not None:
            continue
        chosen = rng.sample(range(len(deputies)), 18)
        rows = []
        for index in chosen:
            profile = by_index[index]
            if profile == "idle":
                status = AttendanceStatus.EXCUSED
            elif profile == "weak" and rng.random() < 0.6:
                status = AttendanceStatus.UNEXCUSED
            elif rng.random() < 0.1:
                status = AttendanceStatus.EXCUSED
            else:
                status = AttendanceStatus.PRESENT
            rows.append(Attendance(activity=activity, deputy=deputies[index], status=status))
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)
        activity_close_roll(activity=activity, today=today, now=_moment(today))
    # One activity still to come, roll open.
    upcoming = today + timedelta(days=7)
    if upcoming.year == year:
        activity, created = Activity.objects.get_or_create(
            title="背街小巷整治回头看",
            occurred_on=upcoming,
            defaults={"kind": ActivityKind.INSPECTION, "organiser": "街道人大工委",
                      "topic": topics[1] if topics else None, "place": "滨江社区"},
        )  # fmt: skip
        if created:
            Attendance.objects.bulk_create(
                Attendance(activity=activity, deputy=d) for d in deputies[:10]
            )


def _topics(today: date, deputies: list[Deputy]) -> list[SupervisionTopic]:
    year = today.year
    menu = [
        ("街道财政预算执行监督", "经济发展组"),
        ("老旧小区改造质量监督", "城市建设组"),
        ("义务教育课后服务", "社会事业组"),
        ("居家养老服务落实", "民生保障组"),
        ("安全生产执法检查", "法治监督组"),
    ]
    groups = {g.name: g for g in ProfessionalGroup.objects.filter(name__in=[g for _t, g in menu])}
    topics = []
    for title, group_name in menu:
        topic, _created = SupervisionTopic.objects.get_or_create(
            year=year,
            title=title,
            defaults={
                "group": groups.get(group_name),
                "description": f"{year} 年度菜单式监督议题，由{group_name}牵头。",
                "published_at": _moment(today),
            },
        )
        topics.append(topic)
    signups = [
        TopicSignup(topic=topic, deputy=deputy)
        for topic in topics
        for deputy in deputies
        if topic.group_id and deputy.group_id == topic.group_id
    ]
    TopicSignup.objects.bulk_create(signups, ignore_conflicts=True)
    return topics


def _voter_reports(rng, years, today) -> None:
    for year in years:
        plan = VoterReportPlan.objects.filter(year=year).first()
        if plan is None:
            plan = voter_report_plan_create(year=year, today=today)
        reports = list(plan.reports.select_related("deputy").order_by("deputy__code"))
        to_hold = reports if year < today.year else reports[:3]
        for report in to_hold:
            if report.status != ReportStatus.PLANNED:
                continue
            held = min(date(year, 9, 1) + timedelta(days=rng.randint(0, 60)), today)
            voters = rng.randint(30, 60)
            bad = rng.randint(0, 3)
            fair = rng.randint(2, 8)
            voter_report_record(
                report=report,
                held_on=held,
                place=rng.choice(PLACES),
                voters_present=voters,
                satisfied=voters - fair - bad,
                basically_satisfied=fair,
                unsatisfied=bad,
                today=today,
            )
            if year < today.year:
                voter_report_verify(report=report, now=_moment(today))


def _disputes(deputies, year) -> None:
    first = deputies[0]
    # The deputy's latest entry of the year is another one once later seeders have credited
    # them (a reception day's attendance): the dispute is looked for by deputy and kind, so a
    # second seeding adds none.
    entry = LedgerEntry.objects.filter(deputy=first, rule__rule_set__year=year).first()
    duplicate = Dispute.objects.filter(deputy=first, kind=DisputeKind.DUPLICATE)
    if entry is not None and not duplicate.exists():
        Dispute.objects.create(
            deputy=first,
            kind=DisputeKind.DUPLICATE,
            entry=entry,
            note="同一次活动记录了两次，请核实。",
        )
    rule = RuleSet.objects.get(year=year).rules.get(code="B03")
    Dispute.objects.get_or_create(
        deputy=deputies[1],
        kind=DisputeKind.MISSING,
        rule=rule,
        defaults={
            "occurred_on": date(year, 3, 18),
            "title": "联络站接待日值班",
            "note": "当天在西园社区联络站接待选民 6 人次，签到表可查。",
        },
    )


def _evidence(deputies: list[Deputy], year: int) -> None:
    """A photo on a dozen pending entries, so staff can try reviewing with evidence."""
    if EntryEvidence.objects.filter(entry__deputy__in=deputies).exists():
        return
    pending = LedgerEntry.objects.filter(
        deputy__in=deputies, status=EntryStatus.PENDING, rule__rule_set__year=year
    ).order_by("id")[:12]
    for entry in pending:
        EntryEvidence.objects.create(
            entry=entry,
            file=ContentFile(_photo(f"entry {entry.pk}"), name="现场照片.png"),
            name="现场照片.png",
        )


def _commendation(year: int, today: date) -> None:
    """Last year's 优秀 deputies commended early this year (once; credited C04 this year)."""
    candidates = [a.deputy_id for a in commendation_candidates(year)]
    if not candidates or Commendation.objects.filter(year=year).exists():
        return
    commendation_decide(
        actor=None,
        year=year,
        title=f"{year}年度优秀人大代表",
        decided_on=min(date(today.year, 3, 1), today),
        document_no=f"街人大工委〔{today.year}〕1号",
        deputy_ids=candidates,
        note="根据年度履职考核结果，对考核等次为“优秀”的代表予以表彰。",
        today=today,
    )


def _photo(label: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (246, 245, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 191), outline=(179, 38, 30), width=4)
    draw.text((20, 90), label, fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _moment(today: date) -> datetime:
    """The seeding day's morning: timestamps agree with the ``today`` the demo is built for."""
    return timezone.make_aware(datetime.combine(today, time(9, 30)))


def _served_in(deputies: list[Deputy], year: int) -> list[Deputy]:
    ids = set(
        Deputy.objects.held_office_between(date(year, 1, 1), date(year, 12, 31)).values_list(
            "pk", flat=True
        )
    )
    return [deputy for deputy in deputies if deputy.pk in ids]


def seed(context: DemoContext) -> None:
    deputies: list[Deputy] = list(context.data.get("deputies") or [])
    if not deputies:
        return
    today = context.today
    # The current year and the two before it, whatever the date; in a year of an earlier term
    # only the deputies who served then (the re-elected) have a ledger.
    years = list(range(today.year - 2, today.year + 1))
    served = {year: _served_in(deputies, year) for year in years}
    years = [year for year in years if served[year]]
    rng = random.Random(20260303)
    by_index = {i: _profile(i) for i in range(len(deputies))}

    rule_sets = {year: rule_set_load_defaults(year=year) for year in years}
    for year, rule_set in rule_sets.items():
        if rule_set.frozen:
            continue
        generated = LedgerEntry.objects.filter(
            rule__rule_set=rule_set, deputy__in=deputies, source_type__isnull=True
        )
        if not generated.exists():
            rules = {r.code: r for r in rule_set.rules.select_related("rule_set")}
            LedgerEntry.objects.bulk_create(_entries(rng, year, served[year], rules, today))

    topics = _topics(today, deputies)
    for year in years:
        if not rule_sets[year].frozen:
            _activities(
                rng, year, served[year], topics if year == today.year else [], today, by_index
            )
    _voter_reports(rng, [y for y in years[-2:] if not rule_sets[y].frozen], today)
    _disputes(deputies, today.year)
    _evidence(deputies, today.year)

    for year, rule_set in rule_sets.items():
        if not rule_set.frozen:
            assessment_compute(year=year, today=today)
    _commendation(today.year - 1, today)
    quarter = (today.month - 1) // 3  # the last finished quarter
    if quarter and not Publication.objects.filter(year=today.year, quarter=quarter).exists():
        publication_publish(year=today.year, quarter=quarter, today=today)
    # Two reminder runs a month apart: the idle deputies reach the talk list.
    reminders_send(today=today - timedelta(days=30))
    reminders_send(today=today)
    if len(years) == 3 and not rule_sets[years[0]].frozen:
        rule_set_freeze(year=years[0], now=_moment(today))


def finish(context: DemoContext) -> None:
    """Score the open years again once the other apps have credited the ledger."""
    for rule_set in RuleSet.objects.filter(frozen=False, year__lte=context.today.year):
        assessment_compute(year=rule_set.year, today=context.today)
