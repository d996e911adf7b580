from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("联络站")

    def ready(self) -> None:
        from .panels import duties, index, opinions

        duties.register()
        opinions.register()
        index.register()
