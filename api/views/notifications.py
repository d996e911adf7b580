"""My notifications, and marking one read (``core.notifications.notification_mark_read``,
the web's door). Another user's notification is a 404."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Notification
from core.notifications import notification_mark_read

from ..filters import NotificationFilter
from ..serializers.notifications import NotificationSerializer
from .common import ERRORS, own


def _mine(request):
    return Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")


class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return _mine(self.request)

    @extend_schema(summary="我的通知", tags=["notifications"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, **ERRORS},
        summary="标记为已读",
        tags=["notifications"],
    )
    def post(self, request, pk: int):
        note = own(_mine(request), pk)
        notification_mark_read(user=request.user, notification_ids=[note.pk])
        note.refresh_from_db()
        return Response(NotificationSerializer(note).data)
