from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ERR_TOO_SHORT = gettext_noop("密码太短，至少需要 %(min_length)d 个字符。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length check with a message in the site's language: Django 5.2 changed its
    msgid and its Chinese catalogue has no translation of the new one, so a user typing too
    short a password read English."""

    def get_error_message(self) -> str:
        return _(ERR_TOO_SHORT) % {"min_length": self.min_length}
