"""The deputy's needs-survey form, built from the survey's questions: one field per question
(radio buttons, check boxes or a text box). Every message names its question, so a deputy on a
phone knows which one to fix; the service checks the same rules again."""

from django import forms
from django.utils.translation import gettext as _

from .models import SurveyQuestion, SurveyQuestionKind
from .services.surveys import (
    ERR_BAD_OPTION,
    ERR_MULTIPLE,
    ERR_REQUIRED,
    ERR_TEXT_TOO_LONG,
    MAX_TEXT,
    Answers,
)


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.pk}"


class SurveyForm(forms.Form):
    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[field_name(q)] = self._field(q)

    @staticmethod
    def _field(q: SurveyQuestion) -> forms.Field:
        named = {"question": q.text}
        messages = {
            "required": _(ERR_REQUIRED) % named,
            "invalid_choice": _(ERR_BAD_OPTION) % named,
            "invalid_list": _(ERR_BAD_OPTION) % named,
        }
        if q.kind == SurveyQuestionKind.TEXT:
            return forms.CharField(
                label=q.text,
                required=q.required,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "required": messages["required"],
                    "max_length": _(ERR_TEXT_TOO_LONG) % {**named, "max": MAX_TEXT},
                },
            )
        choices = [(str(o.pk), o.text) for o in q.options.all()]
        if q.kind == SurveyQuestionKind.MULTIPLE:
            if q.required:
                messages["required"] = _(ERR_MULTIPLE) % named
            return forms.MultipleChoiceField(
                label=q.text,
                required=q.required,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages=messages,
            )
        return forms.ChoiceField(
            label=q.text,
            required=q.required,
            choices=choices,
            widget=forms.RadioSelect,
            error_messages=messages,
        )

    def answers(self) -> Answers:
        """What the service takes: question id → option ids, or the text."""
        answers: dict[int, list[int] | str] = {}
        for q in self.questions:
            value = self.cleaned_data.get(field_name(q))
            if q.kind == SurveyQuestionKind.TEXT:
                answers[q.pk] = value or ""
            elif q.kind == SurveyQuestionKind.MULTIPLE:
                answers[q.pk] = [int(v) for v in value or []]
            else:
                answers[q.pk] = [int(value)] if value else []
        return answers
