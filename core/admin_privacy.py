"""Admin: a phone shown masked on a change page, with a 显示完整号码 button that reveals it.

Why a POST and an audit row
    Staff see a resident's or visitor's number only when they ask for it, and every ask is
    recorded (``core.privacy.phone_reveal_record``: who, which record, which field). The button
    sits inside the change form (``formaction``), so it posts the form's CSRF token to the
    reveal view without a second form or any script (the site's CSP allows none inline).

Editing
    ``mask_stored_phones(form, ("mobile",))`` at the end of an admin ModelForm's ``__init__``
    renders the stored number masked in its input; posted back unchanged (still masked) the
    stored number is kept, so saving a page never needs the full value; a typed number
    replaces it.

Use::

    class OpinionAdmin(PhoneRevealAdminMixin, admin.ModelAdmin):
        reveal_phone_fields = ("contact_phone",)
        readonly_fields = ("contact_phone_masked", ...)

        @admin.display(description=_("联系电话"))
        def contact_phone_masked(self, obj):
            return self.phone_with_reveal(obj, "contact_phone")
"""

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.roles import Role, user_has_role

from .privacy import mask_phone, phone_reveal_record


class PhoneRevealAdminMixin:
    """Adds ``<pk>/phone/<field>/`` (POST, committee staff) to a ModelAdmin."""

    reveal_phone_fields: tuple[str, ...] = ()

    def _reveal_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_phone_reveal"

    def get_urls(self):
        view = self.admin_site.admin_view(self.phone_reveal_view)
        return [
            path("<path:object_id>/phone/<str:field>/", view, name=self._reveal_url_name()),
            *super().get_urls(),
        ]

    def phone_reveal_view(self, request, object_id: str, field: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if field not in self.reveal_phone_fields:
            raise Http404
        try:
            obj = self.get_object(request, unquote(object_id))
        except (ValueError, OverflowError):
            obj = None
        if obj is None:
            raise Http404
        if not (self.has_view_permission(request, obj) and user_has_role(request.user, Role.STAFF)):
            raise PermissionDenied
        phone_reveal_record(actor=request.user, target=obj, field=field)
        return TemplateResponse(
            request,
            "admin/privacy/phone_reveal.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("显示完整号码"),
                "original": obj,
                "field_label": self.opts.get_field(field).verbose_name,
                "phone": getattr(obj, field),
                "back_url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[quote(obj.pk)],
                ),
            },
        )

    def phone_with_reveal(self, obj, field: str) -> str:
        """The masked number and the button that reveals it (a readonly field's value)."""
        value = getattr(obj, field, "") if obj is not None else ""
        if not value or obj.pk is None:
            return "—"
        url = reverse(f"admin:{self._reveal_url_name()}", args=[quote(obj.pk), field])
        return format_html(
            '{} <button type="submit" class="button" formaction="{}" formmethod="post" '
            "formnovalidate>{}</button>",
            mask_phone(value),
            url,
            _("显示完整号码"),
        )


class MaskedPhoneInput(forms.TextInput):
    """Shows the stored number masked; any other value (one staff typed) as it is."""

    def __init__(self, *args, stored: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = stored

    def format_value(self, value):
        if self.stored and value == self.stored:
            return mask_phone(value)
        return super().format_value(value)


def mask_stored_phones(form: forms.ModelForm, fields: tuple[str, ...]) -> None:
    """Mask the instance's stored numbers in ``fields`` (see the module's *Editing*)."""
    for name in fields:
        stored = getattr(form.instance, name, "") if form.instance.pk else ""
        if name not in form.fields or not stored:
            continue
        field = form.fields[name]
        field.widget = MaskedPhoneInput(attrs=field.widget.attrs, stored=stored)
        key = form.add_prefix(name)
        if form.is_bound and form.data.get(key) == mask_phone(stored):
            form.data = form.data.copy()
            form.data[key] = stored
