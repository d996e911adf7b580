"""Liaison for deputies: my reception duties, and logging a visit through
``liaison.services.visits.visit_create`` (the web's 接待登记 door)."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core import clock
from deputies.models import Deputy
from deputies.models import Status as DeputyStatus
from liaison.models import Duty, Visit
from liaison.selectors_visits import deputy_stations
from liaison.services.visits import visit_create

from ..permissions import IsDeputy
from ..serializers.liaison import DutySerializer, VisitRequestSerializer, VisitSerializer
from .common import ERRORS


class DutyListView(generics.ListAPIView):
    """My reception duties (接待值班), the coming ones first, then the past ones newest first."""

    permission_classes = [IsDeputy]
    serializer_class = DutySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Duty.objects.none()
        return (
            Duty.objects.filter(deputy=self.request.deputy)
            .select_related("reception_day__station")
            .order_by("-reception_day__date", "-reception_day__starts_at")
        )

    @extend_schema(summary="我的接待值班", tags=["liaison"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VisitCreateView(generics.GenericAPIView):
    permission_classes = [IsDeputy]
    serializer_class = VisitRequestSerializer

    @extend_schema(
        request=VisitRequestSerializer,
        responses={201: VisitSerializer, **ERRORS},
        summary="登记一次接待",
        tags=["liaison"],
    )
    def post(self, request):
        deputy = request.deputy
        serializer = VisitRequestSerializer(data=request.data)
        # The choices the web form offers this deputy: their stations, and colleagues
        # assigned to or on duty at those stations.
        stations = deputy_stations(deputy)
        station_ids = list(stations.values_list("pk", flat=True))
        serializer.fields["station"].queryset = stations
        serializer.fields["deputies"].child_relation.queryset = (
            Deputy.objects.filter(status=DeputyStatus.SERVING)
            .filter(
                Q(liaison_stations__in=station_ids)
                | Q(reception_duties__reception_day__station__in=station_ids)
            )
            .exclude(pk=deputy.pk)
            .distinct()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        present = list({d.pk: d for d in [deputy, *data.pop("deputies")]}.values())
        visit = visit_create(actor=request.user, deputies=present, today=clock.today(), **data)
        visit = Visit.objects.select_related("station", "category", "community").get(pk=visit.pk)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)
