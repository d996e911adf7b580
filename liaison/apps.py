from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("联络站")

    def ready(self) -> None:
        from . import tracking

        tracking.register()  # history of the records that matter (core.history)
        from core.activity import register_activity

        from . import cockpit
        from .activity import LABEL, visit_counts
        from .panels import duties, index, opinions

        cockpit.register()
        register_activity("visits", LABEL, visit_counts)

        duties.register()
        opinions.register()
        index.register()
