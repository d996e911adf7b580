from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.privacy import mask_phone


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(label=_("届次"))
    name = serializers.CharField(label=_("名称"))
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class DeputyProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(label=_("代表编号"))
    name = serializers.CharField(label=_("姓名"))
    mobile = serializers.SerializerMethodField(label=_("手机（部分隐藏）"))
    level = serializers.CharField(label=_("代表层级"))
    level_label = serializers.CharField(source="get_level_display")
    group = serializers.CharField(source="group.name", default=None, allow_null=True)
    term = TermSerializer()
    status = serializers.CharField(label=_("状态"))

    def get_mobile(self, deputy) -> str:
        return mask_phone(deputy.mobile)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    roles = serializers.ListField(child=serializers.CharField())
    deputy = DeputyProfileSerializer(allow_null=True)
    units = serializers.ListField(child=serializers.CharField())


class RuleLineSerializer(serializers.Serializer):
    code = serializers.CharField(source="rule.code")
    name = serializers.CharField(source="rule.name")
    points = serializers.DecimalField(source="rule.points", max_digits=6, decimal_places=1)
    count = serializers.IntegerField()
    raw = serializers.DecimalField(max_digits=8, decimal_places=1)
    score = serializers.DecimalField(max_digits=8, decimal_places=1)
    capped = serializers.BooleanField()


class DimensionLineSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    label = serializers.CharField()
    cap = serializers.DecimalField(max_digits=8, decimal_places=1)
    raw = serializers.DecimalField(max_digits=8, decimal_places=1)
    score = serializers.DecimalField(max_digits=8, decimal_places=1)
    capped = serializers.BooleanField()
    floored = serializers.BooleanField()
    rules = RuleLineSerializer(many=True)


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    of = serializers.IntegerField()


class AxisSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(source="axis.label")
    explanation = serializers.CharField(source="axis.explanation")
    value = serializers.DecimalField(max_digits=8, decimal_places=1)
    average = serializers.DecimalField(max_digits=8, decimal_places=1)
    index = serializers.IntegerField(help_text=_("同级平均为 100，最高 200"))


class PortraitSerializer(serializers.Serializer):
    """履职画像: the dashboard's radar, six axes against the level's average."""

    level_label = serializers.CharField()
    peers = serializers.IntegerField()
    axes = AxisSerializer(many=True, source="figures")


class ScoreSerializer(serializers.Serializer):
    """The year's figures as the ledger page shows them: the last computed assessment (total,
    dimensions, grade, ranks) and the breakdown of the verified entries behind it."""

    year = serializers.IntegerField()
    rule_set = serializers.BooleanField(help_text=_("该年度是否已设定积分规则"))
    assessed = serializers.BooleanField(help_text=_("是否已有计算结果"))
    total = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    base = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    innovation = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    contribution = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    grade = serializers.CharField(allow_null=True)
    grade_label = serializers.CharField(allow_null=True)
    rank = RankSerializer(allow_null=True)
    level_rank = RankSerializer(allow_null=True)
    duty_days = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField(help_text=_("核实后的记录尚未计入上次计算"))
    breakdown = DimensionLineSerializer(many=True)
    portrait = PortraitSerializer()


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
