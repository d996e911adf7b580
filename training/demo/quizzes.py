"""Demo quizzes: questions of both kinds for three courses, and attempts taken through the
quiz service, so scores, passes and (with attendance) completion and B05 follow the real rules.
"""

import contextlib
from datetime import datetime

from deputies.models import Deputy

from ..models import Choice, Course, Question, QuestionKind, Quiz
from ..services import TrainingError
from ..services.quizzes import quiz_attempt_submit

SINGLE, MULTIPLE = QuestionKind.SINGLE, QuestionKind.MULTIPLE

# course key → (title, pass mark, attempts allowed, [(kind, text, [(choice, correct)])])
QUIZZES = {
    "basics": (
        "新任代表履职基础测试",
        60,
        3,
        [
            (
                SINGLE,
                "人大代表在闭会期间的主要任务是什么？",
                [
                    ("联系群众、反映民意、依法监督", True),
                    ("代替政府部门处理具体事务", False),
                    ("只在开会时履职，闭会期间没有任务", False),
                ],
            ),
            (
                MULTIPLE,
                "下列哪些属于代表闭会期间的履职活动？（多选）",
                [
                    ("视察", True),
                    ("专题调研", True),
                    ("进站接待选民", True),
                    ("审批行政许可", False),
                ],
            ),
        ],
    ),
    "suggestions": (
        "建议撰写测验",
        60,
        3,
        [
            (
                SINGLE,
                "一件合格的代表建议通常包括哪些部分？",
                [
                    ("案由、问题分析和具体建议", True),
                    ("只写一个标题", False),
                    ("只写反映人的姓名和电话", False),
                ],
            ),
            (
                SINGLE,
                "代表建议的问题来源最好是？",
                [
                    ("调研走访中了解到的群众意见", True),
                    ("未经核实的网络传闻", False),
                    ("个人的主观猜测", False),
                ],
            ),
            (
                MULTIPLE,
                "撰写建议前可以做哪些准备？（多选）",
                [
                    ("实地调研", True),
                    ("查阅相关政策", True),
                    ("听取群众和有关部门的意见", True),
                    ("照抄往年的建议", False),
                ],
            ),
        ],
    ),
    "law": (
        "代表法与履职规范测试",
        60,
        3,
        [
            (
                SINGLE,
                "“代表应当与原选区选民保持密切联系，听取和反映他们的意见和要求。”这一说法：",
                [("正确", True), ("错误", False)],
            ),
            (
                SINGLE,
                "提出代表建议应当坚持什么原则？",
                [
                    ("一事一议，内容具体，有针对性", True),
                    ("越多越好，内容笼统也可以", False),
                    ("只能口头提出", False),
                ],
            ),
            (
                MULTIPLE,
                "代表向选民述职时，通常报告哪些内容？（多选）",
                [
                    ("参加履职活动的情况", True),
                    ("所提建议及其办理情况", True),
                    ("联系选民、为群众办实事的情况", True),
                    ("个人家庭收入", False),
                ],
            ),
            (
                MULTIPLE,
                "下列哪些做法符合代表履职规范？（多选）",
                [
                    ("按时参加代表小组活动", True),
                    ("如实记录履职情况", True),
                    ("以代表身份为亲友谋取私利", False),
                ],
            ),
        ],
    ),
}


def quiz_create(course: Course, key: str) -> Quiz:
    """The course's quiz with its questions (a multiple-choice question counts two points)."""
    title, pass_mark, attempts, questions = QUIZZES[key]
    quiz = Quiz.objects.create(
        course=course, title=title, pass_mark=pass_mark, max_attempts=attempts
    )
    for order, (kind, text, choices) in enumerate(questions, start=1):
        question = Question.objects.create(
            quiz=quiz, text=text, kind=kind, points=2 if kind == MULTIPLE else 1, order=order
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=choice, is_correct=correct, order=number)
            for number, (choice, correct) in enumerate(choices, start=1)
        )
    return quiz


def _answers(quiz: Quiz, *, passing: bool) -> dict[int, list[int]]:
    """Every question right, or (failing) only the first: under any pass mark above 40."""
    answers = {}
    for index, question in enumerate(quiz.questions.prefetch_related("choices")):
        right = [c.pk for c in question.choices.all() if c.is_correct]
        wrong = [c.pk for c in question.choices.all() if not c.is_correct][:1]
        answers[question.pk] = right if passing or index == 0 else wrong
    return answers


def attempts_take(
    quiz: Quiz, deputy: Deputy, outcomes: list[bool], *, at: list[datetime], today
) -> None:
    """The deputy's attempts, one per outcome (True passes), at the given moments; an attempt
    the service refuses (a year the ledger has closed refuses the credit) is left out."""
    for passing, moment in zip(outcomes, at, strict=True):
        with contextlib.suppress(TrainingError):
            quiz_attempt_submit(
                quiz=quiz,
                deputy=deputy,
                answers=_answers(quiz, passing=passing),
                actor=deputy.user,
                today=today,
                now=moment,
            )
