from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .navigation import register_nav, register_tab


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
        from celery.signals import task_postrun, task_prerun
        from django.contrib.auth import get_user_model

        from . import checks, history, lookups, search  # noqa: F401 (checks registers itself)

        lookups.register()
        search.register()
        # Admin change lists and the staff desk write only their changing blocks on each visit.
        from . import admin_page, page_skeleton

        page_skeleton.register(admin_page.CHANGE_LIST)
        page_skeleton.register(admin_page.INDEX)

        # A Celery task's writes are the task's (core.history), whoever queued it.
        task_prerun.connect(history.task_started, weak=False, dispatch_uid="core.history.task")
        task_postrun.connect(history.task_finished, weak=False, dispatch_uid="core.history.task")
        # Users' roles (groups), privileges and state; accounts sits below core and cannot
        # register itself. Passwords and last logins are never recorded.
        history.track(get_user_model(), mask=("phone",))
        post_migrate.connect(calendar_prefill_if_empty, sender=self, dispatch_uid="core.calendar")
        # The staff desk closes the menu: Django's is_staff opens the admin, whatever the role.
        register_nav(
            "core.staff_desk",
            _("工委工作台"),
            "admin:index",
            visible=lambda user: user.is_staff,
            order=900,
        )
        # Deputies' 消息 tab (the bottom tab bar on phones), with the unread badge on it.
        from accounts.roles import Role

        register_tab(
            "core.notifications",
            _("消息"),
            "notifications",
            "bell",
            roles=[Role.DEPUTY],
            order=50,
            badge=True,
        )
