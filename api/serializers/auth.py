from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .base import StrictSerializer


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), max_length=128, trim_whitespace=False)
    client = serializers.CharField(
        label=_("客户端名称"), max_length=100, required=False, allow_blank=True, default=""
    )


class RefreshRequestSerializer(StrictSerializer):
    refresh = serializers.CharField(label=_("刷新令牌"), max_length=200)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(label=_("访问令牌"))
    refresh = serializers.CharField(label=_("刷新令牌"))
    token_type = serializers.CharField(label=_("令牌类型"), default="Bearer")
    access_expires_at = serializers.DateTimeField(label=_("访问令牌过期时间"))
    refresh_expires_at = serializers.DateTimeField(label=_("刷新令牌过期时间"))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error (api.errors)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
