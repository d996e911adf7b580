import pytest


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test elsewhere may have flushed the reused test database, data
    migrations included; put back the roles and default categories these tests rely on."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.contrib.auth.models import Group

    from accounts.roles import Role, sync_staff_permissions
    from suggestions.models import DEFAULT_CATEGORIES, Category

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_staff_permissions()
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10})


@pytest.fixture
def ledger_rules(db):
    """The duty ledger's rule sets for the years the tests credit in (the helpers' 2026 and
    the clock's year): a year without rules is credited nothing, by design."""
    from core import clock
    from tests.performance.factories import rule_set

    return {year: rule_set(year) for year in {2026, clock.today().year}}
