"""Production settings (issue #11, item 6): no mail written to the log unless asked for, and
``X-Forwarded-Proto`` believed only when a proxy is said to be in front.

Each case imports the settings in a fresh interpreter with a controlled environment, as
gunicorn or ``manage.py`` would: the checks run at import, once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# What any test of the production settings needs: the settings refuse to start without them.
REQUIRED = {
    "DJANGO_SECRET_KEY": "production-test-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "lvzhi.example.org",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """``args`` under the production settings, with only ``env`` of the app's own variables:
    none from the calling shell (a developer's DJANGO_EMAIL_BACKEND or CI's DATABASE_URL) leaks
    in."""
    own = ("DJANGO_", "DATABASE", "CELERY_", "LVZHI_", "CACHE_URL", "SHARED_CACHE_URL")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    environment.update(REQUIRED, DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def settings_value(expression: str, **env: str) -> subprocess.CompletedProcess:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return run(["-c", code], **env)


@pytest.mark.parametrize("backend", [None, CONSOLE], ids=["default", "named"])
def test_production_refuses_the_console_email_backend(backend):
    env = {"DJANGO_EMAIL_BACKEND": backend} if backend else {}
    result = settings_value("settings.EMAIL_BACKEND", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_EMAIL_BACKEND" in result.stderr and "LVZHI_ALLOW_CONSOLE_EMAIL" in result.stderr


def test_console_email_only_when_told():
    allowed = settings_value("settings.EMAIL_BACKEND", LVZHI_ALLOW_CONSOLE_EMAIL="true")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == CONSOLE
    refused = settings_value("settings.EMAIL_BACKEND", LVZHI_ALLOW_CONSOLE_EMAIL="false")
    assert refused.returncode != 0 and "ImproperlyConfigured" in refused.stderr


IS_SECURE = (
    "settings.EMAIL_BACKEND, settings.SECURE_PROXY_SSL_HEADER, "
    "__import__('django.test').test.RequestFactory()"
    ".get('/', HTTP_X_FORWARDED_PROTO='https').is_secure()"
)


def test_forwarded_proto_is_ignored_without_a_proxy():
    """gunicorn's port reached directly: a client claiming HTTPS is not believed (the session
    and CSRF cookies stay Secure-only, and the HTTPS redirect still happens)."""
    result = settings_value(IS_SECURE, DJANGO_EMAIL_BACKEND=SMTP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{SMTP} None False"


def test_forwarded_proto_is_believed_behind_the_proxy():
    result = settings_value(IS_SECURE, DJANGO_EMAIL_BACKEND=SMTP, LVZHI_TRUSTED_PROXY_HOPS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{SMTP} ('HTTP_X_FORWARDED_PROTO', 'https') True"


def test_check_deploy_is_clean_behind_the_proxy():
    """The deployment docker-compose.yml makes: nginx in front, mail through SMTP, one Redis
    cache for the web workers."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_EMAIL_BACKEND=SMTP,
        LVZHI_TRUSTED_PROXY_HOPS="1",
        CACHE_URL="redis://redis:6379/1",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_web_workers_would_not_share_a_cache():
    """Sessions, role names and staff permissions are cached: per process, a logout or a
    revoked permission in one worker would not reach the others."""
    smtp = {"DJANGO_EMAIL_BACKEND": SMTP}
    alone = run(["manage.py", "check", "--deploy"], **smtp)
    assert "lvzhi.W001" in alone.stderr + alone.stdout
    shared = run(["manage.py", "check", "--deploy"], CACHE_URL="redis://127.0.0.1:6379/1", **smtp)
    assert shared.returncode == 0, shared.stderr
    assert "lvzhi.W001" not in shared.stderr + shared.stdout


def test_the_served_application_freezes_its_startup_objects():
    """``config.wsgi`` loads the URL configuration (every view and admin module) and then
    freezes what it made, so the collector's full passes skip it (see its docstring)."""
    code = (
        "import gc, sys, config.wsgi;"
        "print(gc.get_freeze_count(), 'config.urls' in sys.modules, 'core.admin' in sys.modules)"
    )
    result = run(["-c", code], DJANGO_EMAIL_BACKEND=SMTP)
    assert result.returncode == 0, result.stderr
    frozen, urls_loaded, admin_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert urls_loaded == admin_loaded == "True"
