"""Phones never in logs: a full flow (a resident's opinion, a public rating, a roster import, a
deputy's phone edited by staff, a visit logged with the visitor's phone) runs with every logger
at DEBUG and Django's SQL log forced on; the captured text holds no number used, only masks."""

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from core import clock
from core.privacy import PhoneMaskFilter
from deputies.importer import deputies_import
from deputies.models import Deputy
from liaison.models import Opinion, Visit, VisitStatus
from suggestions.models import PublicRating
from tests.core.admin_forms import admin_post_data
from tests.deputies.factories import CommunityFactory, DeputyFactory
from tests.deputies.sheets import CHINESE_HEADER, xlsx
from tests.liaison.factories import StationFactory
from tests.suggestions import helpers
from tests.suggestions.factories import CategoryFactory

pytestmark = pytest.mark.django_db

OPINION_PHONE = "13912340001"
RATING_PHONE = "13712340002"
ROSTER_PHONES = ("13612340003", "13612340004")
EDITED_PHONE = "13512340005"
VISITOR_PHONE = "13412340006"
ALL_PHONES = (OPINION_PHONE, RATING_PHONE, *ROSTER_PHONES, EDITED_PHONE, VISITOR_PHONE)


class Capture(logging.Handler):
    """Every record any logger emits, formatted as the console would (with tracebacks)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def captured():
    """Root and every existing logger at DEBUG, the SQL debug cursor on, one capture handler
    on the root (no filter of its own: the masking must not depend on the handler)."""
    handler = Capture()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
    root.addHandler(handler)
    connection.force_debug_cursor = True
    try:
        yield handler
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled


def test_no_phone_reaches_any_log(client, staff_user, deputy, captured):
    # A resident's opinion on the public page.
    category, community = CategoryFactory(), CommunityFactory()
    response = client.post(
        reverse("liaison:opinion_new"),
        {
            "category": category.pk,
            "community": community.pk,
            "description": "楼下的路灯坏了。",
            "contact_name": "李先生",
            "contact_phone": OPINION_PHONE,
            "consent": "on",
        },
        REMOTE_ADDR="198.51.100.31",
    )
    assert response.status_code == 200
    assert Opinion.objects.get().contact_phone == OPINION_PHONE

    # A public rating with a phone.
    suggestion = helpers.replied()
    response = client.post(
        f"/suggestions/rate/{suggestion.public_token}/",
        {"score": "0", "phone": RATING_PHONE},
        REMOTE_ADDR="198.51.100.32",
    )
    assert response.status_code == 200
    assert PublicRating.objects.filter(suggestion=suggestion).count() == 1

    # A roster import with phones.
    rows = [
        CHINESE_HEADER,
        ["L001", "甲", "女", "区人大代表", "第一选区", ROSTER_PHONES[0], ""],
        ["L002", "乙", "男", "区人大代表", "第一选区", ROSTER_PHONES[1], ""],
    ]
    result = deputies_import(source=xlsx(rows), filename="roster.xlsx", today=clock.today())
    assert result.ok, result.error_lines()

    # Staff change a deputy's phone in the admin.
    client.force_login(staff_user)
    edited = DeputyFactory()
    url = reverse("admin:deputies_deputy_change", args=[edited.pk])
    data = admin_post_data(client.get(url))
    data["mobile"] = EDITED_PHONE
    response = client.post(url, data)
    assert response.status_code == 302
    assert Deputy.objects.get(pk=edited.pk).mobile == EDITED_PHONE

    # A deputy logs a visit with the visitor's phone.
    station = StationFactory()
    station.deputies.add(deputy)
    client.force_login(deputy.user)
    response = client.post(
        reverse("liaison:visit_new"),
        {
            "occurred_on": (clock.today() - timedelta(days=1)).isoformat(),
            "station": station.pk,
            "category": category.pk,
            "community": station.community.pk,
            "problem": "楼道堆物",
            "visitor_phone": VISITOR_PHONE,
            "status": VisitStatus.OPEN,
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().visitor_phone == VISITOR_PHONE

    text = captured.text
    # The SQL log ran and carried the numbers' masks: the test sees what would have leaked.
    assert "INSERT INTO" in text
    for phone in ALL_PHONES:
        assert phone not in text, phone
    assert f"{OPINION_PHONE[:3]}****{OPINION_PHONE[-4:]}" in text
    assert f"{VISITOR_PHONE[:3]}****{VISITOR_PHONE[-4:]}" in text
    assert f"{EDITED_PHONE[:3]}****{EDITED_PHONE[-4:]}" in text


def test_the_guard_is_installed_by_the_logging_settings():
    """The factory came from LOGGING (the console handler's filter), not from this test."""
    root = logging.getLogger()
    assert any(isinstance(f, PhoneMaskFilter) for handler in root.handlers for f in handler.filters)
    record = logging.getLogger("any").makeRecord(
        "any", logging.INFO, __file__, 1, "tel %s / %r", ("13812345678", [13812345679]), None
    )
    assert record.getMessage() == "tel 138****5678 / [138****5679]"
