"""``{% lean_result_list cl as rows %}``: a changelist's result table written by
``core.admin_rows`` (None where only Django's ``{% result_list %}`` gives the same HTML);
``{% lean_list_filter cl spec %}``: one filter of the sidebar, the same way;
``{% lean_admin_actions as html %}``: the actions bar (None where only Django's
``{% admin_actions %}`` gives the same HTML); ``{% lean_pagination cl as html %}`` the page
links and count (None where a model has its own pagination template); all written by
``core.admin_list_parts``; ``{% lean_object_tools as html %}`` the add link (None where a model
has its own object tools template); ``cl|list_query_key``: what a list's query string holds, as a
key for ``{% kept_html %}``."""

from django import template
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.utils.safestring import mark_safe

from core.admin_list_parts import (
    is_django_object_tools,
    is_project_pagination,
    query_key,
    render_actions,
    render_filter,
    render_object_tools,
    render_pagination,
)
from core.admin_rows import render_result_list

register = template.Library()


@register.simple_tag
def lean_result_list(cl):
    html = render_result_list(cl)
    return None if html is None else mark_safe(html)


@register.simple_tag
def lean_list_filter(cl, spec):
    html = render_filter(cl, spec)
    return admin_list_filter(cl, spec) if html is None else mark_safe(html)


@register.simple_tag(takes_context=True)
def lean_admin_actions(context):
    html = render_actions(context)
    return None if html is None else mark_safe(html)


@register.simple_tag(takes_context=True)
def lean_pagination(context, cl):
    html = render_pagination(cl, context) if is_project_pagination(cl.opts) else None
    return None if html is None else mark_safe(html)


@register.simple_tag(takes_context=True)
def lean_object_tools(context):
    cl = context.get("cl")
    if cl is None or not is_django_object_tools(cl.opts):
        return None
    html = render_object_tools(context)
    return None if html is None else mark_safe(html)


@register.filter
def list_query_key(cl) -> tuple:
    """The list's parameters (Django's ``cl.params``, the filters' lists of values) as a key:
    the search form writes them back as hidden fields."""
    return (tuple(sorted(cl.params.items())), query_key(cl))
