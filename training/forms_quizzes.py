"""The deputy's quiz form: one field per question, radios for single choice, checkboxes for
multiple. Built from question and choice texts and ids only: whether a choice is correct is
never read here, so nothing on the page depends on it."""

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext as _

from .models import Question, QuestionKind
from .services.quizzes import ERR_FOREIGN_CHOICE, ERR_UNANSWERED


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class QuizForm(forms.Form):
    """``QuizForm(request.POST or None, questions=quiz_questions(quiz))``. Errors are the
    service's messages (第 N 题未作答 …) on the question they concern; a tampered value (not a
    number, not one of the question's choices) is the same as a wrong choice."""

    def __init__(self, *args, questions: Sequence[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for n, question in enumerate(self.questions, start=1):
            options = [(c.pk, c.text) for c in question.choices.all()]
            messages = {"invalid_choice": _(ERR_FOREIGN_CHOICE) % {"n": n}}
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=options,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                    error_messages={**messages, "invalid_list": _(ERR_FOREIGN_CHOICE) % {"n": n}},
                )
            else:
                field = forms.TypedChoiceField(
                    choices=options,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages=messages,
                )
            field.label = question.text
            field.number = n
            field.question = question
            self.fields[field_name(question)] = field

    def clean(self):
        data = super().clean()
        for n, question in enumerate(self.questions, start=1):
            name = field_name(question)
            if name not in self.errors and data.get(name) in (None, [], ""):
                self.add_error(name, _(ERR_UNANSWERED) % {"n": n})
        return data

    def answers(self) -> dict[int, list[int]]:
        """Question id → chosen choice ids, for ``quiz_attempt_submit``."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            result[question.pk] = list(value) if isinstance(value, list) else [value]
        return result

    def numbered(self):
        """(number, question, bound field) in the order shown."""
        return [
            (n, question, self[field_name(question)])
            for n, question in enumerate(self.questions, start=1)
        ]
