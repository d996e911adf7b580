"""``{% lean_result_list cl as rows %}``: a changelist's result table written by
``core.admin_rows`` (None where only Django's ``{% result_list %}`` gives the same HTML)."""

from django import template
from django.utils.safestring import mark_safe

from core.admin_rows import render_result_list

register = template.Library()


@register.simple_tag
def lean_result_list(cl):
    html = render_result_list(cl)
    return None if html is None else mark_safe(html)
