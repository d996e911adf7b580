from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from deputies.models import Deputy
from suggestions.models import (
    Category,
    Kind,
    Origin,
    ProblemKind,
    Reply,
    ResultClass,
    Suggestion,
    Verdict,
)

from .base import StrictSerializer


class ReplySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    result_class_label = serializers.CharField(source="get_result_class_display", read_only=True)

    class Meta:
        model = Reply
        fields = ["id", "unit", "replied_on", "result_class", "result_class_label", "content"]
        read_only_fields = fields


class SuggestionSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    lead_deputy = serializers.CharField(source="lead_deputy.name", read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.name", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    latest_verdict = serializers.CharField(
        read_only=True, help_text=_("最近一次评价：satisfied、basic、unsatisfied；未评价为空")
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "title",
            "category",
            "status",
            "status_label",
            "lead_deputy",
            "lead_unit",
            "submitted_on",
            "assigned_on",
            "reply_deadline",
            "latest_verdict",
            "created_at",
        ]
        read_only_fields = fields


class SuggestionDetailSerializer(SuggestionSerializer):
    co_signers = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta(SuggestionSerializer.Meta):
        fields = [
            *SuggestionSerializer.Meta.fields,
            "body",
            "origin",
            "origin_reference",
            "origin_url",
            "co_signers",
            "replies",
        ]
        read_only_fields = fields


class DraftSerializer(StrictSerializer):
    """A new draft, as the web's 新建建议 form takes it (attachments through the web)."""

    kind = serializers.ChoiceField(label=_("类型"), choices=Kind.choices, default=Kind.SUGGESTION)
    title = serializers.CharField(label=_("标题"), max_length=120)
    category = serializers.PrimaryKeyRelatedField(
        label=_("类别"), queryset=Category.objects.filter(is_active=True)
    )
    body = serializers.CharField(label=_("内容"), max_length=20000)
    origin = serializers.ChoiceField(label=_("来源"), choices=Origin.choices)
    origin_reference = serializers.CharField(
        label=_("来源说明"), max_length=200, required=False, allow_blank=True, default=""
    )
    origin_url = serializers.URLField(
        label=_("来源链接"), max_length=200, required=False, allow_blank=True, default=""
    )
    co_signers = serializers.PrimaryKeyRelatedField(
        label=_("附议代表"),
        many=True,
        required=False,
        default=list,
        queryset=Deputy.objects.serving(),
    )


class EvaluationSerializer(StrictSerializer):
    verdict = serializers.ChoiceField(label=_("满意度"), choices=Verdict.choices)
    implementation_score = serializers.IntegerField(
        label=_("落实度（0–100）"), min_value=0, max_value=100
    )
    comment = serializers.CharField(
        label=_("评价意见"), required=False, allow_blank=True, default="", max_length=5000
    )


class ProblemSerializer(StrictSerializer):
    kind = serializers.ChoiceField(label=_("问题类型"), choices=ProblemKind.choices)
    description = serializers.CharField(label=_("问题描述"), max_length=300)


class ReplyRequestSerializer(StrictSerializer):
    result_class = serializers.ChoiceField(label=_("办理结果"), choices=ResultClass.choices)
    content = serializers.CharField(label=_("答复内容"), max_length=20000)
    replied_on = serializers.DateField(label=_("答复日期"), required=False)
    problems = ProblemSerializer(label=_("核心问题清单"), many=True, required=False, default=list)


class ExtensionRequestSerializer(StrictSerializer):
    requested_deadline = serializers.DateField(label=_("申请延至"))
    reason = serializers.CharField(label=_("延期理由"), max_length=2000)


class UnitSuggestionSerializer(SuggestionSerializer):
    is_lead = serializers.SerializerMethodField()

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "is_lead"]
        read_only_fields = fields

    def get_is_lead(self, suggestion) -> bool:
        return suggestion.lead_unit_id in self.context.get("unit_ids", ())
