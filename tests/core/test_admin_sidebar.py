"""The audit log's, the ledger's, the suggestions' and the deputies' list pages read their
filters' choices in one statement (``core.admin_sidebar``), and each filter offers what its base
class reads on its own: the same years, values, names and staff, in the same order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin_sidebar import SidebarNamedFilter
from core.audit import audit_record
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyFactory, ProfessionalGroupFactory, TermFactory
from tests.performance.factories import LedgerEntryFactory, rule
from tests.suggestions.factories import (
    CategoryFactory,
    HandlingUnitFactory,
    RegisteredSuggestionFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    from accounts.roles import sync_staff_permissions

    sync_staff_permissions()


def _rows(staff_user) -> None:
    for i in range(4):
        audit_record(actor=staff_user, action=f"core.test_{i % 3}", summary=f"第{i}条")
    StaffUserFactory(full_name="乙")
    for name in ("住建局", "城管局", "交通局"):
        HandlingUnitFactory(name=name)
    SuggestionFactory(category=CategoryFactory(name="城建"))
    RegisteredSuggestionFactory(category=CategoryFactory(name="民生"))  # a year to offer
    for code, year in (("B01", 2024), ("B01", 2025), ("C02", 2025)):
        LedgerEntryFactory(rule=rule(code, year))
    named, unnamed = TermFactory(number=18, name="第十八届"), TermFactory(number=16)
    for term in (named, unnamed):  # a term without a name is shown as 第16届
        DeputyFactory(term=term, group=ProfessionalGroupFactory())


def _own_choices(spec, request, model_admin):
    """What the filter offers when it reads on its own (no request: its base class's read)."""
    if isinstance(spec, SidebarNamedFilter):
        return list(spec.field_choices(spec.field, None, model_admin))
    return list(spec.lookups(None, model_admin))


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("admin:core_auditevent_changelist", 4),
        ("admin:performance_ledgerentry_changelist", 2),
        ("admin:suggestions_suggestion_changelist", 3),
        ("admin:deputies_deputy_changelist", 3),  # constituencies, groups, terms
    ],
)
def test_filters_read_in_one_statement_what_they_read_alone(staff_client, staff_user, name, folded):
    _rows(staff_user)
    url = reverse(name)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(url)
    sidebar = [q["sql"] for q in queries if "JSON_AGG(JSON_BUILD_ARRAY(" in q["sql"]]
    if connection.vendor == "postgresql":  # elsewhere each filter reads its own choices
        assert len(sidebar) == 1 and sidebar[0].count("JSON_AGG(JSON_BUILD_ARRAY(") == folded
    else:
        assert sidebar == []
    cl = response.context["cl"]
    request = response.wsgi_request
    compared = 0
    for spec in cl.filter_specs:
        if hasattr(type(spec), "sidebar_part"):
            shown = spec.lookup_choices
            assert list(shown) == _own_choices(spec, request, cl.model_admin), spec.title
            compared += bool(shown)
    assert compared == folded
