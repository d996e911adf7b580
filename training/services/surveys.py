"""Needs surveys (培训需求调查): a deputy submits their answers, once.

The answers are the deputy's own voice (the recommender reads the options they chose), so only
the deputy themself submits, never staff on their behalf. Every rule a form checks is checked
again here: a hand-made POST or a second tab cannot store what the form would refuse.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Deputy, Status

from ..models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
)
from .common import TrainingError

MAX_TEXT = 1000

ERR_ONLY_SELF = gettext_noop("需求调查只能由代表本人填写。")
ERR_NOT_SERVING = gettext_noop("%(deputy)s 不是在任代表，不能填写需求调查。")
ERR_NOT_PUBLISHED = gettext_noop("“%(survey)s”尚未发布。")
ERR_NOT_OPEN = gettext_noop("“%(survey)s”的填写时间为 %(opens)s 至 %(closes)s，现在不能提交。")
ERR_ALREADY_ANSWERED = gettext_noop("您已提交过“%(survey)s”，每位代表只能提交一次。")
ERR_UNKNOWN_QUESTION = gettext_noop("提交的问题不属于“%(survey)s”。")
ERR_REQUIRED = gettext_noop("请回答“%(question)s”。")
ERR_SINGLE = gettext_noop("“%(question)s”须选择且只能选择一项。")
ERR_MULTIPLE = gettext_noop("“%(question)s”请至少选择一项。")
ERR_BAD_OPTION = gettext_noop("“%(question)s”的选项无效，请重新选择。")
ERR_TEXT_TOO_LONG = gettext_noop("“%(question)s”的回答不能超过 %(max)d 字。")

# question id → option ids (choice questions) or text (text questions)
Answers = Mapping[int, Iterable[int] | str]


def survey_check_open(survey: Survey, *, today: date) -> None:
    """Raise the message a deputy reads when the survey cannot be answered today; the page
    shows the same words instead of a form."""
    if not survey.is_published:
        raise TrainingError(_(ERR_NOT_PUBLISHED) % {"survey": survey.title})
    if not survey.is_open(today):
        raise TrainingError(
            _(ERR_NOT_OPEN)
            % {"survey": survey.title, "opens": survey.opens_on, "closes": survey.closes_on}
        )


def _option_ids(question: SurveyQuestion, value) -> list[int]:
    """The option ids given for a choice question, each one of the question's own."""
    if isinstance(value, str | bytes) or value is None:
        values = [] if not value else [value]
    elif isinstance(value, int):
        values = [value]
    else:
        values = list(value)
    own = {o.pk for o in question.options.all()}
    ids: list[int] = []
    for raw in values:
        try:
            pk = int(raw)
        except (TypeError, ValueError) as exc:
            raise TrainingError(_(ERR_BAD_OPTION) % {"question": question.text}) from exc
        if pk not in own:
            raise TrainingError(_(ERR_BAD_OPTION) % {"question": question.text})
        if pk not in ids:
            ids.append(pk)
    return ids


def _clean(questions: list[SurveyQuestion], answers: Answers, survey: Survey) -> dict:
    """question id → cleaned answer (option ids or text); unanswered optional ones left out.
    Raises the first problem, naming the question."""
    by_id = {q.pk: q for q in questions}
    for key in answers:
        try:
            known = int(key) in by_id
        except (TypeError, ValueError):
            known = False
        if not known:
            raise TrainingError(_(ERR_UNKNOWN_QUESTION) % {"survey": survey.title})
    given = {int(k): v for k, v in answers.items()}
    cleaned: dict[int, list[int] | str] = {}
    for q in questions:
        value = given.get(q.pk)
        if q.kind == SurveyQuestionKind.TEXT:
            if value is not None and not isinstance(value, str):
                raise TrainingError(_(ERR_BAD_OPTION) % {"question": q.text})
            text = (value or "").strip()
            if len(text) > MAX_TEXT:
                raise TrainingError(_(ERR_TEXT_TOO_LONG) % {"question": q.text, "max": MAX_TEXT})
            if text:
                cleaned[q.pk] = text
            elif q.required:
                raise TrainingError(_(ERR_REQUIRED) % {"question": q.text})
            continue
        ids = _option_ids(q, value)
        if not ids:
            if q.required:
                empty = ERR_MULTIPLE if q.kind == SurveyQuestionKind.MULTIPLE else ERR_REQUIRED
                raise TrainingError(_(empty) % {"question": q.text})
            continue
        if q.kind == SurveyQuestionKind.SINGLE and len(ids) != 1:
            raise TrainingError(_(ERR_SINGLE) % {"question": q.text})
        cleaned[q.pk] = ids
    return cleaned


@transaction.atomic
def survey_submit(
    *,
    survey: Survey,
    deputy: Deputy,
    answers: Answers,
    actor: User | None,
    now: datetime | None = None,
) -> SurveyResponse:
    """Store ``deputy``'s answers to ``survey``: the deputy themself, serving, while the survey
    is open, once. Required questions answered, a single-choice question exactly one of its
    own options, a multiple-choice question at least one, a text at most 1000 characters.
    Nothing is written when any answer is refused."""
    if actor is None or getattr(actor, "deputy", None) is None or actor.deputy.pk != deputy.pk:
        raise TrainingError(_(ERR_ONLY_SELF))
    now = now or clock.now()
    today = clock.day_of(now)
    if deputy.status != Status.SERVING:
        raise TrainingError(_(ERR_NOT_SERVING) % {"deputy": deputy})
    survey_check_open(survey, today=today)
    already = _(ERR_ALREADY_ANSWERED) % {"survey": survey.title}
    if SurveyResponse.objects.filter(survey=survey, deputy=deputy).exists():
        raise TrainingError(already)
    questions = list(survey.questions.prefetch_related("options"))
    cleaned = _clean(questions, answers, survey)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, deputy=deputy, submitted_at=now)
    except IntegrityError as exc:  # a second tab submitted at the same moment
        raise TrainingError(already) from exc
    rows = SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(
                response=response,
                question_id=pk,
                text=value if isinstance(value, str) else "",
            )
            for pk, value in cleaned.items()
        ]
    )
    Through = SurveyAnswer.options.through
    Through.objects.bulk_create(
        [
            Through(surveyanswer_id=row.pk, surveyoption_id=option_id)
            for row in rows
            if not isinstance(cleaned[row.question_id], str)
            for option_id in cleaned[row.question_id]
        ]
    )
    audit_record(
        actor=actor,
        action="training.survey.submit",
        target=response,
        summary=str(response),
        data={
            "survey": survey.pk,
            "deputy": deputy.code,
            "answered": len(cleaned),
            "options": sorted(o for v in cleaned.values() if not isinstance(v, str) for o in v),
        },
    )
    return response
