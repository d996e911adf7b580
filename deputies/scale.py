"""Scale roster: ``context.deputies`` more deputies of all four levels, spread over district-size
constituencies and professional groups, each with a login, and their term memberships.

Works on an empty database (creating the terms, the staff login ``clerk`` and everything else
it needs) and on top of ``seed_demo`` (adding deputies after the demo's; the demo deputies are
handed on too, so d001 gets a share of the ledger and suggestions like everyone else).

Leaves in ``context.data``:
``deputies``: every deputy, old and new, ordered by code;
``deputy_windows``: ``{deputy id: (first day in office, last day or None)}`` over the terms
that reach into the three years, so later hooks date their rows while the deputy served;
``staff_user``: the committee login that reviews and records.

``finish`` adds the clerk's admin log (Django's ``LogEntry``) at district size.
"""

import math
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from accounts.roles import Role
from core.demo import DEMO_PASSWORD
from core.scale import ScaleContext

from .demo import GIVEN, GROUPS, SURNAMES, WORKPLACES
from .models import (
    Constituency,
    Deputy,
    Education,
    Gender,
    Level,
    MembershipEnd,
    PoliticalAffiliation,
    ProfessionalGroup,
    Status,
    Term,
    TermMembership,
)
from .terms import REASON_TERM_ENDED, TERM_YEARS, term_window_for

BATCH = 1000
# One district's mix in every 20 deputies: 1 province, 2 city, 7 district, 10 street; the
# first four positions hold one of each level, so even a tiny run has all four.
LEVEL_PATTERN = [
    Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET, Level.STREET,
    Level.DISTRICT, Level.STREET, Level.CITY, Level.DISTRICT, Level.STREET,
    Level.STREET, Level.DISTRICT, Level.STREET, Level.DISTRICT, Level.STREET,
    Level.STREET, Level.DISTRICT, Level.STREET, Level.DISTRICT, Level.STREET,
]  # fmt: skip
EXTRA_GROUPS = {
    "农业农村组": "乡村振兴、农贸市场、食品安全",
    "科教文卫组": "科技创新、学校、医院和文化场馆",
    "财经预算组": "预算审查、国有资产、审计整改",
}
COMMUNITY_WORDS = [
    "东湖", "西园", "南苑", "北辰", "中心", "滨江", "春晖", "秋涛", "梅园", "竹林", "桂花",
    "锦绣", "和平", "幸福", "光明", "长青", "明珠", "翠苑", "朝阳", "新华", "文晖", "运河",
    "湖滨", "清波", "紫荆", "金沙", "银湖", "景芳", "三塘", "古荡", "翠柏", "兰亭",
]  # fmt: skip
RESIGN_REASONS = ["工作调动", "个人原因辞去代表职务", "迁出本选区"]
TERMINATE_REASON = "因违法行为被终止代表资格"


