"""What every input serializer shares: a field the endpoint does not take is an error naming
that field (a typo such as ``ocurred_on`` must not silently drop a value), and uploads are
checked against the per-submission and per-day budgets of ``core.uploads``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import serializers

from core.uploads import upload_budget_check

ERR_UNKNOWN_FIELD = gettext_noop("不支持的字段。")
ERR_NOT_OBJECT = gettext_noop("请求体须为 JSON 对象。")


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (read-only ones included)."""

    def to_internal_value(self, data):
        if not hasattr(data, "keys"):
            raise serializers.ValidationError({"non_field_errors": [_(ERR_NOT_OBJECT)]})
        writable = {name for name, f in self.fields.items() if not f.read_only}
        unknown = sorted(str(key) for key in data if key not in writable)
        if unknown:
            raise serializers.ValidationError({key: [_(ERR_UNKNOWN_FIELD)] for key in unknown})
        return super().to_internal_value(data)


def budget_check(files, *, field: str, user) -> None:
    """``core.uploads`` budgets, as the web's forms apply them, as an error on ``field``."""
    try:
        upload_budget_check(files, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({field: exc.messages}) from exc
