"""``{% select_options choices selected %}``: a select's ``<option>`` tags for ``(value, label)``
pairs, the one whose value equals ``selected`` marked selected.

Written in Python because the lists are long: a district's community filter has a hundred
options, and as a template loop (a value, a comparison and a label per option, each number
localised) they cost ~1.5 ms a request, more than the rest of the page's content."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(choices, selected=None) -> SafeString:
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
