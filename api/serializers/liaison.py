from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.privacy import mask_phone
from deputies.models import Community, Deputy
from deputies.models import Status as DeputyStatus
from liaison.models import Opinion, Satisfaction, Station, VisitStatus
from liaison.services.opinions import ERR_TOO_LONG
from suggestions.models import Category

from .base import StrictSerializer


class DutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(source="reception_day.date")
    starts_at = serializers.TimeField(source="reception_day.starts_at", allow_null=True)
    ends_at = serializers.TimeField(source="reception_day.ends_at", allow_null=True)
    station = serializers.CharField(source="reception_day.station.name")
    station_id = serializers.IntegerField(source="reception_day.station_id")
    attended = serializers.BooleanField(allow_null=True)


class VisitRequestSerializer(StrictSerializer):
    """A visit as the web's 接待登记 form takes it; the deputy calling is always among those
    present, and the stations and colleagues offered are the form's."""

    occurred_on = serializers.DateField(label=_("接待日期"))
    station = serializers.PrimaryKeyRelatedField(label=_("站点"), queryset=Station.objects.all())
    deputies = serializers.PrimaryKeyRelatedField(
        label=_("同场接待代表"),
        many=True,
        required=False,
        default=list,
        queryset=Deputy.objects.filter(status=DeputyStatus.SERVING),
    )
    visitor_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    visitor_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.filter(is_active=True)
    )
    problem = serializers.CharField(label=_("反映问题"), max_length=4000)
    answer = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    follow_up = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=VisitStatus.choices)
    referred_to = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True, default=""
    )


class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_on = serializers.DateField()
    station = serializers.CharField(source="station.name")
    category = serializers.CharField(source="category.name")
    community = serializers.CharField(source="community.name")
    problem = serializers.CharField()
    status = serializers.CharField()
    visitor_phone = serializers.SerializerMethodField()

    def get_visitor_phone(self, visit) -> str:
        return mask_phone(visit.visitor_phone) if visit.visitor_phone else ""


class OpinionRequestSerializer(StrictSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.filter(is_active=True)
    )
    description = serializers.CharField(label=_("意见内容"))
    contact_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    consent = serializers.BooleanField(label=_("同意隐私说明"))
    station = serializers.PrimaryKeyRelatedField(
        queryset=Station.objects.filter(is_active=True), required=False, allow_null=True
    )
    deputy_code = serializers.CharField(
        label=_("代表编号"), max_length=32, required=False, allow_blank=True, default=""
    )

    def validate_description(self, value):
        if len(value) > settings.LVZHI_OPINION_MAX_CHARS:
            raise serializers.ValidationError(
                gettext(ERR_TOO_LONG) % {"n": settings.LVZHI_OPINION_MAX_CHARS}
            )
        return value


class OpinionReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()


class OpinionTrackSerializer(serializers.ModelSerializer):
    """What a tracking code shows anyone who holds it: never the contact data."""

    category = serializers.CharField(source="category.name")
    community = serializers.CharField(source="community.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Opinion
        fields = [
            "tracking_code",
            "category",
            "community",
            "status",
            "status_label",
            "reply",
            "replied_at",
            "submitted_at",
        ]
        read_only_fields = fields
