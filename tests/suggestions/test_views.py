from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertRedirects

from core import clock
from suggestions import selectors, services
from suggestions.models import Attachment, Commitment, Evaluation, Status, Suggestion

from . import helpers
from .factories import CategoryFactory, HandlingUnitFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(deputy, other_deputy, unit_user):
    unit = HandlingUnitFactory(name="区交通运输局")
    unit.users.add(unit_user)
    other_unit = HandlingUnitFactory(name="区市场监管局", with_user=True)
    mine = helpers.in_handling(lead_deputy=deputy, unit=unit)
    services.tough_project_mark(suggestion=mine, difficulty=2, team="专班", actor=None)
    cosigned = helpers.replied(lead_deputy=other_deputy, unit=other_unit)
    cosigned.co_signers.add(deputy)
    theirs = helpers.in_handling(lead_deputy=other_deputy, unit=other_unit)
    draft = SuggestionFactory(lead_deputy=deputy)
    commitment = services.commitment_add(
        suggestion=mine,
        owner_unit=unit,
        content="完成信号灯改造",
        due_on=date(2026, 12, 1),
        actor=None,
    )
    other_commitment = services.commitment_add(
        suggestion=theirs,
        owner_unit=other_unit,
        content="x",
        due_on=date(2026, 12, 1),
        actor=None,
    )
    attachment = Attachment.objects.create(
        suggestion=theirs, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), name="a.pdf"
    )
    return {
        "unit": unit,
        "other_unit": other_unit,
        "mine": mine,
        "cosigned": cosigned,
        "theirs": theirs,
        "draft": draft,
        "commitment": commitment,
        "other_commitment": other_commitment,
        "attachment": attachment,
    }


DEPUTY_URLS = ["/suggestions/mine/", "/suggestions/new/", "/suggestions/{mine}/"]
UNIT_URLS = [
    "/suggestions/unit/",
    "/suggestions/unit/{mine}/",
    "/suggestions/unit/{mine}/reply/",
    "/suggestions/unit/{mine}/extension/",
    "/suggestions/unit/{mine}/commitments/new/",
    "/suggestions/unit/{mine}/meeting/",
    "/suggestions/unit/{mine}/report/",
    "/suggestions/unit/commitments/{commitment}/",
]
STAFF_URLS = ["/suggestions/staff/", "/suggestions/staff/stats/", "/suggestions/staff/scores/"]
ALL_URLS = ["/suggestions/", *DEPUTY_URLS, *UNIT_URLS, *STAFF_URLS, "/suggestions/{mine}/qr/"]


def fmt(url, world):
    return url.format(**{k: getattr(v, "pk", v) for k, v in world.items()})


@pytest.mark.parametrize("url", ALL_URLS)
def test_anonymous_goes_to_login(client, world, url):
    url = fmt(url, world)
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"] and "next=" in response["Location"]


@pytest.mark.parametrize("url", [*DEPUTY_URLS, *UNIT_URLS, *STAFF_URLS, "/suggestions/{mine}/qr/"])
def test_plain_user_gets_403(client, plain_user, world, url):
    client.force_login(plain_user)
    assert client.get(fmt(url, world)).status_code == 403


def test_deputy_pages(deputy_client, world):
    for key in ("mine", "cosigned"):
        assert deputy_client.get(f"/suggestions/{world[key].pk}/").status_code == 200
    for key in ("theirs",):
        assert deputy_client.get(f"/suggestions/{world[key].pk}/").status_code == 404
        assert deputy_client.get(f"/suggestions/{world[key].pk}/qr/").status_code == 404
    assert deputy_client.get(f"/suggestions/{world['mine'].pk}/qr/").status_code == 200
    listing = deputy_client.get("/suggestions/mine/").content.decode()
    assert world["mine"].title in listing and world["cosigned"].title in listing
    assert world["theirs"].title not in listing
    # only drafts can be edited, only the lead deputy's; a submitted one says so on its page
    # (behaviour changed by #7: it used to answer 404, as if the suggestion were not there)
    response = deputy_client.get(f"/suggestions/{world['mine'].pk}/edit/", follow=True)
    assert response.redirect_chain == [(f"/suggestions/{world['mine'].pk}/", 302)]
    assert services.ERR_NOT_DRAFT in response.content.decode()
    assert deputy_client.get(f"/suggestions/{world['theirs'].pk}/edit/").status_code == 404
    assert deputy_client.get(f"/suggestions/{world['draft'].pk}/edit/").status_code == 200
    # co-signer cannot evaluate; the lead's other suggestions are 404
    assert deputy_client.get(f"/suggestions/{world['cosigned'].pk}/evaluate/").status_code == 404
    for url in UNIT_URLS + STAFF_URLS:
        assert deputy_client.get(fmt(url, world)).status_code == 403, url
    assert (
        deputy_client.get(f"/suggestions/attachments/{world['attachment'].pk}/").status_code == 404
    )


