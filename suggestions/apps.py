from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("议案建议")

    def ready(self) -> None:
        from . import tracking

        tracking.register()  # history of the records that matter (core.history)
        from accounts.roles import Role
        from core.activity import register_activity
        from core.dashboard import register_panel
        from core.navigation import register_nav

        from . import cockpit, deputy_card
        from .activity import LABEL, suggestion_counts
        from .deputy_card import deputy_panel
        from .panels import desk_counts, register_deputy_home, staff_panel

        cockpit.register()
        register_activity("suggestions", LABEL, suggestion_counts)
        register_deputy_home()
        deputy_card.register()

        register_panel(
            Role.DEPUTY, "suggestions", "suggestions/_panel.html", deputy_panel, order=20
        )
        register_panel(
            Role.STAFF,
            "suggestions",
            "suggestions/_staff_panel.html",
            staff_panel,
            order=20,
            counts=desk_counts,
        )
        register_nav(
            "suggestions.mine", _("我的建议"), "suggestions:mine", roles=[Role.DEPUTY], order=40
        )
        register_nav(
            "suggestions.unit",
            _("承办工作"),
            "suggestions:unit_home",
            roles=[Role.HANDLING_UNIT],
            order=50,
        )
        register_nav(
            "suggestions.staff",
            _("建议督办"),
            "suggestions:staff_home",
            roles=[Role.STAFF],
            order=60,
        )