def generate(context: ScaleContext) -> None:
    rng = context.rng_for("deputies")
    today = context.today
    term, previous = _terms(today)
    # The previous term reaches into the three years only when the current one began lately.
    earlier_years = date(context.years[0], 1, 1) < term.start_date
    staff_user = _staff_user()
    deputy_group = Group.objects.get(name=Role.DEPUTY.value)

    total = Deputy.objects.count() + context.deputies
    constituencies = _constituencies(max(6, math.ceil(total / 15)))
    groups, new_groups = _groups()

    codes = set(Deputy.objects.values_list("code", flat=True))
    mobiles = set(Deputy.objects.filter(mobile__startswith="137").values_list("mobile", flat=True))
    usernames = set(User.objects.values_list("username", flat=True))
    first_number = 1 + max(
        (int(code[1:]) for code in codes if code[:1] == "S" and code[1:].isdigit()), default=0
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: a thousand hashes take minutes

    deputies, users, memberships = [], [], []
    number, mobile_number = first_number, 0
    for index in range(context.deputies):
        while f"S{number:05d}" in codes or f"s{number:05d}" in usernames:
            number += 1
        code = f"S{number:05d}"
        codes.add(code)
        number += 1
        while f"137{mobile_number:08d}" in mobiles:
            mobile_number += 1
        mobile = f"137{mobile_number:08d}"
        mobile_number += 1
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
        workplace, post, specialty, sector = rng.choice(WORKPLACES)
        deputy = Deputy(
            code=code,
            name=name,
            gender=Gender.FEMALE if rng.random() < 0.4 else Gender.MALE,
            birth_date=date(1960 + rng.randint(0, 38), rng.randint(1, 12), rng.randint(1, 28)),
            political_affiliation=rng.choice(PoliticalAffiliation.values),
            education=rng.choice(Education.values),
            workplace=workplace,
            post=post,
            specialties=specialty,
            sector=sector,
            mobile=mobile,
            level=LEVEL_PATTERN[index % len(LEVEL_PATTERN)],
            constituency=constituencies[index % len(constituencies)],
            group=groups[rng.randrange(len(groups))] if rng.random() < 0.85 else None,
            term=term,
            first_elected_term=previous if rng.random() < 0.35 else term,
        )
        memberships.extend(_career(rng, index, deputy, term, previous, earlier_years, today))
        deputies.append(deputy)
        users.append(User(username=code.lower(), password=password, full_name=name, is_active=True))

    User.objects.bulk_create(users, batch_size=BATCH)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=deputy_group.pk) for u in users],
        batch_size=BATCH,
    )
    for deputy, user in zip(deputies, users, strict=True):
        deputy.user = user
    Deputy.objects.bulk_create(deputies, batch_size=BATCH)
    for membership in memberships:
        membership.deputy_id = membership.deputy.pk
    TermMembership.objects.bulk_create(memberships, batch_size=BATCH)
    for group in new_groups:
        members = [d for d in deputies if d.group_id == group.pk and d.status == Status.SERVING]
        if members:
            group.leader = members[0]
            group.save(update_fields=["leader"])

    everyone = list(Deputy.objects.select_related("user").order_by("code"))
    context.data["deputies"] = everyone
    context.data["deputy_windows"] = _windows(everyone)
    context.data["staff_user"] = staff_user
    context.data["term"] = term


# The clerk's admin actions over the three years (Django's admin log, which the staff desk
# lists newest first): one for every few deputies' entries, as verifying and correcting them
# in the admin leaves.
ADMIN_ACTIONS_PER_DEPUTY = 20


def finish(context: ScaleContext) -> None:
    """The clerk's admin log at district size, on the deputies (a content type this app owns),
    dated over the three years: the desk reads the latest of them."""
    rng = context.rng_for("deputies.admin-log")
    staff_user = context.data["staff_user"]
    deputies = context.data["deputies"]
    if not deputies:
        return
    deputy_type = ContentType.objects.get_for_model(Deputy)
    start = datetime.combine(date(context.years[0], 1, 1), time(8), tzinfo=UTC)
    span = (datetime.combine(context.today, time(8), tzinfo=UTC) - start).total_seconds()
    flags = [ADDITION, CHANGE, CHANGE, CHANGE, DELETION]
    entries = []
    for _n in range(len(deputies) * ADMIN_ACTIONS_PER_DEPUTY):
        deputy = rng.choice(deputies)
        entries.append(
            LogEntry(
                user_id=staff_user.pk,
                content_type_id=deputy_type.pk,
                object_id=str(deputy.pk),
                object_repr=str(deputy)[:200],
                action_flag=rng.choice(flags),
                action_time=start + timedelta(seconds=rng.uniform(0, span)),
                change_message="[]",
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=BATCH)


def _terms(today: date) -> tuple[Term, Term]:
    """The term in office today and the one before it (made as the demo makes them when
    missing), so deputies can be re-elected and the two years before today are covered."""
    term = Term.current(today=today)
    if term is None:
        number, start_date, end_date = term_window_for(today)
        term, _created = Term.objects.get_or_create(
            number=number, defaults={"start_date": start_date, "end_date": end_date}
        )
    previous = Term.objects.filter(number=term.number - 1).first()
    if previous is None:
        previous = Term.objects.create(
            number=term.number - 1,
            start_date=date(term.start_date.year - TERM_YEARS, 1, 1),
            end_date=term.start_date - timedelta(days=1),
        )
    return term, previous


def _career(rng, index, deputy, term, previous, earlier_years, today) -> list[TermMembership]:
    """The deputy's status and memberships: most serve; a few resigned or lost their seat in
    the current term; when the previous term reaches into the three years, most continued
    from it and a few left with it (届满离任), as a change-over leaves them."""
    rows = []
    if earlier_years and index % 25 == 3:
        deputy.term = deputy.first_elected_term = previous
        deputy.status, deputy.status_date = Status.TERM_ENDED, previous.end_date
        deputy.status_reason = REASON_TERM_ENDED
        return [
            TermMembership(
                deputy=deputy,
                term=previous,
                joined_on=previous.start_date,
                left_on=previous.end_date,
                end_reason=MembershipEnd.TERM_ENDED,
            )
        ]
    if earlier_years and index % 10 < 7:
        deputy.first_elected_term = previous
        rows.append(
            TermMembership(
                deputy=deputy,
                term=previous,
                joined_on=previous.start_date,
                left_on=previous.end_date,
                end_reason=MembershipEnd.CONTINUED,
            )
        )
    left_on, end_reason = None, ""
    first_day = max(term.start_date, date(today.year - 2, 1, 1)) + timedelta(days=30)
    if index % 50 == 17 or index % 97 == 45:
        last_day = today - timedelta(days=1)
        if first_day <= last_day:
            left_on = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days))
            if index % 50 == 17:
                deputy.status, deputy.status_reason = Status.RESIGNED, rng.choice(RESIGN_REASONS)
                end_reason = MembershipEnd.RESIGNED
            else:
                deputy.status, deputy.status_reason = Status.TERMINATED, TERMINATE_REASON
                end_reason = MembershipEnd.TERMINATED
            deputy.status_date = left_on
    rows.append(
        TermMembership(
            deputy=deputy,
            term=term,
            joined_on=min(term.start_date, left_on) if left_on else term.start_date,
            left_on=left_on,
            end_reason=end_reason,
        )
    )
    return rows


