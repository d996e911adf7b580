"""No Docker engine runs here, so check what can be checked: the compose file's commands and
environment refer to things that exist in the project."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_full_stack_services(compose):
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_app_services_share_one_definition(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["build"] == "."
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert "deploy" not in services["beat"], "beat must never be scaled"


def test_commands_exist(compose):
    services = compose["services"]
    assert services["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]
    assert services["migrate"]["command"][2] in get_commands()
    assert "config.wsgi:application" in services["web"]["command"]
    assert (ROOT / "config" / "wsgi.py").exists()
    for name, sub in (("worker", "worker"), ("beat", "beat")):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "config"] and command[3] == sub
    assert (ROOT / "config" / "celery.py").exists()


def test_environment_names_are_documented(compose):
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    documented |= {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
    for service in compose["services"].values():
        for name in service.get("environment", {}):
            assert name in documented, f"{name} is not in .env.example"


def test_dockerfile_installs_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements/prod.lock" in dockerfile and (ROOT / "requirements/prod.lock").exists()
    assert "collectstatic" in dockerfile
