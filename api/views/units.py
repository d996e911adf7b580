"""Handling units: their suggestions, replying and asking for a later deadline, through the
services of the unit portal (``suggestions.services.reply_submit``, ``extension_request``).
Only the lead unit acts; a co-unit or another unit gets 404, as on the web."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from suggestions import selectors, services
from suggestions.models import HandlingUnit, Suggestion

from ..permissions import IsUnitUser
from ..serializers.suggestions import (
    ExtensionRequestSerializer,
    ReplyRequestSerializer,
    ReplySerializer,
    SuggestionSerializer,
    UnitSuggestionSerializer,
)
from .common import ERRORS, own


def _unit_ids(request) -> list[int]:
    return list(HandlingUnit.objects.filter(users=request.user).values_list("pk", flat=True))


def _lead_action(request, pk: int) -> tuple[Suggestion, HandlingUnit]:
    suggestion = own(selectors.unit_user_suggestions(request.user), pk)
    unit = HandlingUnit.objects.filter(users=request.user, pk=suggestion.lead_unit_id).first()
    if unit is None:
        raise Http404
    return suggestion, unit


class UnitSuggestionListView(generics.ListAPIView):
    permission_classes = [IsUnitUser]
    serializer_class = UnitSuggestionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        qs = selectors.unit_user_suggestions(self.request.user).with_list_relations()
        tab = self.request.query_params.get("tab", "all")
        if tab in selectors.UNIT_TAB_STATES:
            qs = qs.filter(status__in=selectors.UNIT_TAB_STATES[tab])
        return qs.order_by("reply_deadline", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["unit_ids"] = set(_unit_ids(self.request))
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "tab", str, enum=["all", *selectors.UNIT_TAB_STATES], description="分组，默认全部"
            )
        ],
        summary="本单位承办的议案建议",
        tags=["unit"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitReplyView(APIView):
    permission_classes = [IsUnitUser]

    @extend_schema(
        request=ReplyRequestSerializer,
        responses={201: ReplySerializer, **ERRORS},
        summary="答复代表（主办单位）",
        tags=["unit"],
    )
    def post(self, request, pk: int):
        suggestion, unit = _lead_action(request, pk)
        serializer = ReplyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        problems = [(p["kind"], p["description"]) for p in data.pop("problems")]
        reply = services.reply_submit(
            suggestion=suggestion, unit=unit, actor=request.user, problems=problems, **data
        )
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class UnitExtensionView(APIView):
    permission_classes = [IsUnitUser]

    @extend_schema(
        request=ExtensionRequestSerializer,
        responses={201: SuggestionSerializer, **ERRORS},
        summary="申请延期答复（主办单位）",
        tags=["unit"],
    )
    def post(self, request, pk: int):
        suggestion, unit = _lead_action(request, pk)
        serializer = ExtensionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.extension_request(
            suggestion=suggestion, unit=unit, actor=request.user, **serializer.validated_data
        )
        suggestion = Suggestion.objects.with_list_relations().get(pk=pk)
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)
