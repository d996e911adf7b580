from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The versioned REST API for the deputies' mobile app (``/api/v1/``): tokens, and thin
    views over the same service doors the web pages call (docs/api.md)."""

    name = "api"
    verbose_name = _("移动端接口")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the schema's authentication extensions)
