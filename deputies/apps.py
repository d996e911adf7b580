from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("代表队伍")

    def ready(self) -> None:
        from . import tracking

        tracking.register()  # history of the records that matter (core.history)
        from accounts.roles import Role
        from core.dashboard import register_panel
        from core.navigation import register_nav

        from . import cockpit
        from .panels import desk_counts, register_deputy_home, staff_panel

        cockpit.register()
        register_panel(
            Role.STAFF,
            "deputies",
            "deputies/_staff_panel.html",
            staff_panel,
            order=30,
            counts=desk_counts,
        )
        register_deputy_home()
        register_nav(
            "deputies.dashboard", _("我的履职"), "deputies:dashboard", roles=[Role.DEPUTY], order=10
        )