def test_unit_pages(unit_client, world):
    for url in UNIT_URLS:
        assert unit_client.get(fmt(url, world)).status_code == 200, url
    for key in ("theirs", "cosigned"):
        assert unit_client.get(f"/suggestions/unit/{world[key].pk}/").status_code == 404
        assert unit_client.get(f"/suggestions/unit/{world[key].pk}/reply/").status_code == 404
    other = world["other_commitment"].pk
    assert unit_client.get(f"/suggestions/unit/commitments/{other}/").status_code == 404
    for url in DEPUTY_URLS + STAFF_URLS:
        assert unit_client.get(fmt(url, world)).status_code == 403, url
    assert unit_client.get(f"/suggestions/attachments/{world['attachment'].pk}/").status_code == 404
    home = unit_client.get("/suggestions/unit/").content.decode()
    assert world["mine"].title in home and world["theirs"].title not in home


def test_other_unit_cannot_see_before_assignment(client, world):
    registered = helpers.registered()
    user = world["other_unit"].users.get()
    client.force_login(user)
    assert client.get(f"/suggestions/unit/{registered.pk}/").status_code == 404


def test_staff_pages(staff_client, world):
    for url in STAFF_URLS:
        assert staff_client.get(url).status_code == 200, url
    assert staff_client.get(f"/suggestions/{world['theirs'].pk}/qr/").status_code == 200
    response = staff_client.get(f"/suggestions/attachments/{world['attachment'].pk}/")
    assert response.status_code == 200
    assertRedirects(staff_client.get("/suggestions/"), "/suggestions/staff/")
    home = staff_client.get("/suggestions/staff/").content.decode()
    assert world["mine"].title in home  # the tough project's missing quarterly report


def test_deputy_creates_and_submits_a_draft(deputy_client, deputy, other_deputy):
    category = CategoryFactory(name="教育")
    data = {
        "kind": "suggestion",
        "title": "关于增设学校门口护学岗的建议",
        "category": category.pk,
        "body": "上下学高峰拥堵。",
        "origin": "liaison",
        "co_signers": [other_deputy.pk],
        "submit": "1",
    }
    response = deputy_client.post("/suggestions/new/", data)
    s = Suggestion.objects.get()
    assertRedirects(response, f"/suggestions/{s.pk}/")
    assert (s.status, s.lead_deputy, list(s.co_signers.all())) == (
        Status.SUBMITTED,
        deputy,
        [other_deputy],
    )
    # the deputy cannot name themselves as co-signer (not even by posting their own id)
    data["co_signers"] = [deputy.pk]
    response = deputy_client.post("/suggestions/new/", data)
    assert response.status_code == 200 and Suggestion.objects.count() == 1


def test_deputy_evaluates_and_bad_input_shows_form_errors(client, world):
    s = world["cosigned"]
    lead = s.lead_deputy
    client.force_login(lead.user)
    url = f"/suggestions/{s.pk}/evaluate/"
    response = client.post(url, {"verdict": "satisfied", "implementation_score": "150"})
    assert response.status_code == 200 and Suggestion.objects.get(pk=s.pk).status == "replied"
    response = client.post(url, {"verdict": "satisfied", "implementation_score": "88"})
    assertRedirects(response, f"/suggestions/{s.pk}/")
    assert Suggestion.objects.get(pk=s.pk).status == Status.EVALUATED
    # after evaluating, the page shows the evaluation instead of a blank form (#7); a second
    # post changes nothing
    state = selectors.STATE_EVALUATED % {
        "d": clock.today().isoformat(),
        "v": "满意",
        "n": 88,
    }
    for response in (client.get(url), client.post(url, {"verdict": "basic", "score": "10"})):
        page = response.content.decode()
        assert response.status_code == 200 and state in page
        assert 'name="implementation_score"' not in page
    assert list(Evaluation.objects.filter(suggestion=s).values_list("verdict", flat=True)) == [
        "satisfied"
    ]


def test_unit_reply_form_errors_and_success(unit_client, world):
    s = world["mine"]
    url = f"/suggestions/unit/{s.pk}/reply/"
    management = {"p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0"}
    response = unit_client.post(
        url, {"result_class": "B", "content": "列入计划", "replied_on": "2026-05-06", **management}
    )
    assert response.status_code == 200
    assert services.ERR_PROBLEMS_REQUIRED in response.content.decode()
    assert not s.replies.exists()
    response = unit_client.post(
        url,
        {
            "result_class": "B",
            "content": "列入计划",
            "replied_on": "2026-05-06",
            "p-0-kind": "funding",
            "p-0-description": "需追加预算",
            **management,
        },
    )
    assertRedirects(response, f"/suggestions/unit/{s.pk}/")
    s.refresh_from_db()
    assert s.status == Status.REPLIED and s.replies.get().problems.count() == 1


def test_unit_cannot_slip_another_units_id_into_forms(unit_client, world):
    s = world["mine"]
    response = unit_client.post(
        f"/suggestions/unit/{s.pk}/commitments/new/",
        {"content": "x", "due_on": "2026-12-01", "owner_unit": world["other_unit"].pk},
    )
    assert response.status_code == 200
    assert Commitment.objects.filter(owner_unit=world["other_unit"], suggestion=s).count() == 0
    response = unit_client.post(
        f"/suggestions/unit/{s.pk}/meeting/",
        {
            "held_on": "2026-04-01",
            "participants": "x",
            "summary": "y",
            "unit": world["other_unit"].pk,
        },
    )
    assert response.status_code == 200 and not s.meetings.exists()


