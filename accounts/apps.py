from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与角色")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import m2m_changed

        from . import lockout
        from .middleware import stamp_login
        from .roles import forget_roles, sync_staff_permissions

        post_migrate.connect(sync_staff_permissions, dispatch_uid="accounts.sync_staff_perms")
        m2m_changed.connect(
            forget_roles, sender=get_user_model().groups.through, dispatch_uid="accounts.roles"
        )
        # The session's clocks (accounts.middleware) and the sign-in log (accounts.lockout).
        user_logged_in.connect(stamp_login, dispatch_uid="accounts.stamp_login")
        user_logged_in.connect(lockout.log_logged_in, dispatch_uid="accounts.log_login")
        user_login_failed.connect(lockout.log_login_failed, dispatch_uid="accounts.log_failed")
        user_locked_out.connect(lockout.log_locked_out, dispatch_uid="accounts.log_locked_out")
