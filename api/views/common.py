"""What the views share: the error responses named in the schema, and one-object lookups
that turn another party's id into a 404."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.views import APIView

from ..errors import MSG_NOT_FOUND
from ..serializers.auth import ErrorSerializer

ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    429: ErrorSerializer,
}


def own(queryset, pk):
    """``pk`` within ``queryset`` (the caller's own objects), else 404. A path id that is not
    a number is a 404 too (the URL converter only takes digits)."""
    return get_object_or_404(queryset, pk=pk)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any path under ``/api/`` that names no endpoint (``/api/v1/ledger/entries/abc/``): a
    404 in the API's JSON shape rather than the site's HTML page."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def missing(self, request, *args, **kwargs):
        raise exceptions.NotFound(_(MSG_NOT_FOUND))

    get = post = put = patch = delete = missing
