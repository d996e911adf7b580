"""Demo needs survey (培训需求调查) of the year, open now: single, multiple and text questions,
the choice options pointing to topics, and the answers of a dozen deputies submitted through
the survey service as each deputy (d001 among them: what they chose is a reason the
recommender gives them).

Idempotent: the survey is found by title; its questions are made with it; a deputy who has
answered is skipped.
"""

from datetime import timedelta

from core.demo import DemoContext

from ..models import Survey, SurveyOption, SurveyQuestion, SurveyQuestionKind, Topic
from ..services.surveys import survey_submit
from .common import Calendar, Roster

SINGLE, MULTIPLE, TEXT = (
    SurveyQuestionKind.SINGLE,
    SurveyQuestionKind.MULTIPLE,
    SurveyQuestionKind.TEXT,
)
TITLE = "%(year)s 年度代表履职培训需求调查"
INTRO = "为把培训办到代表心坎上，请用两分钟告诉我们您最想学什么、喜欢什么形式。"
TOPIC_OPTIONS = [
    ("履职基础知识", "履职基础知识（权利义务、履职流程）"),
    ("建议撰写", "怎样写好代表建议"),
    ("联系群众与接待选民", "联系群众、接待选民"),
    ("视察调研方法", "视察调研的方法"),
    ("监督工作实务", "预算审查和专项监督"),
    ("法律法规", "与履职相关的法律法规"),
]
FORMATS = ["专家讲座", "现场教学", "情景模拟", "案例分析", "高校研修班", "线上学习"]
# question text, kind, required, options: "topics" (each pointing to its topic) or a list
QUESTIONS = [
    ("您最希望提升哪一方面的履职能力？", SINGLE, True, "topics"),
    ("今年您希望参加哪些专题的培训？（可多选）", MULTIPLE, True, "topics"),
    ("您更喜欢哪些培训形式？（可多选）", MULTIPLE, True, FORMATS),
    ("对今年的培训还有什么意见和建议？", TEXT, False, []),
]
# What the answering deputies say: (single, [multiple topics], [formats], text), by position.
ANSWERS = [
    (0, [0, 1], [0, 5], "希望多安排晚上的线上课程，白天工作走不开。"),
    (1, [1, 2], [3, 2], ""),
    (4, [4, 5], [4], "希望请高校老师讲讲怎样看懂预算报表。"),
    (2, [2, 3], [1, 2], ""),
    (3, [3], [1], "现场教学效果好，希望多组织。"),
    (5, [5, 0], [0, 5], ""),
    (1, [1], [3], "能否提供往年的优秀建议范文？"),
    (2, [2, 4], [2, 3], ""),
]
RESPONDENTS = 13  # d001 and twelve more


def seed(context: DemoContext) -> None:
    roster = Roster.of(context)
    if not roster.everyone:
        return
    calendar = Calendar.of(context)
    today = calendar.today
    survey, created = Survey.objects.get_or_create(
        title=TITLE % {"year": today.year},
        defaults={
            "intro": INTRO,
            "opens_on": calendar.day(-14),
            "closes_on": today + timedelta(days=30),
            "is_published": True,
        },
    )
    if created:
        _questions(survey)
    questions = list(survey.questions.prefetch_related("options").order_by("order", "pk"))
    answered = set(survey.responses.values_list("deputy_id", flat=True))
    respondents = ([roster.first] if roster.first else []) + roster.others()
    for index, deputy in enumerate(respondents[:RESPONDENTS]):
        if deputy.pk in answered or not survey.is_open(today):
            continue
        day = max(survey.opens_on, today - timedelta(days=index % 10))
        survey_submit(
            survey=survey,
            deputy=deputy,
            answers=_answers(questions, ANSWERS[index % len(ANSWERS)]),
            actor=deputy.user,
            now=calendar.when(day, 8 + index % 10, 5 * (index % 12)),
        )


def _questions(survey: Survey) -> None:
    topics = {t.name: t for t in Topic.objects.all()}
    for order, (text, kind, required, options) in enumerate(QUESTIONS, start=1):
        question = SurveyQuestion.objects.create(
            survey=survey, text=text, kind=kind, required=required, order=order
        )
        if options == "topics":
            rows = [
                SurveyOption(question=question, text=label, topic=topics.get(name), order=n)
                for n, (name, label) in enumerate(TOPIC_OPTIONS, start=1)
            ]
        else:
            rows = [
                SurveyOption(question=question, text=label, order=n)
                for n, label in enumerate(options, start=1)
            ]
        SurveyOption.objects.bulk_create(rows)


def _answers(questions: list[SurveyQuestion], said: tuple) -> dict[int, list[int] | str]:
    single, several, formats, text = said
    picks = [[single], several, formats]
    answers: dict[int, list[int] | str] = {}
    for position, question in enumerate(questions):
        if question.kind == TEXT:
            if text:
                answers[question.pk] = text
            continue
        options = list(question.options.all())
        pick = picks[position] if position < len(picks) else [0]
        chosen = [options[i].pk for i in pick if i < len(options)]
        answers[question.pk] = chosen[:1] if question.kind == SINGLE else chosen
    return answers
