from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("履职档案")

    def ready(self) -> None:
        from accounts.roles import Role
        from core.dashboard import register_panel

        from .panels import staff_panel
        from .views import dashboard_panel

        register_panel(Role.DEPUTY, "performance", "performance/_panel.html", dashboard_panel, 10)
        register_panel(
            Role.STAFF, "performance", "performance/_staff_panel.html", staff_panel, order=10
        )
