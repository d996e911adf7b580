from datetime import date

import openpyxl
import pytest
from django.conf import settings

from suggestions.models import ExtensionRequest, Status, Suggestion
from suggestions.workflow import ERR_TRANSITION_NOT_ALLOWED

from . import helpers
from .factories import HandlingUnitFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/suggestions/suggestion/"


def test_changelist_and_change_page(staff_client):
    s = helpers.concluded()
    assert staff_client.get(BASE).status_code == 200
    response = staff_client.get(f"{BASE}{s.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"transition/{Status.CLOSED}/" in text  # the one button staff may press
    assert f"transition/{Status.REGISTERED}/" not in text


def test_impossible_transition_in_admin_is_a_message_not_a_500(staff_client):
    s = helpers.in_handling()
    response = staff_client.post(
        f"{BASE}{s.pk}/transition/closed/", {"comment": "", "on": "2026-11-01"}
    )
    assert response.status_code == 200
    assert (
        ERR_TRANSITION_NOT_ALLOWED
        % {
            "from": Status.IN_HANDLING.label,
            "to": Status.CLOSED.label,
        }
        in response.content.decode()
    )
    assert Suggestion.objects.get(pk=s.pk).status == Status.IN_HANDLING
    response = staff_client.get(f"{BASE}{s.pk}/transition/nonsense/")
    assert response.status_code == 302


def test_admin_register_assign_and_conclude(staff_client, staff_user):
    s = helpers.submitted()
    unit = HandlingUnitFactory()
    response = staff_client.post(
        f"{BASE}{s.pk}/transition/assigned/",
        {"lead_unit": unit.pk, "assigned_on": "2026-03-03", "comment": "请认真办理"},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.status, s.lead_unit, s.reply_deadline) == (Status.ASSIGNED, unit, date(2026, 6, 3))
    assert s.history.last().actor == staff_user


def test_bulk_actions_report_failures(staff_client):
    good = helpers.submitted()
    bad = helpers.in_handling()
    response = staff_client.post(
        BASE,
        {"action": "action_register", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 项完成" in text
    assert str(bad) in text
    assert Suggestion.objects.get(pk=good.pk).status == Status.REGISTERED


def test_bulk_assign(staff_client):
    items = [helpers.registered(), helpers.registered()]
    unit = HandlingUnitFactory()
    ids = [s.pk for s in items]
    response = staff_client.post(BASE, {"action": "action_assign", "_selected_action": ids})
    assert response.status_code == 200 and "主办单位" in response.content.decode()
    staff_client.post(
        BASE,
        {
            "action": "action_assign",
            "_selected_action": ids,
            "apply": "1",
            "lead_unit": unit.pk,
            "assigned_on": "2026-03-05",
        },
    )
    assert set(Suggestion.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        Status.ASSIGNED
    }


def test_export_xlsx(staff_client):
    s = helpers.replied()
    response = staff_client.post(BASE, {"action": "export_xlsx", "_selected_action": [s.pk]})
    assert response.status_code == 200
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    title, *rows = sheet.iter_rows(values_only=True)
    assert title[0] == settings.LVZHI_COMMITTEE_NAME and title[2].startswith("生成时间：")
    assert rows[0][0] == "编号" and rows[1][0] == s.number and rows[1][1] == s.title


def test_extension_decision_in_admin(staff_client):
    s = helpers.in_handling()
    from suggestions import services

    request = services.extension_request(
        suggestion=s,
        unit=s.lead_unit,
        requested_deadline=date(2026, 8, 1),
        reason="需协调",
        actor=None,
    )
    staff_client.post(
        "/admin/suggestions/extensionrequest/",
        {"action": "approve", "_selected_action": [request.pk]},
    )
    s.refresh_from_db()
    assert (s.reply_deadline, s.extension_count) == (date(2026, 8, 1), 1)
    assert ExtensionRequest.objects.get().status == "approved"


def test_change_page_offers_the_three_checks(staff_client):
    s = helpers.concluded()
    text = staff_client.get(f"{BASE}{s.pk}/change/").content.decode()
    assert text.count("-findings") >= 3
    for label in ("查进度", "查实效", "查反馈"):
        assert label in text


def test_other_admin_changelists(staff_client):
    helpers.concluded()
    for model in (
        "handlingunit",
        "category",
        "extensionrequest",
        "toughproject",
        "publicrating",
        "unityearscore",
        "supervisionplan",
    ):
        assert staff_client.get(f"/admin/suggestions/{model}/").status_code == 200, model


def _form_data(html: str) -> dict:
    """The values a browser would post from the admin change form."""
    from html.parser import HTMLParser

    data: dict = {}

    class Parser(HTMLParser):
        textarea = None
        select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "file", "checkbox"):
                data[name] = a.get("value", "")
            elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
                data[name] = "on"
            elif tag == "textarea" and name:
                self.textarea = name
                data[name] = ""
            elif tag == "select" and name:
                self.select = name
                data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in a:
                data[self.select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea] += text

    Parser().feed(html)
    return data


def test_check_recorded_through_the_admin_inline(staff_client, staff_user):
    s = helpers.concluded()
    url = f"{BASE}{s.pk}/change/"
    data = _form_data(staff_client.get(url).content.decode())
    prefix = next(k[: -len("-0-findings")] for k in data if k.endswith("-0-findings"))
    data[f"{prefix}-0-findings"] = "路灯已全部更换"
    data[f"{prefix}-0-done_on"] = "2026-07-12"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    check = s.checks.order_by("due_on").first()
    assert (check.findings, check.done_on, check.done_by) == (
        "路灯已全部更换",
        date(2026, 7, 12),
        staff_user,
    )


def test_admin_import_page(staff_client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.deputies.factories import DeputyFactory

    DeputyFactory(code="D777")
    content = "标题,领衔代表编号,立案日期\n关于路灯的建议,D777,2026-02-01\n关于,X1,2026-02-01\n"
    upload = SimpleUploadedFile("t.csv", content.encode("utf-8"))
    response = staff_client.post(f"{BASE}import/", {"file": upload})
    assert response.status_code == 200
    assert "第 3 行" in response.content.decode()
    assert not Suggestion.objects.exists()
    upload = SimpleUploadedFile(
        "t.csv", content.splitlines(True)[0].encode() + content.splitlines(True)[1].encode()
    )
    response = staff_client.post(f"{BASE}import/", {"file": upload})
    assert response.status_code == 302
    assert Suggestion.objects.get().number == "2026-001"


def test_admin_mark_tough(staff_client):
    s = helpers.in_handling()
    done = helpers.concluded()
    staff_client.post(
        BASE,
        {
            "action": "action_mark_tough",
            "_selected_action": [s.pk, done.pk],
            "apply": "1",
            "difficulty": "3",
            "team": "住建牵头",
        },
    )
    s.refresh_from_db()
    assert s.tough.difficulty == 3
    assert not hasattr(Suggestion.objects.get(pk=done.pk), "tough")


def test_unit_users_added_in_admin_get_the_role(staff_client):
    from accounts.roles import Role, user_has_role
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    response = staff_client.post(
        "/admin/suggestions/handlingunit/add/",
        {"name": "区水务局", "short_name": "水务局", "users": [user.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user_has_role(user, Role.HANDLING_UNIT)
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(action="suggestions.unit_role_grant").count() == 1


def test_rating_links_only_once_registered(staff_client):
    draft = helpers.submitted()
    text = staff_client.get(f"{BASE}{draft.pk}/change/").content.decode()
    assert "/suggestions/rate/" not in text and f"/suggestions/{draft.pk}/qr/" not in text
    registered = helpers.registered()
    text = staff_client.get(f"{BASE}{registered.pk}/change/").content.decode()
    assert f"/suggestions/rate/{registered.public_token}/" in text
    assert staff_client.get(f"/suggestions/{registered.pk}/qr/").status_code == 200


def test_change_page_queries_do_not_grow_with_history(staff_client, django_assert_max_num_queries):
    """Inline rows read their units, deputies and problem lists with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from suggestions import services

    def fill(s, n):
        for i in range(n):
            services.commitment_add(
                suggestion=s,
                owner_unit=s.lead_unit,
                content=f"事项{i}",
                due_on=date(2026, 12, 1),
                actor=None,
            )
            services.meeting_record(
                suggestion=s,
                unit=s.lead_unit,
                held_on=date(2026, 5, 7),
                participants="x",
                summary="y",
                actor=None,
            )
        return s

    small = fill(helpers.replied(result_class="B"), 1)
    big = fill(helpers.replied(result_class="B"), 5)
    with CaptureQueriesContext(connection) as ctx:
        assert staff_client.get(f"{BASE}{small.pk}/change/").status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert staff_client.get(f"{BASE}{big.pk}/change/").status_code == 200


def test_staff_record_a_paper_evaluation_for_the_lead_deputy(staff_client, staff_user):
    s = helpers.replied()
    page = staff_client.get(f"{BASE}{s.pk}/change/").content.decode()
    assert f"transition/{Status.EVALUATED}/" in page
    url = f"{BASE}{s.pk}/transition/{Status.EVALUATED}/"
    assert str(s.lead_deputy) in staff_client.get(url).content.decode()  # whose evaluation
    response = staff_client.post(
        url, {"verdict": "satisfied", "implementation_score": "101", "evaluated_on": "2026-05-20"}
    )
    assert response.status_code == 200 and not s.evaluations.exists()
    response = staff_client.post(
        url, {"verdict": "satisfied", "implementation_score": "88", "evaluated_on": "2026-05-20"}
    )
    assert response.status_code == 302
    s.refresh_from_db()
    evaluation = s.evaluations.get()
    assert (s.status, evaluation.deputy, evaluation.implementation_score) == (
        Status.EVALUATED,
        s.lead_deputy,
        88,
    )
    assert s.history.last().actor == staff_user


def test_extension_decided_from_its_own_page(staff_client):
    from suggestions import services

    s = helpers.in_handling()
    request = services.extension_request(
        suggestion=s,
        unit=s.lead_unit,
        requested_deadline=date(2026, 8, 1),
        reason="需协调",
        actor=None,
    )
    url = f"/admin/suggestions/extensionrequest/{request.pk}/change/"
    assert 'name="_approve"' in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"decision_note": "同意，抓紧办理", "_approve": "1"})
    assert response.status_code == 302
    request.refresh_from_db()
    s.refresh_from_db()
    assert (request.status, request.decision_note) == ("approved", "同意，抓紧办理")
    assert s.reply_deadline == date(2026, 8, 1)
    assert 'name="_approve"' not in staff_client.get(url).content.decode()


def test_unit_score_refresh_action(staff_client):
    from suggestions.models import UnitYearScore
    from suggestions.scoring import unit_scores_refresh

    s = helpers.concluded()
    unit_scores_refresh(year=2026)
    row = UnitYearScore.objects.get()
    UnitYearScore.objects.filter(pk=row.pk).update(score=1)
    response = staff_client.post(
        "/admin/suggestions/unityearscore/", {"action": "refresh", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    assert UnitYearScore.objects.get(unit=s.lead_unit).score == 90
