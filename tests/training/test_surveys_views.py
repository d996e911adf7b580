"""The survey pages: the deputy answers on a phone (closed surveys say so, bad posts name the
question and write nothing), then reads their answers; staff read the summary at a fixed
query count and reach it from the admin. Each role sees what it should."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from tests.deputies.factories import DeputyWithUserFactory
from tests.training.factories import (
    SurveyFactory,
    SurveyOptionFactory,
    SurveyQuestionFactory,
    TopicFactory,
)
from training.models import SurveyQuestionKind, SurveyResponse
from training.services.surveys import (
    ERR_BAD_OPTION,
    ERR_MULTIPLE,
    ERR_REQUIRED,
    ERR_TEXT_TOO_LONG,
    survey_submit,
)

pytestmark = pytest.mark.django_db
MOMENT = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.fixture
def survey():
    survey = SurveyFactory(title="2026年履职培训需求调查", intro="请如实填写。")
    single = SurveyQuestionFactory(survey=survey, text="您最希望提升哪方面能力？", order=1)
    SurveyOptionFactory(question=single, text="建议撰写", topic=TopicFactory(name="建议撰写"))
    SurveyOptionFactory(question=single, text="接待选民")
    multiple = SurveyQuestionFactory(
        survey=survey, text="您方便参加哪些形式？", kind=SurveyQuestionKind.MULTIPLE, order=2
    )
    SurveyOptionFactory(question=multiple, text="讲座")
    SurveyOptionFactory(question=multiple, text="线上")
    SurveyQuestionFactory(
        survey=survey, text="其他意见", kind=SurveyQuestionKind.TEXT, required=False, order=3
    )
    return survey


def _ids(survey):
    single, multiple, text = survey.questions.order_by("order")
    return single, multiple, text, list(single.options.all()), list(multiple.options.all())


def _url(survey):
    return reverse("training:survey", args=[survey.pk])


def _summary_url(survey):
    return reverse("training:survey_summary", args=[survey.pk])


def test_the_deputy_sees_the_form_built_from_the_questions(deputy_client, survey):
    page = deputy_client.get(_url(survey)).content.decode()
    assert "2026年履职培训需求调查" in page and "请如实填写。" in page
    assert "您最希望提升哪方面能力？" in page and 'type="radio"' in page
    assert 'type="checkbox"' in page and "<textarea" in page
    assert "建议撰写" in page and "线上" in page


def test_submitting_stores_the_answers_and_shows_them_read_only(deputy_client, deputy, survey):
    single, multiple, text, (writing, _), (lecture, online) = _ids(survey)
    response = deputy_client.post(
        _url(survey),
        {
            f"q{single.pk}": str(writing.pk),
            f"q{multiple.pk}": [str(lecture.pk), str(online.pk)],
            f"q{text.pk}": "希望多安排周末",
        },
    )
    assert response.status_code == 302 and response["Location"] == _url(survey)
    saved = SurveyResponse.objects.get(survey=survey, deputy=deputy)
    assert saved.answers.count() == 3
    page = deputy_client.get(_url(survey)).content.decode()
    assert "已提交，感谢您填写需求调查。" in page
    assert "讲座、线上" in page and "希望多安排周末" in page
    assert '<form method="post" novalidate>' not in page
    # A second post changes nothing: the answers are shown again.
    again = deputy_client.post(_url(survey), {f"q{single.pk}": "999"})
    assert again.status_code == 200 and "讲座、线上" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_bad_post_names_the_question_and_writes_nothing(deputy_client, survey):
    single, multiple, text, (writing, _), (lecture, _) = _ids(survey)
    cases = [
        ({}, ERR_REQUIRED % {"question": single.text}),
        ({f"q{single.pk}": str(writing.pk)}, ERR_MULTIPLE % {"question": multiple.text}),
        (
            {f"q{single.pk}": "abc", f"q{multiple.pk}": str(lecture.pk)},
            ERR_BAD_OPTION % {"question": single.text},
        ),
        (
            {f"q{single.pk}": str(lecture.pk), f"q{multiple.pk}": str(lecture.pk)},
            ERR_BAD_OPTION % {"question": single.text},
        ),
        (
            {
                f"q{single.pk}": str(writing.pk),
                f"q{multiple.pk}": str(lecture.pk),
                f"q{text.pk}": "长" * 1001,
            },
            ERR_TEXT_TOO_LONG % {"question": text.text, "max": 1000},
        ),
    ]
    for data, message in cases:
        response = deputy_client.post(_url(survey), data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
    assert not SurveyResponse.objects.exists()
    assert not AuditEvent.objects.filter(action="training.survey.submit").exists()


def test_a_closed_survey_is_a_clear_page_and_a_draft_is_not_found(deputy_client):
    closed = SurveyFactory(closes_on=datetime.date(2026, 5, 1), title="上半年调查")
    hidden = SurveyFactory(is_published=False, title="草稿调查")
    SurveyOptionFactory(question=SurveyQuestionFactory(survey=closed))
    page = deputy_client.get(_url(closed)).content.decode()
    assert "上半年调查”的填写时间为 2026-03-01 至 2026-05-01，现在不能提交。" in page
    assert "<textarea" not in page and 'type="radio"' not in page
    posted = deputy_client.post(_url(closed), {"q1": "1"})
    assert posted.status_code == 200 and "现在不能提交" in posted.content.decode()
    response = deputy_client.get(_url(hidden))
    assert response.status_code == 404 and "草稿调查" not in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_deputy_sees_only_their_own_answers(client, survey):
    single, multiple, _, (writing, _), (lecture, _) = _ids(survey)
    first, second = DeputyWithUserFactory(), DeputyWithUserFactory()
    survey_submit(
        survey=survey,
        deputy=first,
        answers={single.pk: [writing.pk], multiple.pk: [lecture.pk]},
        actor=first.user,
    )
    client.force_login(second.user)
    page = client.get(_url(survey)).content.decode()
    assert 'type="radio"' in page  # the form, not the first deputy's answers
    assert "您已于" not in page


def test_who_may_open_the_deputy_page(client, survey, staff_user, unit_user):
    assert client.get(_url(survey)).status_code == 302  # anonymous → login
    client.force_login(staff_user)
    assert client.get(_url(survey)).status_code == 403
    client.force_login(unit_user)
    assert client.get(_url(survey)).status_code == 403
    assert client.get(reverse("training:survey", args=[999999])).status_code == 403


def test_an_unknown_survey_is_404_for_a_deputy(deputy_client):
    assert deputy_client.get("/training/surveys/999999/").status_code == 404


def _answer(survey, n):
    single, multiple, text, (writing, talking), (lecture, online) = _ids(survey)
    for i, deputy in enumerate(DeputyWithUserFactory.create_batch(n)):
        survey_submit(
            survey=survey,
            deputy=deputy,
            answers={
                single.pk: [writing.pk if i % 2 else talking.pk],
                multiple.pk: [lecture.pk, online.pk],
                text.pk: f"第{i}条意见",
            },
            actor=deputy.user,
        )


def test_the_summary_shows_rate_options_texts_and_missing(staff_client, survey):
    _answer(survey, 3)
    silent = DeputyWithUserFactory(name="未答者")
    page = staff_client.get(_summary_url(survey)).content.decode()
    assert "75.0%" in page and "3/4" in page  # 3 of 4 serving deputies
    assert "66.7%" in page and "33.3%" in page and "100.0%" in page
    assert "第0条意见" in page and "第2条意见" in page
    assert f"{silent.name}（{silent.code}）" in page
    assert reverse("admin:training_survey_change", args=[survey.pk]) in page


def test_the_summary_pages_its_texts_and_survives_odd_pages(staff_client, survey, monkeypatch):
    monkeypatch.setattr("training.selectors_surveys.TEXTS_PER_PAGE", 2)
    _answer(survey, 3)
    first = staff_client.get(_summary_url(survey)).content.decode()
    assert "1 / 2" in first
    for odd in ("abc", "-1", "99", ""):
        assert staff_client.get(_summary_url(survey), {"page": odd}).status_code == 200


def test_the_summary_is_for_staff_only(deputy_client, survey, unit_user):
    assert deputy_client.get(_summary_url(survey)).status_code == 403
    anonymous = Client()
    response = anonymous.get(_summary_url(survey))
    assert response.status_code == 302 and "/login" in response["Location"]
    anonymous.force_login(unit_user)
    assert anonymous.get(_summary_url(survey)).status_code == 403


def test_the_summary_takes_the_same_queries_at_two_sizes(
    staff_client, survey, django_assert_num_queries
):
    _answer(survey, 2)
    staff_client.get(_summary_url(survey))  # the session and the role names are cached now
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(_summary_url(survey)).status_code == 200
    _answer(survey, 10)
    DeputyWithUserFactory.create_batch(5)
    with django_assert_num_queries(len(small.captured_queries)):
        page = staff_client.get(_summary_url(survey)).content.decode()
    assert "12/17" in page


def test_the_survey_admin_lists_counts_and_links_the_summary(staff_client, survey):
    _answer(survey, 2)
    SurveyFactory(title="另一份调查")
    page = staff_client.get("/admin/training/survey/").content.decode()
    assert '<td class="field-response_count">2</td>' in page
    assert '<td class="field-response_count">0</td>' in page
    assert _summary_url(survey) in page
    change = staff_client.get(f"/admin/training/survey/{survey.pk}/change/").content.decode()
    assert _summary_url(survey) in change
    assert "已收到 2 份答卷" in change
    assert "您最希望提升哪方面能力？" in change  # the questions inline


def test_the_survey_admin_list_has_constant_queries(staff_client, django_assert_num_queries):
    SurveyFactory.create_batch(2)
    staff_client.get("/admin/training/survey/")
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get("/admin/training/survey/").status_code == 200
    for _ in range(6):
        survey = SurveyFactory()
        SurveyQuestionFactory(survey=survey)
    with django_assert_num_queries(len(small.captured_queries)):
        assert staff_client.get("/admin/training/survey/").status_code == 200


def test_question_admin_edits_options_with_topics(staff_client, survey):
    single = survey.questions.get(order=1)
    page = staff_client.get(f"/admin/training/surveyquestion/{single.pk}/change/").content.decode()
    assert "建议撰写" in page and "对应培训专题" in page
    listing = staff_client.get("/admin/training/surveyquestion/").content.decode()
    assert '<td class="field-option_count">2</td>' in listing


def test_responses_are_read_only_in_the_admin(staff_client, survey):
    _answer(survey, 1)
    response = SurveyResponse.objects.get()
    page = staff_client.get(f"/admin/training/surveyresponse/{response.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "第0条意见" in text and "讲座、线上" in text
    assert 'name="_save"' not in text
    assert staff_client.get("/admin/training/surveyresponse/add/").status_code == 403
    deleted = staff_client.post(
        f"/admin/training/surveyresponse/{response.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert SurveyResponse.objects.count() == 1
