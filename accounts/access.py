"""View guards for the three roles. Anonymous users go to the login page; a logged-in user of
the wrong role gets a 403 page, never someone else's data."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .roles import Role, user_has_role

ERR_WRONG_ROLE = gettext_noop("此页面仅对%(role)s开放。")
ERR_NO_DEPUTY_PROFILE = gettext_noop("您的账号尚未关联代表档案，请联系工委工作人员。")


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user_has_role(request.user, role) for role in roles):
                raise PermissionDenied(
                    _(ERR_WRONG_ROLE) % {"role": "、".join(r.value for r in roles)}
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def deputy_required(view):
    """Deputy role plus a linked profile; the view gets it as ``request.deputy``."""

    @role_required(Role.DEPUTY)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        deputy = getattr(request.user, "deputy", None)
        if deputy is None:
            raise PermissionDenied(_(ERR_NO_DEPUTY_PROFILE))
        request.deputy = deputy
        return view(request, *args, **kwargs)

    return wrapper
