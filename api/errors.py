"""One shape for every error the API answers (issue #13):

    {"detail": "一句话说明", "errors": {"字段名": ["原因", …], …}}

``errors`` names the fields at fault (``non_field_errors`` for the body as a whole, dotted
paths for nested items such as ``problems.0.kind``) and is ``{}`` when no field is. The
services' own errors (``LedgerError``, ``SuggestionError``, …) are the same messages the web
pages show, as a 400; Django's ``Http404``/``PermissionDenied`` become 404/403; nothing a client
sends is a 500. Every error response rolls the request's transaction back (DRF marks it), so a
refused write leaves nothing half-written.
"""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from liaison.services.duties import DutyError
from liaison.services.opinions import OpinionError
from liaison.services.visits import VisitError
from performance.services import LedgerError
from suggestions.services import SuggestionError
from training.services import TrainingError

from .auth import TokenError

MSG_INVALID = gettext_noop("提交的数据有误，请按提示修改。")
MSG_NOT_FOUND = gettext_noop("未找到。")
MSG_FORBIDDEN = gettext_noop("您没有执行该操作的权限。")
MSG_PARSE = gettext_noop("请求体无法解析：不是有效的 JSON 或表单数据。")
MSG_TOO_BIG = gettext_noop("提交的内容过大或字段、文件过多，请精简后再试。")

# Refusals of the services, shown as the web shows them (400 with the message).
SERVICE_ERRORS = (
    LedgerError,
    SuggestionError,
    VisitError,
    DutyError,
    OpinionError,
    TrainingError,
    TokenError,
)


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.0.b": [messages]}``."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten(value, name).items():
                found.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            found[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for k, v in flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    found.setdefault(k, []).extend(v)
    elif detail not in (None, ""):
        found[prefix or "non_field_errors"] = [str(detail)]
    return found


def error_response(
    detail: str, *, errors: dict | None = None, code: int = 400, headers=None
) -> Response:
    return Response({"detail": detail, "errors": errors or {}}, status=code, headers=headers)


def exception_handler(exc, context):
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``."""
    if isinstance(exc, SERVICE_ERRORS):
        set_rollback()
        return error_response(str(exc))
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        set_rollback()
        return error_response(_(MSG_TOO_BIG))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_(MSG_NOT_FOUND))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _(MSG_FORBIDDEN))
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_(MSG_PARSE))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        only = errors.get("non_field_errors")
        detail = only[0] if only and len(errors) == 1 else _(MSG_INVALID)
        response.data = {"detail": detail, "errors": errors}
    else:
        data = response.data if isinstance(response.data, dict) else {}
        response.data = {"detail": str(data.get("detail", exc)), "errors": {}}
    if response.status_code >= status.HTTP_400_BAD_REQUEST:
        set_rollback()
    return response
