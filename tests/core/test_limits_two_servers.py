"""Two real server processes (gunicorn, one worker each, the same database and the same shared
cache) hold one limit between them: a client posting alternately to both, past the limit, gets
exactly the limit accepted on the public rating page and on the residents' opinion page, not
twice it, and 429 with Retry-After for the rest.

The servers read the database this test wrote: on PostgreSQL the test database itself; on
SQLite (in memory for the suite, invisible to another process) a file copied from it with
SQLite's backup. The shared cache is the database cache table of that database, and Redis
(db 12) too when a Redis answers on 127.0.0.1:6379."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from liaison.models import Opinion
from suggestions.models import PublicRating
from tests.deputies.factories import CommunityFactory
from tests.suggestions import helpers
from tests.suggestions.factories import CategoryFactory

from .test_ratelimit import redis_available

LIMIT = 3
ATTEMPTS = 7
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """A URL another process can open for the data this test committed."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return (
            f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
    if connection.vendor != "sqlite":
        pytest.skip(f"no copy for {connection.vendor}")
    connection.ensure_connection()
    path = tmp_path / "servers.sqlite3"
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{path}"


class Server:
    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def request(url: str, data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


def post_form(server: Server, path: str, fields: dict, client: str) -> tuple[int, str]:
    """GET the form for a CSRF cookie and token (a new client each time: no device cookie),
    then POST it. ``client`` is the address the trusted proxy would have seen."""
    proxy = {"X-Forwarded-For": client}
    status, headers, page = request(server.base + path, headers=proxy)
    assert status == 200, page[:500]
    cookies = " ".join(headers.get_all("Set-Cookie") or [])
    cookie = re.search(r"csrftoken=([^;]+)", cookies).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _page = request(
        server.base + path,
        {**fields, "csrfmiddlewaretoken": token},
        {**proxy, "Cookie": f"csrftoken={cookie}"},
    )
    return status, headers.get("Retry-After", "")


@pytest.fixture(params=["database", "redis"])
def shared_cache_url(request):
    if request.param == "database":
        return ""
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/12"


@pytest.mark.django_db(transaction=True)
def test_two_servers_hold_one_limit(tmp_path, shared_cache_url):
    suggestion = helpers.replied()
    category, community = CategoryFactory(), CommunityFactory()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(tmp_path),
        "SHARED_CACHE_URL": shared_cache_url,
        "CACHE_URL": "",
        "LVZHI_SUGGESTIONS_RATINGS_PER_HOUR": str(LIMIT),
        "LVZHI_OPINIONS_PER_HOUR": str(LIMIT),
        "LVZHI_SUGGESTIONS_RATINGS_PER_SUGGESTION_HOUR": "100",
        "LVZHI_TRUSTED_PROXY_HOPS": "1",
        "PYTHONPATH": str(ROOT),
    }
    # One client address of its own per run (the proxy's header), so a Redis shared with
    # other runs holds no count of this one.
    client = f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    servers = [Server(env, tmp_path / f"server-{n}.log") for n in range(2)]
    try:
        deadline = time.monotonic() + 25
        for server in servers:
            server.wait(deadline)
        ratings, opinions = [], []
        for n in range(ATTEMPTS):
            server = servers[n % 2]
            ratings.append(
                post_form(
                    server,
                    f"/suggestions/rate/{suggestion.public_token}/",
                    {"score": "0"},
                    client,
                )
            )
            opinions.append(
                post_form(
                    servers[(n + 1) % 2],
                    "/liaison/opinion/",
                    {
                        "category": category.pk,
                        "community": community.pk,
                        "description": f"路灯坏了（第 {n} 次）",
                        "consent": "on",
                    },
                    client,
                )
            )
    finally:
        for server in servers:
            server.stop()
    for answers in (ratings, opinions):
        statuses = [status for status, _headers in answers]
        assert statuses.count(200) == LIMIT, statuses
        assert statuses.count(429) == ATTEMPTS - LIMIT, statuses
        assert all(int(retry) >= 1 for status, retry in answers if status == 429)
    if connection.vendor == "postgresql":  # the servers wrote to this very database
        assert PublicRating.objects.filter(suggestion=suggestion).count() == LIMIT
        assert Opinion.objects.count() == LIMIT
