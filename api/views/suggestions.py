"""My suggestions (led or co-signed): the list, one, a new draft, submitting it and
evaluating the reply, through the services the web's pages call (``suggestions.services``)."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from suggestions import selectors, services
from suggestions.models import Reply, Status, Suggestion

from ..filters import SuggestionFilter
from ..permissions import IsDeputy
from ..serializers.suggestions import (
    DraftSerializer,
    EvaluationSerializer,
    SuggestionDetailSerializer,
    SuggestionSerializer,
)
from .common import ERRORS, own


def _detail(queryset):
    return queryset.with_list_relations().prefetch_related(
        "co_signers",
        Prefetch("replies", queryset=Reply.objects.select_related("unit").order_by("replied_on")),
    )


class SuggestionListView(generics.ListAPIView):
    permission_classes = [IsDeputy]
    serializer_class = SuggestionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SuggestionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return (
            selectors.deputy_suggestions(self.request.deputy)
            .with_list_relations()
            .order_by("-created_at", "-id")
        )

    @extend_schema(summary="我的议案建议（领衔和附议）", tags=["suggestions"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DraftSerializer,
        responses={201: SuggestionDetailSerializer, **ERRORS},
        summary="新建草稿",
        tags=["suggestions"],
    )
    def post(self, request):
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        co_signers = data.pop("co_signers")
        suggestion = services.suggestion_save_draft(
            deputy=request.deputy, actor=request.user, co_signers=co_signers, **data
        )
        suggestion = _detail(Suggestion.objects).get(pk=suggestion.pk)
        return Response(SuggestionDetailSerializer(suggestion).data, status=status.HTTP_201_CREATED)


class SuggestionDetailView(generics.RetrieveAPIView):
    permission_classes = [IsDeputy]
    serializer_class = SuggestionDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return _detail(selectors.deputy_suggestions(self.request.deputy))

    @extend_schema(
        summary="一件议案建议",
        tags=["suggestions"],
        responses={200: SuggestionDetailSerializer, **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SuggestionSubmitView(APIView):
    """Submit my draft to the committee (the lead deputy only; a co-signer gets 404 as on the
    web, which looks the draft up among the suggestions the deputy leads)."""

    permission_classes = [IsDeputy]

    @extend_schema(
        request=None,
        responses={200: SuggestionDetailSerializer, **ERRORS},
        summary="提交草稿",
        tags=["suggestions"],
    )
    def post(self, request, pk: int):
        suggestion = own(Suggestion.objects.filter(lead_deputy=request.deputy), pk)
        services.suggestion_transition(
            suggestion=suggestion, to=Status.SUBMITTED, actor=request.user
        )
        suggestion = _detail(Suggestion.objects).get(pk=pk)
        return Response(SuggestionDetailSerializer(suggestion).data)


class SuggestionEvaluateView(APIView):
    permission_classes = [IsDeputy]

    @extend_schema(
        request=EvaluationSerializer,
        responses={200: SuggestionDetailSerializer, **ERRORS},
        summary="评价答复（领衔代表）",
        tags=["suggestions"],
    )
    def post(self, request, pk: int):
        suggestion = own(Suggestion.objects.filter(lead_deputy=request.deputy), pk)
        serializer = EvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.evaluation_submit(
            suggestion=suggestion,
            deputy=request.deputy,
            actor=request.user,
            **serializer.validated_data,
        )
        suggestion = _detail(Suggestion.objects).get(pk=pk)
        return Response(SuggestionDetailSerializer(suggestion).data)
