"""``{% kept_html key… %}…{% endkept_html %}``: a part of a page written once per process and
key, with the request's CSRF token put in on every use.

The admin's header (the site's name, the staff member's name, the cockpit, password and logout
links, the theme toggle) is the same on every admin page a staff member opens, yet as template
tags it cost ~0.4 ms a page (issue #8). The part is rendered once for its key, with a marker in
place of the CSRF token, kept as the text around the marker, and filled with the request's own
(masked) token each time. Nothing of a request other than the token is ever reused.

The key must name everything the part shows besides the token: the tag adds the language, the
URL configuration and script prefix (what ``{% url %}`` and the translations depend on); the
caller adds the rest (the user, the admin site's name…). A key part that is None (something
the part depends on could not be named) renders the part afresh. Kept parts live in the process (a
bounded memo), never in a shared cache. A page whose context carries no CSRF token (a response
rendered outside a request) renders the part as the template always did.
"""

from django import template
from django.utils.safestring import mark_safe

from core import render_env
from core.compiled import Kept

register = template.Library()

_TOKEN_MARK = "LvKeptCsrfTokenMark"  # letters only: written as it is, never escaped
_KEPT = Kept(limit=1024)  # staff members x languages; beyond that the memo starts again


class KeptNode(template.Node):
    def __init__(self, nodelist, key_parts) -> None:
        self.nodelist = nodelist
        self.key_parts = key_parts

    def render(self, context) -> str:
        token = context.get("csrf_token")
        if not token or str(token) == "NOTPROVIDED":
            return self.nodelist.render(context)
        named = [part.resolve(context) for part in self.key_parts]
        if any(part is None for part in named):
            return self.nodelist.render(context)
        key = (
            # The part itself (a compiled template's nodes live as long as it): two parts of
            # one template may name the same values. Its place in the template is known only
            # where templates are compiled for debugging.
            self,
            render_env.environment(),
            *named,
        )
        pieces = _KEPT.get_or_make(key, lambda: self._written(context))
        return mark_safe(str(token).join(pieces))

    def _written(self, context) -> list[str]:
        with context.push(csrf_token=_TOKEN_MARK):
            return str(self.nodelist.render(context)).split(_TOKEN_MARK)


@register.tag
def kept_html(parser, token):
    """``{% kept_html value… %}`` … ``{% endkept_html %}`` (see the module)."""
    bits = token.split_contents()[1:]
    nodelist = parser.parse(("endkept_html",))
    parser.delete_first_token()
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in bits])
