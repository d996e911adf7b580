from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("履职培训")

    def ready(self) -> None:
        from .panels import deputy, staff

        deputy.register()
        staff.register()
