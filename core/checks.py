"""Deployment checks of the committee's own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = (
    "CACHE_URL 未设置：每个 web 进程各用自己内存中的缓存。会话、角色和管理权限都缓存在这里，"
    "在一个进程中退出登录或撤销的权限，其他进程仍可能沿用缓存中的旧状态。"
)


@register(Tags.caches, deploy=True)
def shared_default_cache(app_configs, **kwargs):
    """Sessions (``cached_db``), role names and staff permissions are read from the default
    cache on every request; with several gunicorn workers it must be one cache they share."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                W001,
                hint="运行多个 web 进程（gunicorn -w 2 及以上）时请设置 CACHE_URL=redis://…，"
                "与 docker-compose.yml 相同。",
                id="lvzhi.W001",
            )
        ]
    return []
