"""``{{ form.field|as_lean_field }}``: ``|as_crispy_field`` for the widgets
``liaison.field_html`` writes directly, crispy's own filter for any other."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template

from ..field_html import field_html, is_lean, widget_html

register = template.Library()


@register.filter
def as_lean_field(field):
    return field_html(field) if is_lean(field) else as_crispy_field(field)


@register.filter
def as_lean_widget(field):
    """``{{ field }}`` for those widgets."""
    return widget_html(field) if is_lean(field) else str(field)
