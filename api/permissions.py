"""Who may call an endpoint, by role, as ``accounts.access`` decides for pages: the wrong role
is a 403, an anonymous caller a 401; whose object it is the view's queryset decides (404)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework.permissions import BasePermission

from accounts.roles import Role, user_has_role

ERR_NOT_DEPUTY = gettext_noop("只有代表可以使用此接口。")
ERR_NOT_UNIT = gettext_noop("只有承办单位可以使用此接口。")


class IsDeputy(BasePermission):
    """A deputy with a profile; sets ``request.deputy`` like ``deputy_required``."""

    @property
    def message(self) -> str:
        return _(ERR_NOT_DEPUTY)

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user_has_role(user, Role.DEPUTY)):
            return False
        deputy = getattr(user, "deputy", None)
        if deputy is None:
            return False
        request.deputy = deputy
        return True


class IsUnitUser(BasePermission):
    @property
    def message(self) -> str:
        return _(ERR_NOT_UNIT)

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user_has_role(user, Role.HANDLING_UNIT))
