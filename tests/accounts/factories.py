import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role

PASSWORD = "pass-1234"


def _with_roles(*default: Role):
    """Post-generation hook: ``UserFactory(roles=[Role.DEPUTY])`` or the subclass's default."""

    def add(user, create, extracted, **kwargs):
        if create:
            wanted = extracted if extracted is not None else default
            user.groups.add(*(Group.objects.get_or_create(name=Role(r).value)[0] for r in wanted))

    return factory.PostGeneration(add)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)
    roles = _with_roles()


class StaffUserFactory(UserFactory):
    is_staff = True
    roles = _with_roles(Role.STAFF)


class DeputyUserFactory(UserFactory):
    roles = _with_roles(Role.DEPUTY)


class UnitUserFactory(UserFactory):
    roles = _with_roles(Role.HANDLING_UNIT)
