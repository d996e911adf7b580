"""Who may write to the duty ledger, asked by every write service (not only by views and the
admin), so the mobile API and the next apps reuse one set of rules.

Two kinds of actor exist: committee staff (review, verification, rules, decisions,
publication, rolls, voter reports, talks) and a deputy acting for themself (their own
submissions, disputes on their own entries, topic sign-ups). ``actor=None`` is the system:
imports from the command line, beat jobs, the demo, and other apps crediting through
:mod:`performance.public` after their own service authorised the transition.

This module imports nothing from the services or scoring, so both can ask it.
"""

from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from deputies.models import Deputy

ERR_NOT_PERMITTED = gettext_noop("您无权进行此操作。")


def acts_as_staff(actor: User | None) -> bool:
    """The system, or a user in the committee staff role (a superuser counts as staff)."""
    return actor is None or user_has_role(actor, Role.STAFF)


def acts_for_deputy(actor: User | None, deputy: Deputy) -> bool:
    """The system, or ``deputy``'s own login in the deputy role. Staff are not the deputy:
    they record on a deputy's behalf with the staff services (entry_create, ...)."""
    if actor is None:
        return True
    own = getattr(actor, "deputy", None)
    return own is not None and own.pk == deputy.pk and user_has_role(actor, Role.DEPUTY)
