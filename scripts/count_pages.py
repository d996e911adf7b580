"""What each page of the benchmark costs in machine instructions, counted by valgrind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lvzhi_scale \\
        .venv/bin/python scripts/count_pages.py [--requests 10] [--only NAME ...]

``bench_pages.py`` measures time under load, and on a shared two-core machine a page's p95
moves by up to 40 % between two runs, its CPU per request by up to 25 %: a change worth 2 % of
a page cannot be seen there, nor can whether a page near 3× the trivial page is above or below.
This script serves the same pages (the same list, roles and sessions, production settings,
the WSGI handler gunicorn serves) in processes run under valgrind's callgrind, and counts the
instructions the application's process executes per request: the same count on every run,
whatever else the machine is doing (two runs of one tree differ by well under 1 %). The
database server's own work is not in it (``bench_pages.py`` shows that), so the figure is
"what the Python side of a page costs", and its ratio to the trivial page's is the steady view
of the target "every page within 3× the trivial page".

Each page is requested five times first (the process's memos and the kept parts filled, as
on a server that has been up for a while), then ``--requests`` times counted. Pages are shared
between ``--jobs`` processes (valgrind runs a program ~50× slower: about a minute and a half
for every page at district scale with two). Needs Debian's ``valgrind`` and a PostgreSQL
``DATABASE_URL``.

``--day YYYY-MM-DD`` serves the pages as on that day (the processes' clock moved there by
``time-machine``): a page's rows may depend on the season (at the start of the year most of
the year's courses are still open to join, in December few), and its cost should not.
"""

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 5


def counted_pages(args) -> None:
    """The parent: log the roles in, collect the static files, run the counting processes
    under callgrind and print what they counted."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pages import server_env, sessions_and_pages

    with tempfile.TemporaryDirectory() as work:
        env = server_env(str(Path(work) / "static"))
        cookies, pages = sessions_and_pages(env)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        chosen = [
            p
            for p in pages
            if not args.only or p.name in args.only or p.name == "trivial base page"
        ]
        spec = {"cookies": cookies, "pages": [[p.name, p.role, p.path] for p in chosen]}
        shares = [chosen[i :: args.jobs] for i in range(args.jobs)]
        children = []
        for n, share in enumerate(s for s in shares if s):
            spec_file = Path(work) / f"spec{n}.json"
            spec_file.write_text(
                json.dumps({**spec, "pages": [[p.name, p.role, p.path] for p in share]})
            )
            out = Path(work) / f"cg{n}"
            command = [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}.%p",
                sys.executable,
                __file__,
                "--child",
                str(spec_file),
                "--requests",
                str(args.requests),
                *(["--day", args.day.isoformat()] if args.day else []),
            ]
            child_env = {**env, "PYTHONHASHSEED": "0"}
            children.append(subprocess.Popen(command, env=child_env, stderr=subprocess.DEVNULL))
        if any(child.wait() for child in children):
            raise SystemExit("a counting process failed")
        counts = read_dumps(Path(work), args.requests)
    trivial = counts.get("trivial base page")
    print(f"{'page':34s} {'instructions':>14s} {'× trivial':>10s}")
    for page in chosen:
        count = counts[page.name]
        ratio = f"{count / trivial:10.2f}" if trivial else f"{'–':>10s}"
        print(f"{page.name:34s} {count / 1e6:12.2f} M {ratio}")


def read_dumps(work: Path, requests: int) -> dict[str, float]:
    """``{page name: instructions per request}`` from the callgrind dumps, each named after the
    page it counted (``callgrind_control --dump=<index>``) and labelled in ``names.json``."""
    names = {}
    for labels in work.glob("names*.json"):
        names.update(json.loads(labels.read_text()))
    counts = {}
    for dump in work.glob("cg*.*.*"):
        text = dump.read_text(errors="replace")
        label = re.search(r"^desc: Trigger: dump (\S+)", text, re.M)
        total = re.search(r"^totals: (\d+)", text, re.M)
        if label and total and label.group(1) in names:
            counts[names[label.group(1)]] = int(total.group(1)) / requests
    return counts


def count_in_this_process(spec_file: str, requests: int, day: str | None = None) -> None:
    """A child, under callgrind with instrumentation off: each page warmed up, then counted
    between ``callgrind_control`` switching instrumentation on and off, and dumped; on
    ``day``, at 10:00 committee time, when given."""
    if day:
        import time_machine

        with time_machine.travel(f"{day} 10:00 +08:00", tick=True):
            _count_pages(spec_file, requests)
    else:
        _count_pages(spec_file, requests)


def _count_pages(spec_file: str, requests: int) -> None:
    spec = json.loads(Path(spec_file).read_text())
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from config.wsgi import application

    def request(role: str, path: str) -> str:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        if role:
            environ["HTTP_COOKIE"] = f"sessionid={spec['cookies'][role]}"
        status = []
        for _ in application(environ, lambda s, headers, exc_info=None: status.append(s)):
            pass
        return status[0]

    names = {}
    for index, (name, role, path) in enumerate(spec["pages"]):
        statuses = {request(role, path) for _ in range(WARM_UP)}
        if statuses != {"200 OK"}:
            raise SystemExit(f"{name} ({path}) answered {statuses}")
        label = f"p{os.getpid()}_{index}"
        names[label] = name
        with counted(label):
            for _ in range(requests):
                request(role, path)
    Path(spec_file).with_name(f"names{os.getpid()}.json").write_text(json.dumps(names))


@contextlib.contextmanager
def counted(label: str):
    """Count this process's instructions inside the block, into a callgrind dump labelled
    ``label`` (the process runs under callgrind with ``--instr-atstart=no``)."""
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", pid], check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["callgrind_control", "--instr=off", pid], check=True, capture_output=True)
        subprocess.run(
            ["callgrind_control", f"--dump={label}", pid], check=True, capture_output=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10, help="counted requests per page")
    parser.add_argument("--jobs", type=int, default=2, help="counting processes")
    parser.add_argument(
        "--only", nargs="*", metavar="NAME", help="these pages (and the trivial one)"
    )
    parser.add_argument("--day", type=date.fromisoformat, help="serve as on this day")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        count_in_this_process(args.child, args.requests, args.day and args.day.isoformat())
    else:
        counted_pages(args)


if __name__ == "__main__":
    main()
