"""Who may do what to an account, and the writes that issue or change a password.

Privilege
    Only a superuser may grant superuser or staff status, groups (the roles) or single
    permissions, and only a superuser may touch a *privileged* account (staff status, superuser,
    or the committee-staff role): edit it, delete it or reset its password. Committee staff
    manage the other accounts (deputies, handling units) and their own name and contacts. The
    user admin applies these rules (``accounts.admin``), and ``user_admin_change`` refuses a
    privilege change that reaches it anyway.

Issued passwords
    A password someone else chose is temporary: ``password_reset`` (a generated one, shown once)
    and ``user_admin_create`` set ``must_change_password``; the user's own change
    (``password_change_own``) clears it. Every one of these writes an audit row, never with the
    password in it.
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import hooks
from .models import User
from .roles import Role, user_has_role

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

ERR_NOT_STAFF = gettext_noop("只有工委工作人员可以管理账号。")
ERR_PRIVILEGED_ACCOUNT = gettext_noop("只有超级管理员可以修改工作人员或管理员账号（%(user)s）。")
ERR_PRIVILEGE_FIELDS = gettext_noop("只有超级管理员可以修改“%(fields)s”。")
ERR_RESET_OWN = gettext_noop("不能在这里重置自己的密码，请使用“修改密码”页面。")
ERR_OWN_PREFERENCES = gettext_noop("只能修改自己的显示设置。")

# Letters and digits without the look-alikes (0/O, 1/l/I): read out over the phone.
TEMPORARY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
TEMPORARY_LENGTH = 14  # about 81 bits


class AccountError(Exception):
    """An account write that is not allowed; the message names why."""


def temporary_password() -> str:
    """A fresh random password for someone else to change at first login."""
    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))


def is_privileged(user: User) -> bool:
    """Staff status, superuser or the committee-staff role: accounts only superusers manage."""
    return user.is_superuser or user.is_staff or user_has_role(user, Role.STAFF)


def may_manage_accounts(actor) -> bool:
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and (actor.is_superuser or (actor.is_staff and actor.has_perm("accounts.change_user")))
    )


def may_edit(actor, user: User) -> bool:
    """May ``actor`` edit ``user``'s account at all (privilege fields aside)?"""
    if not may_manage_accounts(actor):
        return False
    return actor.is_superuser or user.pk == actor.pk or not is_privileged(user)


def _field_labels(fields) -> str:
    return "、".join(str(User._meta.get_field(name).verbose_name) for name in fields)


def check_privilege_change(*, actor, changed: list[str]) -> None:
    """Raise ``AccountError`` when a non-superuser's change touches a privilege field."""
    touched = [name for name in PRIVILEGE_FIELDS if name in changed]
    if touched and not getattr(actor, "is_superuser", False):
        raise AccountError(_(ERR_PRIVILEGE_FIELDS) % {"fields": _field_labels(touched)})


@transaction.atomic
def password_reset(*, user: User, actor) -> str:
    """Give ``user`` a generated temporary password, to be changed at the next login; return
    it (the caller shows it once; it is stored nowhere else). Signs the user out everywhere."""
    if not may_manage_accounts(actor):
        raise AccountError(_(ERR_NOT_STAFF))
    if user.pk == actor.pk:
        raise AccountError(_(ERR_RESET_OWN))
    if not may_edit(actor, user):
        raise AccountError(_(ERR_PRIVILEGED_ACCOUNT) % {"user": user.username})
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    hooks.audit(
        actor=actor,
        action="accounts.password_reset",
        target=user,
        summary=user.username,
        data={"username": user.username, "must_change_password": True},
    )
    return password


@transaction.atomic
def user_admin_create(*, user: User, actor) -> User:
    """Save a new account made in the admin: its password was chosen by staff, so the user
    must choose their own at the first login."""
    if not may_manage_accounts(actor):
        raise AccountError(_(ERR_NOT_STAFF))
    if (user.is_superuser or user.is_staff) and not actor.is_superuser:
        raise AccountError(_(ERR_PRIVILEGE_FIELDS) % {"fields": _field_labels(PRIVILEGE_FIELDS)})
    user.must_change_password = user.has_usable_password()
    user.save()
    hooks.audit(
        actor=actor,
        action="accounts.user_create",
        target=user,
        summary=user.username,
        data={"username": user.username, "must_change_password": user.must_change_password},
    )
    return user


@transaction.atomic
def user_admin_change(*, user: User, actor, changed: list[str]) -> User:
    """Save an admin edit of ``user`` (``changed``: the form's changed fields, m2m included,
    saved after this) after checking the actor may make it."""
    stored = User.objects.get(pk=user.pk)  # judged as it is, not as the edit would make it
    if not may_edit(actor, stored):
        raise AccountError(_(ERR_PRIVILEGED_ACCOUNT) % {"user": stored.username})
    # A privilege flag set on the instance by any route counts, whatever the form says.
    flags = [
        name
        for name in ("is_superuser", "is_staff")
        if getattr(user, name) != getattr(stored, name)
    ]
    check_privilege_change(actor=actor, changed=[*changed, *flags])
    user.save()
    return user


@transaction.atomic
def password_change_own(*, user: User, password: str) -> User:
    """The user chose their own password (the form has checked it against the validators):
    it is no longer a temporary one."""
    was_issued = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    hooks.audit(
        actor=user,
        action="accounts.password_change",
        target=user,
        summary=user.username,
        data={"username": user.username, "replaced_issued_password": was_issued},
    )
    return user


@transaction.atomic
def user_preferences_set(*, user: User, actor, large_text: bool) -> User:
    """The user's own display preference (大字模式). Nobody sets it for someone else: it is a
    matter of their eyes, not of the committee's records."""
    if actor is None or actor.pk != user.pk:
        raise AccountError(_(ERR_OWN_PREFERENCES))
    if user.large_text == large_text:
        return user
    user.large_text = large_text
    user.save(update_fields=["large_text"])
    hooks.audit(
        actor=actor,
        action="accounts.preferences",
        target=user,
        summary=user.username,
        data={"large_text": large_text},
    )
    return user
