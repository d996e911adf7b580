"""The public's two calls, no sign-in: send an opinion (群众意见) and look one up by its
tracking code. Both count under the web pages' own scopes of the shared limiter
(``core.ratelimit``), so the page and the API share one allowance per address."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import ratelimit
from deputies.models import Deputy
from deputies.models import Status as DeputyStatus
from liaison.models import Opinion
from liaison.services.opinions import normalise_code, opinion_submit
from liaison.views.public import (
    ERR_TOO_MANY,
    ERR_TOO_MANY_LOOKUPS,
    OPINION_SCOPE,
    TRACK_SCOPE,
)

from ..errors import error_response
from ..serializers.liaison import (
    OpinionReceiptSerializer,
    OpinionRequestSerializer,
    OpinionTrackSerializer,
)
from ..throttling import AddressThrottle
from .common import ERRORS


def _limited(request, scope: str, limit: int, message: str):
    result = ratelimit.hit(request._request, scope, limit=limit)
    if result.allowed:
        return None
    return error_response(
        _(message), code=429, headers={"Retry-After": str(max(1, result.retry_after))}
    )


class OpinionCreateView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AddressThrottle]

    @extend_schema(
        request=OpinionRequestSerializer,
        responses={201: OpinionReceiptSerializer, **ERRORS},
        summary="提交群众意见（无需登录）",
        tags=["public"],
    )
    def post(self, request):
        serializer = OpinionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limited = _limited(request, OPINION_SCOPE, settings.LVZHI_OPINIONS_PER_HOUR, ERR_TOO_MANY)
        if limited is not None:
            return limited
        data = dict(serializer.validated_data)
        code = data.pop("deputy_code")
        deputy = None
        if code:
            deputy = get_object_or_404(Deputy, code=code, status=DeputyStatus.SERVING)
        opinion = opinion_submit(deputy=deputy, **data)
        body = {"tracking_code": opinion.tracking_code, "status": opinion.status}
        return Response(OpinionReceiptSerializer(body).data, status=status.HTTP_201_CREATED)


class OpinionTrackView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AddressThrottle]

    @extend_schema(
        responses={200: OpinionTrackSerializer, **ERRORS},
        summary="凭查询码查看意见办理情况",
        tags=["public"],
    )
    def get(self, request, tracking_code: str):
        limited = _limited(
            request, TRACK_SCOPE, settings.LVZHI_TRACK_LOOKUPS_PER_HOUR, ERR_TOO_MANY_LOOKUPS
        )
        if limited is not None:
            return limited
        code = normalise_code(tracking_code)
        opinion = get_object_or_404(
            Opinion.objects.select_related(
                "category", "community", "merged_into__category", "merged_into__community"
            ),
            tracking_code=code or "-",
        )
        shown = opinion.merged_into if opinion.merged_into_id else opinion
        data = OpinionTrackSerializer(shown).data | {"tracking_code": opinion.tracking_code}
        return Response(data)
