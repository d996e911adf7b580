from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("履职培训")

    def ready(self) -> None:
        from . import tracking

        tracking.register()  # history of the records that matter (core.history)
        from . import cockpit
        from .panels import deputy, staff

        cockpit.register()
        deputy.register()
        staff.register()
