from datetime import date

import factory

from deputies.models import Community, Constituency, Deputy, Gender, Level, ProfessionalGroup, Term
from tests.accounts.factories import DeputyUserFactory


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("number",)

    number = 17
    start_date = date(2022, 1, 1)
    end_date = date(2026, 12, 31)


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n + 1}选区")
    communities = "东湖社区"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试社区{n}")


class ProfessionalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"专业小组{n}")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Faker("name", locale="zh_CN")
    gender = Gender.MALE
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    level = Level.STREET
    constituency = factory.SubFactory(ConstituencyFactory)
    term = factory.SubFactory(TermFactory)


class DeputyWithUserFactory(DeputyFactory):
    user = factory.SubFactory(DeputyUserFactory)
