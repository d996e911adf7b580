"""Page benchmark: every page's p50/p95 against two floors, measured interleaved in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lvzhi_scale \\
        .venv/bin/python scripts/bench_pages.py --requests 200 --rounds 3 \\
        --small postgres://postgres@127.0.0.1:5432/lvzhi_bench

It runs against whatever data that database holds (``seed_demo`` for demo size,
``generate_scale_data`` for district scale). It starts gunicorn (``-w 2``) with the production
settings and the two floor pages of ``core.bench`` switched on, logs the demo roles in by
creating their sessions directly (``clerk``, ``d001``, ``unit01``, or the first user of each
role), then for each round runs ``hey`` once per page in turn, so a noisy moment of a shared
machine falls on every page alike. The two floors (the bare view and the trivial base page) are
measured right before every page, and a page's ratio to a floor is the median over rounds of its
p95 divided by the floor's p95 of that moment: a ratio of two whole-run medians moved with
whichever moment the floors happened to be measured in (the trivial page's p95 swung 9.5–13 ms
between runs on one machine). It prints, per page, the median over rounds of req/s, p50 and
p95, and those ratios.

Beside the latencies it counts the CPU a page costs: the time the gunicorn workers and the
PostgreSQL server's processes on this machine spent on a core while ``hey`` ran the page
(``/proc/<pid>/schedstat``), per request. Unlike p95, which on a shared 2-core machine moves by
up to 40 % between two runs, the CPU a request costs is the same whenever it is measured; its
ratio to the trivial page's (measured right before, like the p95 ratios) is the steadier view of
"what a page costs against the floor". Where the database runs elsewhere (its processes are not
on this machine) the figure is the workers' alone.

With ``--small`` a second database (demo size) gets its own gunicorn and every page is measured
on both, one right after the other, so "district ÷ demo" compares two figures taken under the
same conditions rather than two runs of different moments.

Before measuring it runs ``VACUUM (ANALYZE)`` on the database (``--no-vacuum`` skips it): a
production server runs autovacuum, but a database just filled by ``generate_scale_data`` on a
server without it has no planner statistics and no visibility map, so counts could not be read
from an index alone and the figures would describe a state production never is in.

Needs ``hey`` (Debian package ``hey``) and a PostgreSQL ``DATABASE_URL``.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Page:
    name: str
    role: str  # "staff", "deputy", "unit" or "" for anonymous
    path: str


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p95_ms: float
    non_200: int
    cpu_ms: float = float("nan")  # workers' and database's CPU per request


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process this machine shows."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # gone since the listing
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            found.append((int(entry), parent, name))
    return found


def serving_pids(server_pid: int) -> list[int]:
    """The gunicorn workers (children of the master ``server_pid``) and the PostgreSQL
    server's processes on this machine."""
    return [
        pid
        for pid, parent, name in _processes()
        if parent == server_pid or name == "postgres" or name.startswith("postgres:")
    ]


