"""The opinion form's fields written by ``liaison.field_html`` are the HTML crispy-forms writes
(``|as_crispy_field``, ``{{ field }}``): unbound, with the station's community chosen, bound
with errors on every kind of widget, valid, in both languages; the choices are the active
categories and communities, read afresh."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.utils import translation

from liaison.field_html import field_html, is_lean, widget_html
from liaison.forms_opinions import OpinionForm
from tests.deputies.factories import CommunityFactory
from tests.suggestions.factories import CategoryFactory

pytestmark = pytest.mark.django_db

SHOWN = ("category", "community", "description", "contact_name", "contact_phone", "consent")


@pytest.fixture
def choices():
    return {
        "categories": [CategoryFactory(name="路灯 <照明>"), CategoryFactory(name="A & B")],
        "communities": [CommunityFactory(), CommunityFactory()],
    }


def forms_in_every_state(choices):
    community = choices["communities"][1]
    yield OpinionForm()
    yield OpinionForm(initial={"community": community.pk})
    yield OpinionForm({"description": "x<b>", "category": "999", "contact_phone": "abc"})
    yield OpinionForm({"description": "", "consent": "on", "community": str(community.pk)})
    yield OpinionForm(
        {
            "category": str(choices["categories"][0].pk),
            "community": str(community.pk),
            "description": '路灯坏了 "quoted" & <tag>',
            "contact_name": "李 & 王",
            "contact_phone": "13912345678",
            "consent": "on",
            "website": "bot",
        }
    )


def crispy(form, name):
    """crispy's rendering, on a fresh copy of the form (crispy writes classes into widgets)."""
    copy = OpinionForm(form.data if form.is_bound else None, initial=form.initial)
    if form.is_bound:
        copy.is_valid()
    return as_crispy_field(copy[name])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_fields_are_the_html_crispy_writes(choices, language):
    with translation.override(language):
        for form in forms_in_every_state(choices):
            if form.is_bound:
                form.is_valid()
            for name in SHOWN:
                assert is_lean(form[name])
                expected = crispy(form, name)
                assert parse_html(field_html(form[name])) == parse_html(expected), name
            expected_widget = str(OpinionForm(form.data if form.is_bound else None)["website"])
            assert parse_html(widget_html(form["website"])) == parse_html(expected_widget)


def test_choices_are_the_active_ones_read_afresh(choices):
    html = field_html(OpinionForm()["category"])
    assert "路灯 &lt;照明&gt;" in html and "A &amp; B" in html
    choices["categories"][1].is_active = False
    choices["categories"][1].save()
    CategoryFactory(name="新类别")
    html = field_html(OpinionForm()["category"])
    assert "A &amp; B" not in html and "新类别" in html


def test_a_submitted_choice_is_still_checked_against_the_active_ones(choices):
    inactive = choices["communities"][0]
    inactive.is_active = False
    inactive.save()
    form = OpinionForm({"community": str(inactive.pk)})
    form.is_valid()
    assert "community" in form.errors
