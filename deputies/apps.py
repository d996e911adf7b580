from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("代表队伍")

    def ready(self) -> None:
        from accounts.roles import Role
        from core.dashboard import register_panel
        from core.navigation import register_nav

        from .panels import staff_panel

        register_panel(Role.STAFF, "deputies", "deputies/_staff_panel.html", staff_panel, order=30)
        register_nav(
            "deputies.dashboard", _("我的履职"), "deputies:dashboard", roles=[Role.DEPUTY], order=10
        )
