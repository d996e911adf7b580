from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .services import password_change_own

ERR_SAME_PASSWORD = gettext_noop("新密码不能与当前密码相同。")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "inactive": _("该账号已停用，请联系工委工作人员。"),
    }


class OwnPasswordChangeForm(PasswordChangeForm):
    """The user's own new password: Django's validators (``AUTH_PASSWORD_VALIDATORS``: at
    least 12 characters, not like the username or name, not a common password, not all
    digits), not the current one, saved through ``password_change_own`` (which clears
    ``must_change_password``)."""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and not self.has_error("new_password2") and self.user.check_password(password):
            self.add_error(
                "new_password2", forms.ValidationError(_(ERR_SAME_PASSWORD), code="unchanged")
            )
        return cleaned

    def save(self, commit=True):
        return password_change_own(user=self.user, password=self.cleaned_data["new_password1"])
