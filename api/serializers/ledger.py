from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from performance.models import EVIDENCE_VALIDATORS, LedgerEntry, Rule

from .base import StrictSerializer


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label=_("文件名"))
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text=_("下载地址（须带令牌）"))

    def get_url(self, item) -> str:
        return reverse("api:evidence", kwargs={"pk": item.id})


class RuleSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="rule_set.year", read_only=True)
    dimension_label = serializers.CharField(source="get_dimension_display", read_only=True)

    class Meta:
        model = Rule
        fields = [
            "id",
            "year",
            "code",
            "name",
            "dimension",
            "dimension_label",
            "points",
            "yearly_cap",
            "evidence_required",
            "deputy_can_submit",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    dimension = serializers.CharField(source="rule.dimension", read_only=True)
    points = serializers.DecimalField(
        source="rule.points", max_digits=6, decimal_places=1, read_only=True
    )
    year = serializers.IntegerField(source="rule.rule_set.year", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_kind_label = serializers.CharField(source="get_source_kind_display", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "year",
            "rule_code",
            "rule_name",
            "dimension",
            "points",
            "occurred_on",
            "title",
            "place",
            "description",
            "status",
            "status_label",
            "source_kind",
            "source_kind_label",
            "reviewed_at",
            "review_reason",
            "created_at",
            "evidence",
        ]
        read_only_fields = fields


class EntrySubmitSerializer(StrictSerializer):
    """``multipart/form-data`` (with ``files``, repeated) or JSON (without files). The rule is
    its code (``B01``…); whether it may be self-submitted, needs evidence, and whether the date
    fits the year are the service's checks."""

    rule = serializers.CharField(label=_("履职事项编号"), max_length=20)
    occurred_on = serializers.DateField(label=_("履职日期"))
    title = serializers.CharField(label=_("主题"), max_length=200)
    place = serializers.CharField(
        label=_("地点"), max_length=100, required=False, allow_blank=True, default=""
    )
    description = serializers.CharField(
        label=_("情况说明"), required=False, allow_blank=True, default="", max_length=5000
    )
    files = serializers.ListField(
        label=_("佐证材料"),
        child=serializers.FileField(max_length=200, allow_empty_file=False),
        required=False,
        default=list,
        max_length=20,
        help_text=_("可重复上传多个文件：图片、PDF 或 Office 文档"),
    )

    def validate_files(self, files):
        """Each file's type, size and content, as the web form checks them (the service checks
        again); the errors name the file."""
        errors = []
        for upload in files:
            try:
                for validator in EVIDENCE_VALIDATORS:
                    validator(upload)
            except DjangoValidationError as exc:
                errors.extend(f"{upload.name}：{m}" for m in exc.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return files
