from datetime import date

import factory

from suggestions.models import Category, HandlingUnit, Kind, Status, Suggestion
from tests.accounts.factories import UnitUserFactory
from tests.deputies.factories import DeputyWithUserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"类别{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"区测试局{n}")

    @factory.post_generation
    def with_user(self, create, extracted, **kwargs):
        """``HandlingUnitFactory(with_user=True)`` adds one unit-role login."""
        if create and extracted:
            self.users.add(UnitUserFactory())


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A draft; use ``tests.suggestions.helpers`` to walk it further through the services."""

    class Meta:
        model = Suggestion

    kind = Kind.SUGGESTION
    title = factory.Sequence(lambda n: f"关于改善第{n}号小区停车难的建议")
    body = "小区停车位不足，建议规划建设立体停车场。"
    category = factory.SubFactory(CategoryFactory)
    lead_deputy = factory.SubFactory(DeputyWithUserFactory)
    status = Status.DRAFT


class RegisteredSuggestionFactory(SuggestionFactory):
    """Registered directly in the database (no workflow), numbered in a far-off year."""

    status = Status.REGISTERED
    year = 2001
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.year}-{o.sequence:03d}")
    registered_on = date(2001, 1, 1)
