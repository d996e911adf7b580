"""The three roles of the system, kept as Django groups (created by a data migration).

Committee staff work in the admin; deputies and handling-unit users only see the site's own
pages, each limited to their own records.
"""

from enum import StrEnum


class Role(StrEnum):
    STAFF = "工委工作人员"
    DEPUTY = "代表"
    HANDLING_UNIT = "承办单位"


# Apps whose models committee staff manage in the admin; their permissions are granted to the
# staff group after every ``migrate`` (see ``accounts.apps``), so new models need no extra step.
STAFF_MANAGED_APPS = (
    "accounts",
    "core",
    "deputies",
    "performance",
    "suggestions",
    "liaison",
    "training",
)


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
    perms = Permission.objects.filter(content_type__app_label__in=STAFF_MANAGED_APPS)
    staff.permissions.add(*perms)
