"""The user admin, with the privilege rules of ``accounts.services``.

A committee-staff user who is not a superuser sees superuser and staff status and the groups
read-only and the single permissions not at all (a field not in the form cannot be posted);
privileged accounts (other staff, superusers) are view-only for them; and ``save_model`` asks
the service, which refuses a privilege change even if one reached it. Nobody types a password
for someone else here: the "password" page and the list action issue a generated temporary
password, shown once, that the user must change at the next login (audited, never stored).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import User
from .services import (
    AccountError,
    may_edit,
    password_reset,
    user_admin_change,
    user_admin_create,
)

SUPERUSER_ONLY_READONLY = ("is_staff", "is_superuser", "groups", "last_login", "date_joined")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # accounts sits below core (no core.admin_lists here): the same two savings by hand, no
    # second full count and no facet counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_display = (
        "username",
        "full_name",
        "phone",
        "email",
        "is_staff",
        "is_active",
        "must_change_password",
    )
    list_filter = ("is_staff", "is_active", "must_change_password", "groups")
    search_fields = ("username", "full_name", "phone", "email")
    actions = ["reset_passwords"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("个人信息"), {"fields": ("full_name", "first_name", "last_name", "email")}),
        (gettext_lazy("联系方式"), {"fields": ("phone",)}),
        (gettext_lazy("登录"), {"fields": ("is_active", "must_change_password")}),
        (
            gettext_lazy("权限"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    # --- who sees and edits what ---

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "user_permissions"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            readonly += [f for f in SUPERUSER_ONLY_READONLY if f not in readonly]
        return readonly

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_edit(request.user, obj))

    def save_model(self, request, obj, form, change):
        try:
            if change:
                user_admin_change(user=obj, actor=request.user, changed=list(form.changed_data))
            else:
                user_admin_create(user=obj, actor=request.user)
        except AccountError as exc:
            raise PermissionDenied(str(exc)) from exc

    # --- issuing passwords ---

    def user_change_password(self, request, id, form_url=""):
        """The password page of one account: confirm, then issue a temporary password."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if user.pk == request.user.pk:
            return redirect("accounts:password_change")
        if not may_edit(request.user, user):
            raise PermissionDenied
        if request.method == "POST":
            return self._issue(request, [user])
        return self._confirm(request, [user], action=None)

    @admin.action(
        description=gettext_lazy("重置所选用户的密码（生成临时密码）"), permissions=["change"]
    )
    def reset_passwords(self, request, queryset):
        users = list(queryset)
        if "confirm" not in request.POST:
            return self._confirm(request, users, action="reset_passwords")
        return self._issue(request, users)

    def _confirm(self, request, users, *, action):
        return TemplateResponse(
            request,
            "accounts/admin_password_reset.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("重置密码"),
                "users": users,
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _issue(self, request, users):
        issued = []
        for user in users:
            try:
                issued.append((user, password_reset(user=user, actor=request.user)))
            except AccountError as exc:
                self.message_user(request, f"{user.username}：{exc}", messages.ERROR)
        response = TemplateResponse(
            request,
            "accounts/admin_passwords_issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("已生成的临时密码"),
                "issued": issued,
            },
        )
        add_never_cache_headers(response)  # the passwords are shown once, never kept
        return response
