"""My ledger entries: the list, one entry, and submitting one (``performance.services.
entry_submit``, the door the web's 提交履职 page uses)."""

from django.http import FileResponse, Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from performance.models import EntryEvidence, LedgerEntry, Rule
from performance.services import entry_submit

from ..filters import EntryFilter, RuleFilter
from ..permissions import IsDeputy
from ..serializers.base import budget_check
from ..serializers.ledger import EntrySerializer, EntrySubmitSerializer, RuleSerializer
from .common import ERRORS, own


class EntryQuerysetMixin:
    permission_classes = [IsDeputy]
    serializer_class = EntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LedgerEntry.objects.none()
        return (
            LedgerEntry.objects.filter(deputy=self.request.deputy)
            .select_related("rule", "rule__rule_set")
            .prefetch_related("evidence")
            .order_by("-occurred_on", "-id")
        )


class EntryListView(EntryQuerysetMixin, generics.ListAPIView):
    filter_backends = [DjangoFilterBackend]
    filterset_class = EntryFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="我的履职记录",
        tags=["ledger"],
        responses={200: EntrySerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "multipart/form-data": EntrySubmitSerializer,
            "application/json": EntrySubmitSerializer,
        },
        responses={201: EntrySerializer, **ERRORS},
        summary="提交履职记录（待工委核实）",
        tags=["ledger"],
    )
    def post(self, request):
        serializer = EntrySubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        budget_check(data["files"], field="files", user=request.user)
        entry = entry_submit(
            deputy=request.deputy,
            rule_code=data["rule"],
            occurred_on=data["occurred_on"],
            title=data["title"],
            description=data["description"],
            place=data["place"],
            files=data["files"],
            actor=request.user,
            today=clock.today(),
        )
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryDetailView(EntryQuerysetMixin, generics.RetrieveAPIView):
    @extend_schema(
        summary="一条履职记录", tags=["ledger"], responses={200: EntrySerializer, **ERRORS}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RuleListView(generics.ListAPIView):
    """The ledger's rules (履职事项), by year: what a deputy may submit and what it is worth.
    ``?self_service=true&year=2026`` lists the choices of the submit form."""

    permission_classes = [IsDeputy]
    serializer_class = RuleSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RuleFilter

    def get_queryset(self):
        return Rule.objects.select_related("rule_set").order_by("-rule_set__year", "code")

    @extend_schema(summary="积分规则（履职事项）", tags=["ledger"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EvidenceView(APIView):
    """One evidence file of my own entry (a photo shown in the app). Evidence is never public
    media: another deputy's file is a 404, as on the web."""

    permission_classes = [IsDeputy]

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="文件内容（图片、PDF 等，按原文件类型）"
            ),
            **ERRORS,
        },
        summary="下载我的佐证材料",
        tags=["ledger"],
    )
    def get(self, request, pk: int):
        item = own(
            EntryEvidence.objects.filter(entry__deputy=request.deputy).select_related("entry"), pk
        )
        try:
            handle = item.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        name = item.name or item.file.name.rsplit("/", 1)[-1]
        response = FileResponse(handle, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response
