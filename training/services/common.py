"""What the training services share: the app's error and who may act."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from deputies.models import Deputy

ERR_STAFF_ONLY = gettext_noop("只有工委工作人员可以进行此操作。")
ERR_NOT_YOURS = gettext_noop("只能为本人办理。")


class TrainingError(Exception):
    """A training write that breaks a rule; the message is for the user. Nothing was written."""


def is_staff(actor: User | None) -> bool:
    return actor is not None and user_has_role(actor, Role.STAFF)


def staff_required(actor: User | None) -> None:
    """Staff, or the system (``None``: a task or a command run by the operator)."""
    if actor is not None and not is_staff(actor):
        raise TrainingError(_(ERR_STAFF_ONLY))


def self_or_staff_required(actor: User | None, deputy: Deputy) -> None:
    """The deputy acting for themself, staff, or the system."""
    if actor is None or is_staff(actor):
        return
    if getattr(actor, "deputy", None) is None or actor.deputy.pk != deputy.pk:
        raise TrainingError(_(ERR_NOT_YOURS))
