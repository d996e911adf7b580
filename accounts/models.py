from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import Role, user_has_role


class User(AbstractUser):
    """A person who logs in: committee staff, a deputy, or a handling unit's contact."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    # Set when someone else chose the password (staff created the account or reset it); the
    # user reaches nothing but the password-change page until they set their own
    # (accounts.middleware.PasswordChangeRequiredMiddleware). The demo's users have it off.
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("勾选后，该用户下次登录须先设置自己的新密码。"),
    )

    # Older deputies read on phones: the base page scales its text to about 20 px for a user
    # who turned this on (我的 page, ``accounts.services.user_preferences_set``).
    large_text = models.BooleanField(
        _("大字模式"), default=False, help_text=_("开启后，页面文字放大显示。")
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        indexes = [
            # The staff accounts (the audit log's filter by who acted): a few rows among the
            # thousands of deputies' and units' accounts, read by this index alone.
            models.Index(fields=["username"], condition=Q(is_staff=True), name="user_staff_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_committee_staff(self) -> bool:
        return user_has_role(self, Role.STAFF)

    @property
    def is_deputy(self) -> bool:
        return user_has_role(self, Role.DEPUTY)

    @property
    def is_handling_unit(self) -> bool:
        return user_has_role(self, Role.HANDLING_UNIT)
