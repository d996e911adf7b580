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


ROLE_CACHE_SECONDS = 3600


def _roles_key(user_id: int) -> str:
    return f"lvzhi:roles:{user_id}"


def role_names(user) -> frozenset[str]:
    """The user's group names: kept on the user object for the request and in the cache across
    requests (the menu and every access check ask), dropped when the user's groups change."""
    names = getattr(user, "_role_names", None)
    if names is None:
        from django.core.cache import cache

        key = _roles_key(user.pk)
        names = cache.get(key)
        if names is None:
            names = frozenset(user.groups.values_list("name", flat=True))
            cache.set(key, names, ROLE_CACHE_SECONDS)
        user._role_names = names
    return names


def forget_roles(sender=None, instance=None, pk_set=None, reverse=False, **kwargs) -> None:
    """``m2m_changed`` receiver for ``User.groups``: forget the cached role names of every user
    whose groups changed (from either side of the relation)."""
    from django.core.cache import cache

    if reverse:  # group.user_set.add(...): pk_set holds user ids (None on clear: all of them)
        ids = pk_set if pk_set is not None else instance.user_set.values_list("pk", flat=True)
        cache.delete_many([_roles_key(pk) for pk in ids])
    else:
        cache.delete(_roles_key(instance.pk))
        instance.__dict__.pop("_role_names", None)


def user_has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    if role is Role.STAFF and user.is_superuser:
        return True
    return role.value in role_names(user)


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
