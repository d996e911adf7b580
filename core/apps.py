from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .navigation import register_nav


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
        # The staff desk closes the menu: Django's is_staff opens the admin, whatever the role.
        register_nav(
            "core.staff_desk",
            _("工委工作台"),
            "admin:index",
            visible=lambda user: user.is_staff,
            order=900,
        )
