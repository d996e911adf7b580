"""Needs surveys: a deputy submits once, only while the survey is open, every answer checked
(each refusal names its question, nothing written); the staff summary counts in a fixed
number of queries."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest

from core.models import AuditEvent
from deputies.models import Status
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.training.factories import (
    NOW,
    SurveyFactory,
    SurveyOptionFactory,
    SurveyQuestionFactory,
    TopicFactory,
)
from training.models import SurveyAnswer, SurveyQuestionKind, SurveyResponse
from training.selectors_surveys import (
    MISSING_SHOWN,
    percent,
    response_rows,
    survey_questions,
    survey_summary,
)
from training.services import TrainingError
from training.services.surveys import (
    ERR_ALREADY_ANSWERED,
    ERR_BAD_OPTION,
    ERR_MULTIPLE,
    ERR_NOT_OPEN,
    ERR_NOT_PUBLISHED,
    ERR_NOT_SERVING,
    ERR_ONLY_SELF,
    ERR_REQUIRED,
    ERR_SINGLE,
    ERR_TEXT_TOO_LONG,
    ERR_UNKNOWN_QUESTION,
    survey_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    """One survey of each kind of question: a single choice, a multiple choice (optional) and
    a text (optional)."""
    survey = SurveyFactory(title="2026年履职培训需求调查")
    single = SurveyQuestionFactory(survey=survey, text="您最希望提升哪方面能力？", order=1)
    SurveyOptionFactory(question=single, text="建议撰写", topic=TopicFactory(name="建议撰写"))
    SurveyOptionFactory(question=single, text="接待选民")
    multiple = SurveyQuestionFactory(
        survey=survey,
        text="您方便参加哪些形式？",
        kind=SurveyQuestionKind.MULTIPLE,
        required=False,
        order=2,
    )
    SurveyOptionFactory(question=multiple, text="讲座")
    SurveyOptionFactory(question=multiple, text="现场教学")
    SurveyOptionFactory(question=multiple, text="线上")
    SurveyQuestionFactory(
        survey=survey,
        text="其他意见",
        kind=SurveyQuestionKind.TEXT,
        required=False,
        order=3,
    )
    return survey


def _parts(survey):
    single, multiple, text = survey_questions(survey)
    return single, multiple, text, list(single.options.all()), list(multiple.options.all())


def _submit(survey, deputy, answers, actor=None, now=NOW):
    return survey_submit(
        survey=survey, deputy=deputy, answers=answers, actor=actor or deputy.user, now=now
    )


def test_a_deputy_submits_each_kind_of_answer(survey):
    deputy = DeputyWithUserFactory()
    single, multiple, text, (writing, _), (lecture, field, _) = _parts(survey)
    response = _submit(
        survey,
        deputy,
        {
            single.pk: [writing.pk],
            multiple.pk: [lecture.pk, field.pk],
            text.pk: "  希望多安排周末  ",
        },
    )
    assert response.submitted_at == NOW
    answers = {a.question_id: a for a in response.answers.prefetch_related("options")}
    assert [o.pk for o in answers[single.pk].options.all()] == [writing.pk]
    assert {o.pk for o in answers[multiple.pk].options.all()} == {lecture.pk, field.pk}
    assert answers[text.pk].text == "希望多安排周末"
    event = AuditEvent.objects.get(action="training.survey.submit")
    assert event.data["deputy"] == deputy.code and event.data["answered"] == 3
    rows = response_rows(response, survey_questions(survey))
    assert [r.options for r in rows] == [["建议撰写"], ["讲座", "现场教学"], []]
    assert rows[2].text == "希望多安排周末"


def test_optional_questions_may_be_skipped(survey):
    deputy = DeputyWithUserFactory()
    single, _, _, (writing, _), _ = _parts(survey)
    response = _submit(survey, deputy, {single.pk: [writing.pk]})
    assert response.answers.count() == 1


def test_only_the_deputy_themself_submits(survey):
    deputy, other = DeputyWithUserFactory(), DeputyWithUserFactory()
    single, _, _, (writing, _), _ = _parts(survey)
    for actor in (StaffUserFactory(), other.user, None):
        with pytest.raises(TrainingError) as exc:
            survey_submit(
                survey=survey,
                deputy=deputy,
                answers={single.pk: [writing.pk]},
                actor=actor,
                now=NOW,
            )
        assert str(exc.value) == ERR_ONLY_SELF
    assert not SurveyResponse.objects.exists()


def test_a_deputy_out_of_office_cannot_submit(survey):
    deputy = DeputyWithUserFactory(
        status=Status.RESIGNED, status_date=datetime.date(2026, 4, 1), status_reason="工作调动"
    )
    single, _, _, (writing, _), _ = _parts(survey)
    with pytest.raises(TrainingError) as exc:
        _submit(survey, deputy, {single.pk: [writing.pk]})
    assert str(exc.value) == ERR_NOT_SERVING % {"deputy": deputy}


@pytest.mark.parametrize(
    ("now", "published"),
    [
        (datetime.datetime(2026, 2, 28, 12, 0, tzinfo=datetime.UTC), True),  # before it opens
        (datetime.datetime(2027, 1, 1, 2, 0, tzinfo=datetime.UTC), True),  # after it closes
        (NOW, False),
    ],
)
def test_a_survey_not_open_refuses_answers(survey, now, published):
    survey.is_published = published
    survey.save()
    deputy = DeputyWithUserFactory()
    single, _, _, (writing, _), _ = _parts(survey)
    with pytest.raises(TrainingError) as exc:
        _submit(survey, deputy, {single.pk: [writing.pk]}, now=now)
    if published:
        expected = ERR_NOT_OPEN % {
            "survey": survey.title,
            "opens": survey.opens_on,
            "closes": survey.closes_on,
        }
    else:
        expected = ERR_NOT_PUBLISHED % {"survey": survey.title}
    assert str(exc.value) == expected
    assert not SurveyResponse.objects.exists()


def test_the_last_day_is_still_open_in_shanghai(survey):
    """23:30 on the closing day in Shanghai is 15:30 UTC: still that day for the committee."""
    deputy = DeputyWithUserFactory()
    single, _, _, (writing, _), _ = _parts(survey)
    late = datetime.datetime(2026, 12, 31, 15, 30, tzinfo=datetime.UTC)
    assert _submit(survey, deputy, {single.pk: [writing.pk]}, now=late)


def test_once_per_deputy(survey):
    deputy = DeputyWithUserFactory()
    single, _, _, (writing, talking), _ = _parts(survey)
    _submit(survey, deputy, {single.pk: [writing.pk]})
    with pytest.raises(TrainingError) as exc:
        _submit(survey, deputy, {single.pk: [talking.pk]})
    assert str(exc.value) == ERR_ALREADY_ANSWERED % {"survey": survey.title}
    assert SurveyAnswer.objects.count() == 1


def test_a_concurrent_second_submission_is_refused_by_the_database(survey):
    """Both requests passed the check before either wrote: the unique constraint refuses the
    second, and the refusal is the same message, not an IntegrityError."""
    deputy = DeputyWithUserFactory()
    single, _, _, (writing, talking), _ = _parts(survey)
    _submit(survey, deputy, {single.pk: [writing.pk]})
    with (
        mock.patch("django.db.models.query.QuerySet.exists", return_value=False),
        pytest.raises(TrainingError) as exc,
    ):
        _submit(survey, deputy, {single.pk: [talking.pk]})
    assert str(exc.value) == ERR_ALREADY_ANSWERED % {"survey": survey.title}
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == 1


def test_bad_answers_name_the_question_and_write_nothing(survey):
    deputy = DeputyWithUserFactory()
    single, multiple, text, (writing, talking), (lecture, *_) = _parts(survey)
    other_option = SurveyOptionFactory()
    cases = [
        ({}, ERR_REQUIRED % {"question": single.text}),
        ({single.pk: []}, ERR_REQUIRED % {"question": single.text}),
        ({single.pk: [writing.pk, talking.pk]}, ERR_SINGLE % {"question": single.text}),
        ({single.pk: [other_option.pk]}, ERR_BAD_OPTION % {"question": single.text}),
        ({single.pk: ["abc"]}, ERR_BAD_OPTION % {"question": single.text}),
        ({single.pk: "建议撰写"}, ERR_BAD_OPTION % {"question": single.text}),
        (
            {single.pk: [writing.pk], multiple.pk: [writing.pk]},
            ERR_BAD_OPTION % {"question": multiple.text},
        ),
        (
            {single.pk: [writing.pk], text.pk: "长" * 1001},
            ERR_TEXT_TOO_LONG % {"question": text.text, "max": 1000},
        ),
        (
            {single.pk: [writing.pk], text.pk: [lecture.pk]},
            ERR_BAD_OPTION % {"question": text.text},
        ),
        ({single.pk: [writing.pk], 999999: "x"}, ERR_UNKNOWN_QUESTION % {"survey": survey.title}),
        ({single.pk: [writing.pk], "q1": "x"}, ERR_UNKNOWN_QUESTION % {"survey": survey.title}),
    ]
    for answers, message in cases:
        with pytest.raises(TrainingError) as exc:
            _submit(survey, deputy, answers)
        assert str(exc.value) == message, answers
    assert not SurveyResponse.objects.exists()
    assert not AuditEvent.objects.filter(action="training.survey.submit").exists()


def test_a_text_of_exactly_1000_characters_is_kept(survey):
    deputy = DeputyWithUserFactory()
    single, _, text, (writing, _), _ = _parts(survey)
    response = _submit(survey, deputy, {single.pk: [writing.pk], text.pk: "长" * 1000})
    assert len(response.answers.get(question=text).text) == 1000


def test_a_required_multiple_choice_needs_one_option():
    question = SurveyQuestionFactory(kind=SurveyQuestionKind.MULTIPLE, text="可参加的时间")
    SurveyOptionFactory(question=question)
    deputy = DeputyWithUserFactory()
    with pytest.raises(TrainingError) as exc:
        _submit(question.survey, deputy, {question.pk: []})
    assert str(exc.value) == ERR_MULTIPLE % {"question": "可参加的时间"}


def _answer_many(survey, n, *, texts=True):
    single, multiple, text, (writing, talking), (lecture, field, online) = _parts(survey)
    deputies = DeputyWithUserFactory.create_batch(n)
    for i, deputy in enumerate(deputies):
        answers = {
            single.pk: [writing.pk if i % 2 == 0 else talking.pk],
            multiple.pk: [lecture.pk, online.pk] if i % 3 == 0 else [field.pk],
        }
        if texts:
            answers[text.pk] = f"意见{i}"
        _submit(survey, deputy, answers)
    return deputies


def test_the_summary_counts_options_rate_and_who_has_not_answered(survey):
    answered = _answer_many(survey, 4)  # 0 and 2 chose 建议撰写; 0 and 3 took 讲座+线上
    silent = DeputyWithUserFactory.create_batch(2)
    left = DeputyWithUserFactory(
        status=Status.TERM_ENDED, status_date=datetime.date(2026, 5, 1), status_reason="届满"
    )
    summary = survey_summary(survey)
    assert (summary.responses, summary.answered, summary.serving) == (4, 4, 6)
    assert summary.rate == percent(4, 6) == Decimal("66.7")
    single, multiple, text = summary.questions
    assert [(o.option.text, o.count, o.share) for o in single.options] == [
        ("建议撰写", 2, 50),
        ("接待选民", 2, 50),
    ]
    assert [(o.option.text, o.count) for o in multiple.options] == [
        ("讲座", 2),
        ("现场教学", 2),
        ("线上", 2),
    ]
    assert text.is_text and not single.is_text
    assert summary.texts.paginator.count == 4
    assert sorted(a.text for a in summary.texts) == ["意见0", "意见1", "意见2", "意见3"]
    assert {d.pk for d in summary.missing} == {d.pk for d in silent}
    assert left.pk not in {d.pk for d in summary.missing}
    assert summary.missing_count == 2 and summary.missing_more == 0
    assert answered[0].pk not in {d.pk for d in summary.missing}


def test_the_summary_of_a_survey_without_answers_has_no_rate_and_no_division():
    survey = SurveyFactory()
    SurveyOptionFactory(question=SurveyQuestionFactory(survey=survey))
    summary = survey_summary(survey, text_page="abc")
    assert summary.serving == 0 and summary.rate is None
    assert summary.questions[0].options[0].share is None
    assert summary.texts.number == 1


def test_the_summary_names_at_most_the_first_hundred_missing(survey, monkeypatch):
    monkeypatch.setattr("training.selectors_surveys.MISSING_SHOWN", 3)
    DeputyWithUserFactory.create_batch(5)
    summary = survey_summary(survey)
    assert len(summary.missing) == 3 and summary.missing_more == 2
    assert MISSING_SHOWN == 100


@pytest.mark.parametrize("n", [3, 12])
def test_the_summary_takes_a_fixed_number_of_queries(survey, n, django_assert_num_queries):
    _answer_many(survey, n)
    DeputyWithUserFactory.create_batch(n)
    with django_assert_num_queries(8):
        summary = survey_summary(survey)
        list(summary.texts)
        [o.option.topic for q in summary.questions for o in q.options]
    assert summary.responses == n
