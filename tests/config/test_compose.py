"""No Docker engine runs here, so check what can be checked: the compose file's commands and
environment refer to things that exist in the project."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
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


# --- the reverse proxy (issue #11, item 6) ---

NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def _directives(conf: str) -> list[str]:
    """The config's directives, one per entry, comments dropped."""
    text = re.sub(r"#[^\n]*", "", conf)
    return [" ".join(part.split()) for part in re.split(r"[;{}]", text) if part.strip()]


def test_only_the_proxy_is_published_beyond_loopback(compose):
    """gunicorn's port is bound to the host's loopback: from outside, every request comes
    through nginx, so the forwarded headers the app trusts are always nginx's."""
    services = compose["services"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    for name, service in services.items():
        if name == "nginx":
            continue
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_nginx_service_proxies_to_web(compose):
    nginx = compose["services"]["nginx"]
    assert nginx["image"].startswith("nginx:")
    assert set(nginx["ports"]) == {"80:80", "443:443"}
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "web" in nginx["depends_on"]
    # The app counts nginx as the one trusted proxy (production settings then believe
    # X-Forwarded-Proto; the rate limits read the last X-Forwarded-For entry).
    for name in ("web", "worker", "beat", "migrate"):
        hops = compose["services"][name]["environment"]["LVZHI_TRUSTED_PROXY_HOPS"]
        assert hops == "${LVZHI_TRUSTED_PROXY_HOPS:-1}"


def test_nginx_config_forwards_and_serves_nothing(compose):
    directives = _directives(NGINX_CONF.read_text())
    # nginx's upstream is the port gunicorn binds inside the web container.
    assert "0.0.0.0:8000" in compose["services"]["web"]["command"]
    assert "server web:8000" in directives
    assert "proxy_pass http://lvzhi_web" in directives
    assert "proxy_set_header X-Forwarded-Proto $scheme" in directives
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for" in directives
    assert "proxy_set_header Host $host" in directives
    assert "return 301 https://$host$request_uri" in directives  # port 80 only redirects
    served = [d for d in directives if d.split()[0] in ("root", "alias", "autoindex", "try_files")]
    assert served == [], "the proxy must not serve files (uploads go through the app's views)"
    assert [d for d in directives if d.startswith("location")] == ["location /"]


def test_nginx_lets_the_app_refuse_oversized_uploads():
    """A submission over the app's per-request budget must reach the app, which answers with a
    message on the field; nginx's own 413 page would lose the form."""
    (size,) = re.findall(r"client_max_body_size (\d+)m;", NGINX_CONF.read_text())
    assert int(size) >= settings.LVZHI_UPLOAD_MAX_PER_REQUEST_MB + 5


def _nginx_version() -> tuple[int, ...]:
    banner = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr
    return tuple(int(n) for n in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", banner).groups())


@pytest.mark.skipif(
    shutil.which("nginx") is None or shutil.which("openssl") is None,
    reason="nginx or openssl is not installed here",
)
def test_nginx_accepts_the_config(tmp_path):
    """``nginx -t`` on the config as the container would load it (inside ``http {}``), with a
    throw-away certificate and gunicorn's address in place of the compose host name, which
    only resolves on the compose network."""
    key, cert = str(tmp_path / "privkey.pem"), str(tmp_path / "fullchain.pem")
    self_signed = [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
    ]
    subprocess.run(
        ["openssl", *self_signed, "-keyout", key, "-out", cert],
        check=True,
        capture_output=True,
    )
    site = NGINX_CONF.read_text().replace("server web:8000;", "server 127.0.0.1:8000;")
    site = site.replace("/etc/nginx/certs/", f"{tmp_path}/")
    if _nginx_version() < (1, 25, 1):  # `http2 on` is newer than Debian's nginx; the image has it
        site = site.replace("    http2 on;\n", "")
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("proxy", "fastcgi"))
    temp += f" uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;"
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log stderr; events {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; {temp}\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
