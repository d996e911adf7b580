"""Django's template backend, whose pages leave no reference cycle behind them.

A page's context is a ``RequestContext`` whose layers (``ContextDict``) each point back at the
context: a reference cycle by design. So when a page is written, nothing it held (the list's
rows and their model instances, the admin's menu, the forms) is freed as the request ends;
all of it waits for Python's cyclic garbage collector, which found ~400 such objects per admin
list page (measured through the WSGI handler at district scale, issue #8; with
``core.wsgi_handler``, what the collector costs a page fell by half on the lists and to almost
nothing on the desk and the dashboard). Emptying the context's layers once the
page is written breaks the cycle, and the page's objects go as soon as the last reference
to them does. The page's URL configuration, script prefix and language are read once for
its whole rendering (``core.render_env``).

Nothing reads a context after its template is rendered: a test client's record of the
rendered contexts holds copies (their own lists of the same layers), which stay whole.
"""

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context

from core import page_skeleton, render_env


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            with render_env.rendering():
                page = page_skeleton.render(self.template, context)
                return self.template.render(context) if page is None else page
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts.clear()


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)