def cpu_ns(pids: list[int]) -> int:
    """Nanoseconds the processes ``pids`` have spent on a core (those still running)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(static_root: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_LOG_LEVEL="WARNING",
        LVZHI_BENCH_FLOORS="true",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def sessions_and_pages(env: dict[str, str]) -> tuple[dict[str, str], list[Page]]:
    """Log the three roles in (a session row each) and pick the pages to measure, in this
    process, against the same database the server uses."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from accounts.models import User
    from accounts.roles import Role

    def login(preferred: str, role: Role) -> str:
        user = User.objects.filter(username=preferred, is_active=True).first()
        if user is None:
            user = User.objects.filter(groups__name=role.value, is_active=True).first()
        if user is None:
            raise SystemExit(f"no active user with role {role.value}: seed the database first")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "core.user_backend.UserBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    cookies = {
        "staff": login("clerk", Role.STAFF),
        "deputy": login("d001", Role.DEPUTY),
        "unit": login("unit01", Role.HANDLING_UNIT),
    }
    pages = [
        Page("bare view", "", "/bench/bare"),
        Page("trivial base page", "deputy", "/bench/page"),
        Page("deputy dashboard", "deputy", reverse("deputies:dashboard")),
        Page("deputy ledger", "deputy", reverse("performance:my_ledger")),
        Page("deputy suggestions", "deputy", reverse("suggestions:mine")),
        Page("unit portal", "unit", reverse("suggestions:unit_home")),
        Page("staff desk (admin index)", "staff", reverse("admin:index")),
        Page("admin ledger entries", "staff", reverse("admin:performance_ledgerentry_changelist")),
        Page("admin suggestions", "staff", reverse("admin:suggestions_suggestion_changelist")),
        Page("admin deputies", "staff", reverse("admin:deputies_deputy_changelist")),
        Page("suggestion statistics", "staff", reverse("suggestions:staff_stats")),
        Page("staff suggestions page", "staff", reverse("suggestions:staff_home")),
        Page("deputy duties", "deputy", reverse("liaison:my_duties")),
        Page("deputy visits", "deputy", reverse("liaison:visits")),
        Page("staff opinion index", "staff", reverse("liaison:opinion_index")),
        Page("admin visits", "staff", reverse("admin:liaison_visit_changelist")),
        Page("admin opinions", "staff", reverse("admin:liaison_opinion_changelist")),
        Page("deputy training", "deputy", reverse("training:home")),
        Page("deputy learning archive", "deputy", reverse("training:archive")),
        Page("admin courses", "staff", reverse("admin:training_course_changelist")),
        Page("admin enrolments", "staff", reverse("admin:training_enrollment_changelist")),
        Page("staff cockpit", "staff", reverse("cockpit")),
        Page("unit scores report", "staff", reverse("suggestions:staff_scores")),
        Page("admin audit log", "staff", reverse("admin:core_auditevent_changelist")),
        Page("deputy standings", "deputy", reverse("performance:standings")),
        Page("deputy messages", "deputy", reverse("notifications")),
        Page("public stations", "", reverse("liaison:station_list")),
        Page("public stories", "", reverse("liaison:story_list")),
    ]
    # The public opinion form of the first active station (anonymous, as a resident scans it).
    from liaison.models import Station

    station_id = (
        Station.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True).first()
    )
    if station_id is not None:
        pages.append(
            Page(
                "public opinion form",
                "",
                reverse("liaison:opinion_station", kwargs={"station_id": station_id}),
            )
        )
    # The organisers' report of the course with the most enrolments this year.
    from django.db.models import Count

    from training.models import Course

    course_id = (
        Course.objects.annotate(n=Count("enrollments"))
        .order_by("-year", "-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if course_id is not None:
        pages.append(
            Page("course report", "staff", reverse("training:course_report", args=[course_id]))
        )
        # The same course as a deputy opens it (from a recommendation or the open list).
        pages.append(
            Page("deputy course page", "deputy", reverse("training:course", args=[course_id]))
        )
    return cookies, pages


def vacuum_analyze() -> None:
    """What autovacuum would have done on a production server (see the module's docstring)."""
    from django.db import connection

    connection.ensure_connection()
    connection.connection.autocommit = True  # VACUUM cannot run inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.close()


def run_hey(url: str, cookie: str, requests: int, concurrency: int) -> Sample:
    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-t", "60"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=900
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p: int) -> float:
        match = re.search(rf"\s{p}%% in ([\d.]+) secs".replace("%%", "%"), out)
        return float(match.group(1)) * 1000 if match else float("nan")

    codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    non_200 = sum(int(n) for code, n in codes.items() if code != "200")
    return Sample(rps, percentile(50), percentile(95), non_200)


def wait_until_up(base: str, process: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it answered; see its output above")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in time")


def prepare_in_child(env: dict[str, str], vacuum: bool) -> tuple[dict[str, str], list[Page]]:
    """Sessions and pages of the database in ``env``, from a child process: Django connects to
    one database per process, and a run may measure two."""
    command = [sys.executable, __file__, "--prepare"] + ([] if vacuum else ["--no-vacuum"])
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    return found["cookies"], [Page(**page) for page in found["pages"]]


def prepare_here(vacuum: bool) -> None:
    """The child's half of ``prepare_in_child``: prints the sessions and pages as JSON."""
    cookies, pages = sessions_and_pages(dict(os.environ))
    if vacuum:
        vacuum_analyze()
    json.dump({"cookies": cookies, "pages": [asdict(page) for page in pages]}, sys.stdout)


@dataclass
class Target:
    """One database under measurement: its gunicorn, sessions and pages (by name)."""

    label: str
    base: str
    server: subprocess.Popen
    cookies: dict[str, str]
    pages: dict[str, Page]


def start(label: str, env: dict[str, str], args) -> Target:
    cookies, pages = prepare_in_child(env, vacuum=not args.no_vacuum)
    if args.only:
        pages = pages[:2] + [p for p in pages[2:] if args.only in p.name]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "config.wsgi", "-w", str(args.workers)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    wait_until_up(base, server)
    return Target(label, base, server, cookies, {page.name: page for page in pages})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page per round")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM (ANALYZE) first")
    parser.add_argument(
        "--small",
        metavar="DATABASE_URL",
        default="",
        help="a demo-size database measured in the same run, page by page (growth column)",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare_here(vacuum=not args.no_vacuum)
        return

    urls = [os.environ.get("DATABASE_URL", ""), *([args.small] if args.small else [])]
    if not all(url.startswith("postgres") for url in urls):
        raise SystemExit("set DATABASE_URL (and --small) to the PostgreSQL databases to measure")
    if shutil.which("hey") is None:
        raise SystemExit("hey is missing: apt-get install hey")

    static_root = tempfile.mkdtemp(prefix="lvzhi-bench-static-")
    env = server_env(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    targets: list[Target] = []
    try:
        for label, url in zip(("large", "small"), urls, strict=False):
            targets.append(start(label, {**env, "DATABASE_URL": url}, args))
        names = [n for n in targets[0].pages if all(n in t.pages for t in targets)]
        samples = {(t.label, n): [] for t in targets for n in names}
        for target in targets:  # warm every worker's caches once, unmeasured
            for name in names:
                page = target.pages[name]
                run_hey(target.base + page.path, target.cookies.get(page.role, ""), 20, 4)
        floors = names[:2]
        paired = {(floor, n): [] for floor in floors for n in names[2:]}
        large = targets[0]

        def measure(target: Target, name: str) -> Sample:
            page = target.pages[name]
            pids = serving_pids(target.server.pid)
            before = cpu_ns(pids)
            sample = run_hey(
                target.base + page.path,
                target.cookies.get(page.role, ""),
                args.requests,
                args.concurrency,
            )
            sample.cpu_ms = (cpu_ns(pids) - before) / args.requests / 1e6
            return sample

        for round_number in range(1, args.rounds + 1):
            for name in names[2:]:
                # Both floors right before the page, on the district database's server: the
                # page's ratios compare figures taken at the same moment of a shared machine.
                for floor in floors:
                    sample = measure(large, floor)
                    samples[large.label, floor].append(sample)
                    paired[floor, name].append(sample)
                for target in targets:  # the page on every database in turn
                    samples[target.label, name].append(measure(target, name))
            print(f"round {round_number}/{args.rounds} done", file=sys.stderr)
    finally:
        for target in targets:
            target.server.terminate()
            target.server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
    report(samples, paired, names, small=bool(args.small), args=args)


def report(samples, paired, names: list[str], *, small: bool, args) -> None:
    """Medians over rounds; a page's "× bare" and "× trivial" are the medians of its ratios to
    the floors measured right before it in each round, not ratios of whole-run medians."""

    def median(label: str, name: str, attr: str = "p95_ms") -> float:
        return statistics.median(getattr(s, attr) for s in samples[label, name])

    def ratio(name: str, floor: str, attr: str = "p95_ms") -> float:
        if name == floor:
            return 1.0
        if name in names[:2]:  # the trivial page against the bare view: every pair of a round
            pairs = [
                getattr(t, attr) / getattr(b, attr)
                for n in names[2:]
                for b, t in zip(paired[names[0], n], paired[names[1], n], strict=True)
            ]
            if floor == names[0]:
                return statistics.median(pairs)
            return statistics.median(1 / r for r in pairs)
        large = samples["large", name]
        return statistics.median(
            getattr(page, attr) / getattr(before, attr)
            for page, before in zip(large, paired[floor, name], strict=True)
        )

    bare, trivial = names[:2]
    print(
        f"\n{args.rounds} rounds × {args.requests} requests, concurrency {args.concurrency}, "
        f"gunicorn -w {args.workers}; medians over rounds; the floors measured before every "
        "page (their p95 is the median of all those runs)\n"
    )
    if small:
        print(
            "| page | small p95 ms | large p95 ms | large ÷ small | large × bare "
            "| large × trivial | large CPU ms | CPU × trivial | non-200 |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in names:
            p95 = median("large", name)
            if name in (bare, trivial):  # measured on the district database only
                s_p95, growth = float("nan"), float("nan")
            else:
                s_p95 = median("small", name)
                growth = statistics.median(
                    large.p95_ms / small_.p95_ms
                    for large, small_ in zip(
                        samples["large", name], samples["small", name], strict=True
                    )
                )
            errors = sum(s.non_200 for label in ("large", "small") for s in samples[label, name])
            print(
                f"| {name} | {s_p95:.1f} | {p95:.1f} | {growth:.2f} | {ratio(name, bare):.1f} "
                f"| {ratio(name, trivial):.1f} | {median('large', name, 'cpu_ms'):.2f} "
                f"| {ratio(name, trivial, 'cpu_ms'):.1f} | {errors} |"
            )
        return
    print(
        "| page | req/s | p50 ms | p95 ms | p95 × bare | p95 × trivial | CPU ms "
        "| CPU × trivial | non-200 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        errors = sum(s.non_200 for s in samples["large", name])
        print(
            f"| {name} | {median('large', name, 'rps'):.0f} "
            f"| {median('large', name, 'p50_ms'):.1f} "
            f"| {median('large', name):.1f} | {ratio(name, bare):.1f} "
            f"| {ratio(name, trivial):.1f} | {median('large', name, 'cpu_ms'):.2f} "
            f"| {ratio(name, trivial, 'cpu_ms'):.1f} | {errors} |"
        )


if __name__ == "__main__":
    main()
