"""What the views share: the error responses named in the schema, and one-object lookups
that turn another party's id into a 404."""

from django.shortcuts import get_object_or_404

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
