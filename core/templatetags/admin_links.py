from django import template

from core.admin_links import object_links as links_for

register = template.Library()


@register.simple_tag
def object_links(obj):
    """``{% object_links original as links %}``: the registered links of a change page."""
    return links_for(obj)
