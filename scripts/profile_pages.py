"""Where a page's time goes, in process: time per request, queries, SQL time and size, and
optionally a cProfile listing or each query with its time (``--sql``). Complements
``bench_pages.py`` (which measures over HTTP under load): use this one to find what to change,
that one to show the result.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lvzhi_scale \\
        .venv/bin/python scripts/profile_pages.py --requests 20 \\
        deputy:/bench/page deputy:/deputy/ staff:/admin/performance/ledgerentry/

Each page is ``role:path`` (role ``staff``, ``deputy``, ``unit`` or ``anonymous``; the demo
users ``clerk``, ``d001`` and ``unit01``, else the first user of the role). Runs with the
production settings (cached templates, no debug), static files collected into a temporary
folder; ``/bench/page`` (the trivial base page) is the reference to compare with.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(static_root: str) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pages import server_env  # the same production settings the benchmark serves

    os.environ.update(server_env(static_root))
    os.environ["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def clients():
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role

    preferred = {"staff": ("clerk", Role.STAFF), "deputy": ("d001", Role.DEPUTY)}
    preferred["unit"] = ("unit01", Role.HANDLING_UNIT)
    found = {"anonymous": Client(HTTP_HOST="127.0.0.1", secure=True)}
    for role, (username, group) in preferred.items():
        user = User.objects.filter(username=username, is_active=True).first()
        user = user or User.objects.filter(groups__name=group.value, is_active=True).first()
        if user is not None:
            found[role] = Client(HTTP_HOST="127.0.0.1", secure=True)
            found[role].force_login(user)
    return found


def measure(client, path: str, requests: int) -> tuple[float, list[dict], int]:
    """(ms per request, the process's CPU ms per request, the queries of one request, response
    bytes) after warming requests. The CPU time leaves out the database server's work and
    the time other processes held the cores: on a busy machine, the steadier figure."""
    from django.db import connection

    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    for _ in range(8):  # PostgreSQL plans a prepared statement for good from its sixth run
        client.get(path)
    queries: list[dict] = []

    def timed(execute, sql, params, many, context):
        # Django's own log rounds to the millisecond; most of these queries take less.
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append({"sql": sql, "time": time.perf_counter() - started})

    with connection.execute_wrapper(timed):
        client.get(path)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(requests):
        client.get(path)
    elapsed = (time.perf_counter() - started) / requests * 1000
    cpu = (time.process_time() - cpu_started) / requests * 1000
    return elapsed, cpu, queries, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="role:path")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print a cProfile listing")
    parser.add_argument("--top", type=int, default=40, help="rows of the listing")
    parser.add_argument("--sql", action="store_true", help="print each query and its time")
    parser.add_argument("--sql-width", type=int, default=400, help="characters of each query")
    parser.add_argument("--sort", default="cumulative", help="the listing's order (tottime, ...)")
    parser.add_argument(
        "--save", metavar="PATH", help="with --profile: also write each page's profile (pstats)"
    )
    parser.add_argument(
        "--callees", metavar="PATTERN", help="with --profile: what the matching functions call"
    )
    parser.add_argument(
        "--callers", metavar="PATTERN", help="with --profile: what calls the matching functions"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lvzhi-profile-static-") as static_root:
        setup(static_root)
        by_role = clients()
        print(
            f"{'page':55} {'role':9} {'ms':>7} {'CPU ms':>7} {'queries':>7} {'SQL ms':>7} {'KB':>5}"
        )
        saved: list[str] = []
        for page in args.pages:
            role, _, path = page.partition(":")
            if role not in by_role:
                raise SystemExit(f"no user for role {role!r}")
            ms, cpu, queries, size = measure(by_role[role], path, args.requests)
            sql_ms = sum(float(query["time"]) for query in queries) * 1000
            print(
                f"{path:55} {role:9} {ms:7.1f} {cpu:7.1f} {len(queries):7d} {sql_ms:7.1f}"
                f" {size // 1024:5d}"
            )
            if args.sql:
                for query in queries:
                    print(
                        f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][: args.sql_width]}"
                    )
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.requests):
                    by_role[role].get(path)
                profiler.disable()
                if args.save:  # one file per page: the path, numbered from the second page on
                    suffix = f".{len(saved)}" if saved else ""
                    profiler.dump_stats(f"{args.save}{suffix}")
                    saved.append(path)
                stats = pstats.Stats(profiler).sort_stats(args.sort)
                if args.callees:
                    stats.print_callees(args.callees)
                elif args.callers:
                    stats.print_callers(args.callers)
                else:
                    stats.print_stats(args.top)


if __name__ == "__main__":
    main()
