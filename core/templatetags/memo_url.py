"""The ``{% url %}`` tag, answering names without arguments from ``core.url_memo``.

Installed as a template builtin (``TEMPLATES[…]["OPTIONS"]["builtins"]``), so it replaces
Django's tag in every template without a ``{% load %}``. A tag with arguments is Django's own
node, unchanged; one without is the same node whose ``reverse`` is remembered. Parsing,
``as var``, escaping and errors are Django's.
"""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch

from core.texts import escaped
from core.url_memo import reverse_memo

register = template.Library()


class MemoURLNode(defaulttags.URLNode):
    def render(self, context):
        view_name = self.view_name.resolve(context)
        try:  # as Django's node: the request's application, else its namespace
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_memo(view_name, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return escaped(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    if node.args or node.kwargs:
        return node
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
