"""``{% select_options %}`` writes what the template loop it replaces wrote: one option per
pair, the chosen one selected, values and labels escaped."""

from django.template import Context, Template
from django.utils.translation import gettext_lazy

LOOP = Template(
    '{% for value, label in choices %}<option value="{{ value }}"'
    "{% if value == selected %} selected{% endif %}>{{ label }}</option>{% endfor %}"
)
TAG = Template("{% load select_options %}{% select_options choices selected %}")


def test_same_as_the_template_loop():
    choices = [
        (1, "东社区"),
        (2, '<b>"西"&社区</b>'),
        ("x&y", gettext_lazy("全部社区")),
        (30, "南"),
    ]
    for selected in (None, 2, "x&y", 99):
        context = Context({"choices": choices, "selected": selected})
        assert TAG.render(context) == LOOP.render(context)


def test_the_chosen_option_is_selected_and_markup_escaped():
    html = TAG.render(Context({"choices": [(7, "<i>七</i>"), (8, "八")], "selected": 8}))
    assert html == (
        '<option value="7">&lt;i&gt;七&lt;/i&gt;</option><option value="8" selected>八</option>'
    )
