from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与角色")

    def ready(self) -> None:
        from .roles import sync_staff_permissions

        post_migrate.connect(sync_staff_permissions, dispatch_uid="accounts.sync_staff_perms")
