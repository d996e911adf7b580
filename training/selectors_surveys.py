"""Reads behind the needs-survey pages: the questions of a survey, a deputy's own answers, and
the staff summary. Each is a fixed number of queries whatever the number of responses: option
counts come from one grouped query, text answers a page at a time."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from deputies.models import Deputy

from .models import (
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
)

TEXTS_PER_PAGE = 30
# How many deputies who have not answered the summary names; past it, the count says the rest.
MISSING_SHOWN = 100


def percent(numerator: int, denominator: int) -> Decimal | None:
    """One decimal, rounded half up; None over nothing (the page shows "—")."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    """The survey's questions in order, with their options and the options' topics (two
    queries)."""
    options = SurveyOption.objects.select_related("topic").order_by("order", "pk")
    return list(
        survey.questions.order_by("order", "pk").prefetch_related(Prefetch("options", options))
    )


@dataclass
class AnswerRow:
    """One question as the deputy answered it, for the read-only page."""

    question: SurveyQuestion
    options: list[str] = field(default_factory=list)
    text: str = ""


def deputy_response(survey: Survey, deputy: Deputy) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(survey=survey, deputy=deputy).first()


def response_rows(response: SurveyResponse, questions: list[SurveyQuestion]) -> list[AnswerRow]:
    """Every question of the survey with what the response said (nothing for one skipped);
    two queries."""
    answers = {
        a.question_id: a
        for a in SurveyAnswer.objects.filter(response=response).prefetch_related("options")
    }
    rows = []
    for q in questions:
        answer = answers.get(q.pk)
        if answer is None:
            rows.append(AnswerRow(question=q))
            continue
        chosen = sorted(answer.options.all(), key=lambda o: (o.order, o.pk))
        rows.append(AnswerRow(question=q, options=[o.text for o in chosen], text=answer.text))
    return rows


@dataclass
class OptionCount:
    option: SurveyOption
    count: int
    share: Decimal | None  # of all respondents, in %


@dataclass
class QuestionSummary:
    question: SurveyQuestion
    options: list[OptionCount]

    @property
    def is_text(self) -> bool:
        return self.question.kind == SurveyQuestionKind.TEXT


@dataclass
class SurveySummary:
    survey: Survey
    responses: int  # every response received
    answered: int  # responses of deputies serving now (the rate's numerator)
    serving: int  # deputies serving now (the rate's denominator)
    questions: list[QuestionSummary]
    texts: Page  # text answers, a page at a time, by question then deputy code
    missing: list[Deputy]  # serving deputies who have not answered, the first MISSING_SHOWN

    @property
    def rate(self) -> Decimal | None:
        return percent(self.answered, self.serving)

    @property
    def missing_count(self) -> int:
        return self.serving - self.answered

    @property
    def missing_more(self) -> int:
        return max(self.missing_count - len(self.missing), 0)


def survey_summary(survey: Survey, *, text_page: str | int | None = None) -> SurveySummary:
    """What staff read of a survey: the response rate over deputies serving now, each option's
    count and share of respondents, the text answers (paged), who has not answered. Eight
    queries at most, whatever the number of responses."""
    answered_q = Exists(SurveyResponse.objects.filter(survey=survey, deputy=OuterRef("pk")))
    serving = (
        Deputy.objects.serving()
        .annotate(has_answered=answered_q)
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Q(has_answered=True)))
    )
    responses = SurveyResponse.objects.filter(survey=survey).count()
    questions = survey_questions(survey)
    Through = SurveyAnswer.options.through
    counts = dict(
        Through.objects.filter(surveyanswer__response__survey=survey)
        .values_list("surveyoption_id")
        .annotate(n=Count("surveyanswer_id"))
        .order_by()
    )
    summaries = [
        QuestionSummary(
            question=q,
            options=[
                OptionCount(
                    option=o,
                    count=counts.get(o.pk, 0),
                    share=percent(counts.get(o.pk, 0), responses),
                )
                for o in q.options.all()
            ],
        )
        for q in questions
    ]
    texts = (
        SurveyAnswer.objects.filter(response__survey=survey, question__kind=SurveyQuestionKind.TEXT)
        .exclude(text="")
        .select_related("question", "response__deputy")
        .order_by("question__order", "question_id", "response__deputy__code")
    )
    page = Paginator(texts, TEXTS_PER_PAGE).get_page(text_page)
    missing = list(
        Deputy.objects.serving()
        .filter(~answered_q)
        .only("pk", "code", "name")
        .order_by("code")[:MISSING_SHOWN]
    )
    return SurveySummary(
        survey=survey,
        responses=responses,
        answered=serving["answered"],
        serving=serving["total"],
        questions=summaries,
        texts=page,
        missing=missing,
    )