def test_unit_extension_request_via_form(unit_client, world):
    s = world["mine"]
    url = f"/suggestions/unit/{s.pk}/extension/"
    assert url in unit_client.get(f"/suggestions/unit/{s.pk}/").content.decode()
    response = unit_client.post(url, {"requested_deadline": "2027-01-01", "reason": "需协调"})
    assert response.status_code == 200
    assert "不能超过" in response.content.decode()
    response = unit_client.post(url, {"requested_deadline": "2026-08-01", "reason": "需协调"})
    assertRedirects(response, f"/suggestions/unit/{s.pk}/")
    assert s.extension_requests.get().requested_deadline == date(2026, 8, 1)
    # one pending request: the page no longer offers another
    assert url not in unit_client.get(f"/suggestions/unit/{s.pk}/").content.decode()


def test_list_query_counts_do_not_grow(
    deputy, unit_user, staff_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    unit = HandlingUnitFactory()
    unit.users.add(unit_user)
    co = HandlingUnitFactory()

    def add(n):
        for _ in range(n):
            s = helpers.in_handling(lead_deputy=deputy, unit=unit, co_units=[co])
            services.commitment_add(
                suggestion=s, owner_unit=unit, content="c", due_on=date(2026, 9, 1), actor=None
            )

    pages = []
    for user, url in (
        (deputy.user, "/suggestions/mine/"),
        (unit_user, "/suggestions/unit/"),
        (staff_user, "/suggestions/staff/"),
        (staff_user, "/admin/suggestions/suggestion/"),
    ):
        c = Client()
        c.force_login(user)
        pages.append((c, url))
    add(2)
    counts = []
    for c, url in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    add(6)
    for (c, url), n in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(n):
            response = c.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("小区停车难") >= 8, url


def test_posts_on_other_parties_objects_are_404(client, world, deputy, unit_user):
    client.force_login(deputy.user)
    theirs = world["theirs"]
    assert client.post(f"/suggestions/{theirs.pk}/submit/").status_code == 404
    assert client.post(f"/suggestions/{theirs.pk}/evaluate/", {}).status_code == 404
    client.force_login(unit_user)
    for path in ("accept", "feasibility"):
        assert client.post(f"/suggestions/unit/{theirs.pk}/{path}/").status_code == 404
    assert Suggestion.objects.get(pk=theirs.pk).feasibility_note != "x"


def test_co_unit_sees_but_cannot_reply(client, world):
    s = world["theirs"]
    co_user = world["unit"].users.get()
    s.co_units.add(world["unit"])
    client.force_login(co_user)
    assert client.get(f"/suggestions/unit/{s.pk}/").status_code == 200
    assert client.get(f"/suggestions/unit/{s.pk}/reply/").status_code == 404
    assert client.get(f"/suggestions/unit/{s.pk}/commitments/new/").status_code == 200


def test_bad_attachment_is_a_form_error(deputy_client):
    category = CategoryFactory(name="教育")
    response = deputy_client.post(
        "/suggestions/new/",
        {
            "kind": "suggestion",
            "title": "标题",
            "category": category.pk,
            "body": "内容",
            "origin": "research",
            "attachments": [SimpleUploadedFile("run.exe", b"MZ")],
        },
    )
    assert response.status_code == 200
    assert "不支持的附件类型" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_qr_only_after_registration(client, world):
    draft = world["draft"]
    assert client.get(f"/suggestions/rate/{draft.public_token}/qr.svg").status_code == 404
    mine = world["mine"]
    response = client.get(f"/suggestions/rate/{mine.public_token}/qr.svg?format=png")
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_deputy_dashboard_panel(deputy_client, world):
    response = deputy_client.get("/deputy/")
    assert response.status_code == 200
    assert "我的议案建议" in response.content.decode()


def test_unit_hears_when_sent_back(world, deputy):
    from core.notifications import Notification

    s = world["mine"]
    services.reply_submit(suggestion=s, unit=s.lead_unit, result_class="A", content="x", actor=None)
    services.evaluation_submit(
        suggestion=s, deputy=deputy, verdict="unsatisfied", implementation_score=10, actor=None
    )
    user = world["unit"].users.get()
    assert Notification.objects.filter(recipient=user, kind="suggestion.reopened").count() == 1


def test_detail_shows_public_rating_summary(client, world):
    s = world["cosigned"]
    for i, score in enumerate((80, 90)):
        services.public_rating_submit(suggestion=s, score=score, device_token=f"tok{i}xxxx")
    client.force_login(s.lead_deputy.user)
    text = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert "85.0" in text and "2 人评价" in text


@pytest.mark.parametrize("query", ["year=0", "year=99999", "year=abc", "page=abc&year=2026"])
def test_staff_score_page_survives_odd_years(staff_client, query):
    response = staff_client.get(f"/suggestions/staff/scores/?{query}")
    assert response.status_code == 200
    assert response.context["year"] == (2026 if "year=2026" in query else clock.today().year)
