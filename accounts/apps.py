from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与角色")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .roles import forget_roles, sync_staff_permissions

        post_migrate.connect(sync_staff_permissions, dispatch_uid="accounts.sync_staff_perms")
        m2m_changed.connect(
            forget_roles, sender=get_user_model().groups.through, dispatch_uid="accounts.roles"
        )
