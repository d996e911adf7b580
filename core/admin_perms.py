"""A staff member's permission set, read from the cache on admin pages (dropped when it changes).

Every admin page asks ``user.has_perm`` (the list's view and change rights, the app list's
fingerprint in ``core.admin_nav``). Django's ``ModelBackend`` reads the permissions once per
request in two queries, the user's own and the groups' (the staff group holds every permission
of the committee's apps: some 400 rows to fetch and join on every page), and keeps them on the
user object for the rest of the request only. About a sixth of a short admin list's time.

``prime(user)`` puts the same three sets on the user object (``_user_perm_cache``,
``_group_perm_cache``, ``_perm_cache``: what ``ModelBackend`` would compute) from the default
cache, computing and storing them on a miss, as ``accounts.roles`` keeps the role names.
The cached entry carries two generation numbers, everyone's and the user's own; any change that
can alter someone's permissions bumps one of them, at once and again when the change is
committed, so a stale entry is never used:

* ``m2m_changed`` of ``User.groups`` and ``User.user_permissions`` from the user's side (that
  user's generation), from the other side or of ``Group.permissions`` (everyone's), and saves or
  deletes of their rows one by one;
* saves and deletes of ``Permission``, ``Group`` (a deleted group takes its rows with it, with no
  ``m2m_changed``) and ``ContentType`` (an app label is part of the permission's name);
* ``post_migrate`` (``create_permissions`` adds permissions in bulk, without signals).

Whether the user is a superuser (who has every permission) is part of the entry's key, read from
the user's row on each request as before; an inactive user is never primed (the backend answers
the empty set for them anyway). Changes that bypass signals (``bulk_create`` or ``update`` of the
relation rows in code) show after ``CACHE_SECONDS`` at the latest, and so does a change made in
another process where the default cache is each process's memory (``CACHE_URL`` unset), as for
the role names and sessions: several web workers share Redis (README, "CACHE_URL").
"""

import time

from django.contrib.auth import get_backends, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

CACHE_SECONDS = 600
GENERATION_KEY = "lvzhi:perms:generation"


def _key(user) -> str:
    return f"lvzhi:perms:{user.pk}:{int(user.is_superuser)}"


def _user_generation_key(user_id) -> str:
    return f"lvzhi:perms:user:{user_id}"


def _fresh_generation() -> int:
    """A generation no entry can carry yet: after the cache lost the number (evicted,
    restarted), starting again from an old value could revive entries made stale meanwhile."""
    return time.time_ns()


def _generation(key: str) -> int | None:
    cache.add(key, _fresh_generation(), None)
    return cache.get(key)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no generation kept (never made, or evicted)
        cache.set(key, _fresh_generation(), None)


def _bump_now_and_on_commit(key: str) -> None:
    """Stale from now on, and again once the change is committed: a request that read the
    permissions between the two (the change not yet visible to it) kept them under the
    generation of the first bump."""
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def forget_all(**kwargs) -> None:
    """Signal receiver: every cached permission set is stale."""
    _bump_now_and_on_commit(GENERATION_KEY)


def forget_user(user_id) -> None:
    """One user's cached permission set is stale."""
    _bump_now_and_on_commit(_user_generation_key(user_id))


def _relation_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """``m2m_changed``: a user's groups or own permissions changed from the user's side
    (that user only), or from the group's or permission's side, or a group's permissions
    (everyone)."""
    if not action.startswith("post_"):
        return
    if sender is Group.permissions.through or reverse:
        forget_all()
    else:
        forget_user(instance.pk)


def _relation_row_changed(sender, instance, **kwargs) -> None:
    """A row of one of the relations saved or deleted by itself (not through the manager)."""
    user_id = getattr(instance, "user_id", None)
    if user_id is None:
        forget_all()
    else:
        forget_user(user_id)


PERMISSION_METHODS = (
    "has_perm",
    "has_module_perms",
    "get_all_permissions",
    "get_user_permissions",
    "get_group_permissions",
)


def _model_backends_only() -> bool:
    """Whether every backend that answers permissions is a ``ModelBackend`` (axes' backend
    only refuses sign-ins of locked-out people, and answers no permission)."""
    return all(
        isinstance(backend, ModelBackend)
        or not any(hasattr(backend, name) for name in PERMISSION_METHODS)
        for backend in get_backends()
    )


def prime(user) -> None:
    """Give an active, signed-in ``user`` its permission sets for this request from the cache
    (computed by ``ModelBackend`` and stored on a miss). Nothing for anyone else, or where a
    backend other than ``ModelBackend`` answers permissions."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or hasattr(user, "_perm_cache")
        or not _model_backends_only()
    ):
        return
    key, user_key = _key(user), _user_generation_key(user.pk)
    found = cache.get_many([GENERATION_KEY, user_key, key])
    generations = tuple(
        found[name] if name in found else _generation(name) for name in (GENERATION_KEY, user_key)
    )
    entry = found.get(key)
    if entry is not None and entry[0] == generations:
        _seen, own, grouped = entry
        user._user_perm_cache, user._group_perm_cache = set(own), set(grouped)
        user._perm_cache = {*own, *grouped}
        return
    backend = ModelBackend()  # what has_perm would read, read before the entry is kept
    own = backend.get_user_permissions(user)
    grouped = backend.get_group_permissions(user)
    user._perm_cache = {*own, *grouped}
    cache.set(key, (generations, frozenset(own), frozenset(grouped)), CACHE_SECONDS)


def connect() -> None:
    user_model = get_user_model()
    through = (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    )
    for sender in through:
        m2m_changed.connect(
            _relation_changed, sender=sender, dispatch_uid=f"lvzhi.perms.m2m.{sender}"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                _relation_row_changed, sender=sender, dispatch_uid=f"lvzhi.perms.{sender}"
            )
    for sender in (Permission, Group, ContentType):
        for signal in (post_save, post_delete):
            signal.connect(forget_all, sender=sender, dispatch_uid=f"lvzhi.perms.{sender}")
    post_migrate.connect(forget_all, dispatch_uid="lvzhi.perms.migrate")
