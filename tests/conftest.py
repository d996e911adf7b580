import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from core import admin_lists, admin_reading
from tests.accounts.factories import (
    PASSWORD,
    StaffUserFactory,
    UnitUserFactory,
    UserFactory,
)
from tests.deputies.factories import DeputyWithUserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached role names, unread counts and rate limits
    must not leak from one test's (rolled back) users to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_kept_list_plans():
    """Each test plans its admin lists afresh: a test may change a list's admin (its page
    length, its ordering) for itself, and a plan kept by an earlier test would not know."""
    admin_reading.forget_plans()
    admin_lists.forget_built()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends in the site's default language: a page asked for in English activates
    English for the thread (the language middleware does not undo it), and a later test
    calling a service directly would read its messages in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="staff")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def deputy(db):
    return DeputyWithUserFactory()


@pytest.fixture
def other_deputy(db):
    return DeputyWithUserFactory()


@pytest.fixture
def deputy_client(client, deputy):
    client.force_login(deputy.user)
    return client


@pytest.fixture
def unit_user(db):
    return UnitUserFactory()


@pytest.fixture
def plain_user(db):
    return UserFactory()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def unit_client(client, unit_user):
    client.force_login(unit_user)
    return client
