"""Demo roster: a street with six communities and about sixty deputies of all four levels."""

import random
from datetime import date, timedelta

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from core.demo import DEMO_PASSWORD, DemoContext

from .models import (
    Community,
    Constituency,
    Deputy,
    Education,
    Gender,
    Level,
    MembershipEnd,
    PoliticalAffiliation,
    ProfessionalGroup,
    Sector,
    Term,
    TermMembership,
)
from .terms import TERM_YEARS, term_window_for

COMMUNITIES = ["东湖社区", "西园社区", "南苑社区", "北辰社区", "中心社区", "滨江社区"]
GROUPS = {
    "经济发展组": "财政预算、营商环境、产业发展",
    "城市建设组": "老旧小区改造、交通、市容环境",
    "社会事业组": "教育、医疗卫生、文化体育",
    "民生保障组": "就业、养老、社会救助",
    "法治监督组": "执法检查、司法监督、普法",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋"
    "唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文晓东海燕雪梅春林云鹏飞宇辉"
LEVEL_COUNTS = [(Level.PROVINCE, 3), (Level.CITY, 7), (Level.DISTRICT, 20), (Level.STREET, 30)]
WORKPLACES = [
    ("东湖小学", "教师", "教育教学", Sector.PROFESSIONAL),
    ("街道社区卫生服务中心", "医生", "全科医疗", Sector.PROFESSIONAL),
    ("滨江物业公司", "经理", "物业管理", Sector.ENTERPRISE),
    ("西园社区居委会", "主任", "社区治理", Sector.COMMUNITY),
    ("南苑律师事务所", "律师", "法律服务", Sector.PROFESSIONAL),
    ("北辰机械厂", "技术员", "安全生产", Sector.WORKER),
    ("街道办事处", "科长", "财政预算", Sector.CADRE),
    ("中心农贸市场", "个体经营户", "食品安全", Sector.OTHER),
]


def seed(context: DemoContext) -> None:
    rng = random.Random(20260101)
    term = _term_covering(context.today)
    previous, _ = Term.objects.get_or_create(
        number=term.number - 1,
        defaults={
            "start_date": date(term.start_date.year - TERM_YEARS, 1, 1),
            "end_date": term.start_date - timedelta(days=1),
        },
    )
    constituencies = []
    for index, community in enumerate(COMMUNITIES, start=1):
        constituency, _ = Constituency.objects.get_or_create(
            name=f"第{index}选区", defaults={"communities": community}
        )
        constituencies.append(constituency)
        # 社区: where the liaison stations stand and opinions are counted (one per 选区 here).
        Community.objects.get_or_create(
            name=community, defaults={"constituency": constituency, "order": index * 10}
        )
    context.data["communities"] = list(Community.objects.filter(name__in=COMMUNITIES))
    groups = [
        ProfessionalGroup.objects.get_or_create(name=name, defaults={"description": text})[0]
        for name, text in GROUPS.items()
    ]

    deputy_role = Group.objects.get(name=Role.DEPUTY.value)
    staff_role = Group.objects.get(name=Role.STAFF.value)
    _ensure_user("admin", "系统管理员", staff_role, is_superuser=True)
    _ensure_user("clerk", "陈晓燕", staff_role)
    context.add_login(Role.STAFF.value, "admin", "超级管理员")
    context.add_login(Role.STAFF.value, "clerk", "工委工作人员")

    number = 0
    deputies = []
    for level, count in LEVEL_COUNTS:
        for _i in range(count):
            number += 1
            code = f"D{number:03d}"
            workplace, post, specialty, sector = WORKPLACES[number % len(WORKPLACES)]
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            deputy, _created = Deputy.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "gender": Gender.FEMALE if number % 3 == 0 else Gender.MALE,
                    "birth_date": date(1960 + number % 35, 1 + number % 12, 1 + number % 28),
                    "political_affiliation": PoliticalAffiliation.CPC
                    if number % 4
                    else PoliticalAffiliation.NONE,
                    "education": Education.BACHELOR if number % 3 else Education.POSTGRADUATE,
                    "workplace": workplace,
                    "post": post,
                    "specialties": specialty,
                    "sector": sector,
                    "mobile": f"139{20260000 + number:08d}",
                    "level": level,
                    "constituency": constituencies[number % len(constituencies)],
                    "group": groups[number % len(groups)],
                    "term": term,
                    "first_elected_term": previous if number % 3 == 0 else term,
                },
            )
            deputies.append(deputy)
            if deputy.first_elected_term_id == previous.pk:
                # Re-elected: their previous term shows in the term history (历届任职).
                TermMembership.objects.get_or_create(
                    deputy=deputy,
                    term=previous,
                    defaults={
                        "joined_on": previous.start_date,
                        "left_on": previous.end_date,
                        "end_reason": MembershipEnd.CONTINUED,
                    },
                )
            if deputy.user_id is None:
                deputy.user = _ensure_user(code.lower(), deputy.name, deputy_role)
                deputy.save(update_fields=["user"])
    for group, leader in zip(groups, deputies[:: len(deputies) // len(groups)], strict=False):
        if group.leader_id is None:
            group.leader = leader
            group.save(update_fields=["leader"])
    first = deputies[0]
    context.add_login(Role.DEPUTY.value, first.user.username, f"{first.name}，其余代表为 d002…d060")
    context.data["deputies"] = deputies
    context.data["term"] = term


def _term_covering(today: date) -> Term:
    """The demo's current term covers ``today`` whatever the date (a five-year term from
    1 January, numbered in step with the real cycle), so the roster is serving in any year."""
    term = Term.current(today=today)
    if term is None:
        number, start_date, end_date = term_window_for(today)
        term, _created = Term.objects.get_or_create(
            number=number, defaults={"start_date": start_date, "end_date": end_date}
        )
    return term


def _ensure_user(username: str, full_name: str, group, is_superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            is_staff=group.name == Role.STAFF.value,
            is_superuser=is_superuser,
        )
    user.groups.add(group)
    return user
