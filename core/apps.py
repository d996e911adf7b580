from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def calendar_prefill_if_empty(**kwargs) -> None:
    """Refill the working-day calendar from the package when the table is empty (a new
    database, or one emptied by ``flush``); staff edits are never touched otherwise."""
    from .models import CalendarDay
    from .workdays import calendar_load_from_package

    if not CalendarDay.objects.exists():
        calendar_load_from_package()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("通知与审计")

    def ready(self) -> None:
        post_migrate.connect(calendar_prefill_if_empty, sender=self, dispatch_uid="core.calendar")
