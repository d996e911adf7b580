import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(module: str, expression: str, **env) -> str:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "CELERY_"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE=module)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_embedded_defaults_need_no_server():
    out = _settings_in_subprocess(
        "config.settings.local",
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL",
    )
    assert "sqlite3" in out and "filesystem://" in out


def test_postgres_url_uses_psycopg3_and_redis_broker():
    out = _settings_in_subprocess(
        "config.settings.local",
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, "
        "__import__('django.db').db.connection.Database.__name__",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/x",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
    )
    assert "django.db.backends.postgresql" in out and "redis://127.0.0.1:6379/3" in out
    assert "psycopg" in out and "psycopg2" not in out


def test_production_requires_a_secret_key():
    with pytest.raises(subprocess.CalledProcessError) as excinfo:
        _settings_in_subprocess("config.settings.production", "settings.DEBUG")
    assert "DJANGO_SECRET_KEY" in excinfo.value.stderr


def test_check_deploy_is_clean_in_production():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-production-test-key-with-enough-entropy-1234567890",
        DJANGO_ALLOWED_HOSTS="lvzhi.example.org",
        # Production refuses the console mail backend (tests/config/test_production.py).
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        # The web workers share one cache (core/checks.py, lvzhi.W001).
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_ci_database_is_postgres_when_configured():
    """CI sets DATABASE_URL; make sure the suite really runs on the engine it names."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