def _windows(deputies: list[Deputy]) -> dict[int, tuple[date, date | None]]:
    """First and last day in office of every deputy, from their memberships (the current
    term's start when a deputy has none)."""
    first = {}
    for deputy_id, joined_on in TermMembership.objects.values_list("deputy_id", "joined_on"):
        first[deputy_id] = min(joined_on, first.get(deputy_id, joined_on))
    starts = dict(Term.objects.values_list("pk", "start_date"))
    return {
        d.pk: (
            first.get(d.pk, starts[d.term_id]),
            d.status_date if d.status != Status.SERVING else None,
        )
        for d in deputies
    }


def _staff_user() -> User:
    """The committee's clerk (the demo's ``clerk``), made when the database has none."""
    staff_role = Group.objects.get(name=Role.STAFF.value)
    user = User.objects.filter(username="clerk").first()
    if user is None:
        user = User.objects.create_user(
            username="clerk", password=DEMO_PASSWORD, full_name="陈晓燕", is_staff=True
        )
    user.groups.add(staff_role)
    return user


def _constituencies(count: int) -> list[Constituency]:
    names = [f"第{i}选区" for i in range(1, count + 1)]
    existing = set(Constituency.objects.filter(name__in=names).values_list("name", flat=True))
    Constituency.objects.bulk_create(
        Constituency(
            name=name,
            communities="、".join(
                f"{COMMUNITY_WORDS[(i * 3 + k) % len(COMMUNITY_WORDS)]}{i // 10 + 1}社区"
                for k in range(2)
            ),
        )
        for i, name in enumerate(names)
        if name not in existing
    )
    return list(Constituency.objects.filter(name__in=names).order_by("pk"))


def _groups() -> tuple[list[ProfessionalGroup], list[ProfessionalGroup]]:
    wanted = {**GROUPS, **EXTRA_GROUPS}
    existing = set(ProfessionalGroup.objects.filter(name__in=wanted).values_list("name", flat=True))
    ProfessionalGroup.objects.bulk_create(
        ProfessionalGroup(name=name, description=text)
        for name, text in wanted.items()
        if name not in existing
    )
    groups = list(ProfessionalGroup.objects.filter(name__in=wanted).order_by("pk"))
    return groups, [g for g in groups if g.name not in existing]
