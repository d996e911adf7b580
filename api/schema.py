"""How the OpenAPI schema describes the two ways in: the Bearer access token and the site's
session cookie (imported by ``ApiConfig.ready``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "POST /api/v1/auth/token/ 返回的访问令牌（12 小时有效）",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


ERROR_CODES = {
    "400": "请求有误（字段在 errors 中列出）",
    "401": "未登录，或令牌无效、过期、已撤销",
    "403": "角色不符",
    "404": "不存在，或不属于您",
    "405": "不支持该方法",
    "429": "请求过于频繁（见 Retry-After）",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "errors"],
}


def add_error_responses(result, generator, request, public):
    """``POSTPROCESSING_HOOKS``: every operation may answer each error of the one shape
    (api.errors); the views name the ones they expect, this fills in the rest so the schema
    lists every status a client can get."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_CODES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
