"""The three roles of the system, kept as Django groups (created by a data migration).

Committee staff work in the admin; deputies and handling-unit users only see the site's own
pages, each limited to their own records.
"""

from enum import StrEnum


class Role(StrEnum):
    STAFF = "工委工作人员"
    DEPUTY = "代表"
    HANDLING_UNIT = "承办单位"


def staff_managed_apps() -> list[str]:
    """Labels of the apps whose models committee staff manage in the admin: the project's own
    apps (``settings.LOCAL_APPS``), so a new app is covered without being listed again. Their
    permissions go to the staff group after every ``migrate`` (see ``accounts.apps``)."""
    from django.apps import apps
    from django.conf import settings

    return [c.label for c in apps.get_app_configs() if c.name in settings.LOCAL_APPS]


def user_has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    if role is Role.STAFF and user.is_superuser:
        return True
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_names = cache
    return role.value in cache


def sync_staff_permissions(**kwargs) -> None:
    """Make sure every role's group exists and give the staff group every permission on the
    committee's apps (idempotent).

    Runs after every ``migrate`` and after ``flush`` (which transactional tests call), so the
    roles never vanish with the data migration's rows.
    """
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    staff = Group.objects.get(name=Role.STAFF.value)
    perms = Permission.objects.filter(content_type__app_label__in=staff_managed_apps())
    staff.permissions.add(*perms)
