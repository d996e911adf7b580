from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("履职档案")

    def ready(self) -> None:
        from . import tracking

        tracking.register()  # history of the records that matter (core.history)
        from accounts.roles import Role
        from core.dashboard import register_panel
        from core.navigation import register_nav
        from deputies.terms import register_reelection_advice

        from . import cockpit, deputy_panels
        from .panels import desk_counts, staff_panel
        from .selectors import reelection_recommended_ids

        cockpit.register()
        register_reelection_advice("performance", reelection_recommended_ids)
        deputy_panels.register()
        register_panel(
            Role.STAFF,
            "performance",
            "performance/_staff_panel.html",
            staff_panel,
            order=10,
            counts=desk_counts,
        )
        register_nav(
            "performance.ledger",
            _("履职档案"),
            "performance:my_ledger",
            roles=[Role.DEPUTY],
            order=20,
        )
        register_nav(
            "performance.topics", _("监督菜单"), "performance:topics", roles=[Role.DEPUTY], order=30
        )
