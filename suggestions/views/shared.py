"""Pages every signed-in role reaches: the app's entry point and attachment downloads, each
scoped to what the user may see."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect

from accounts.roles import Role, user_has_role

from ..models import Attachment, Suggestion


def index(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user_has_role(user, Role.STAFF):
        return redirect("suggestions:staff_home")
    if user_has_role(user, Role.DEPUTY):
        return redirect("suggestions:mine")
    if user_has_role(user, Role.HANDLING_UNIT):
        return redirect("suggestions:unit_home")
    return redirect("home")


def attachment_download(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    visible = Suggestion.objects.none()
    if user_has_role(request.user, Role.STAFF):
        visible = Suggestion.objects.all()
    else:
        deputy = getattr(request.user, "deputy", None)
        if deputy is not None and user_has_role(request.user, Role.DEPUTY):
            visible = visible | Suggestion.objects.for_deputy(deputy)
        if user_has_role(request.user, Role.HANDLING_UNIT):
            visible = visible | Suggestion.objects.for_unit_user(request.user)
    attachment = get_object_or_404(Attachment, pk=pk, suggestion__in=visible.values("pk"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
