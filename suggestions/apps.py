from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("议案建议")

    def ready(self) -> None:
        from accounts.roles import Role
        from core.dashboard import register_panel

        from .panels import deputy_panel, staff_panel

        register_panel(
            Role.DEPUTY, "suggestions", "suggestions/_panel.html", deputy_panel, order=20
        )
        register_panel(
            Role.STAFF, "suggestions", "suggestions/_staff_panel.html", staff_panel, order=20
        )
