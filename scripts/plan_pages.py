"""How many rows each statement of each benchmark page reads, at demo size and at district
size, as PostgreSQL runs it: the check that a page's cost is flat in the data, statement by
statement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lvzhi_scale \\
        .venv/bin/python scripts/plan_pages.py --small postgres://postgres@127.0.0.1:5432/lvzhi_bench

Each page of ``bench_pages.py`` (same list, roles and sessions, production settings) is
requested once to fill the process's memos, then once more with every statement caught. Each
statement is run again under ``EXPLAIN (ANALYZE)``, as the page runs it: a kept statement
(``core.compiled.run_kept``) is a prepared statement whose ids are parameters, which
PostgreSQL runs with a *generic* plan from its sixth execution on, a plan made without
knowing the ids. A generic plan can read a whole table where the plan for one deputy's id
reads a few rows (the planner's guess for "rows of this user" is the table's average, and a
column where half the rows hold one value makes that guess large), so kept statements are
explained with ``plan_cache_mode = force_generic_plan``; the others as sent.

For every statement the script adds up the rows its plan's scans read (rows returned plus
rows removed by a filter or a recheck, times loops) and prints, per page, the statements
whose rows read at district size are more than ``--ratio`` times their rows read at demo size
and more than ``--floor`` rows: the statements whose work grows with the data. ``--all``
prints every statement, ``--plans`` outlines the plans of those that grow. Statements are
matched by their place in the page (query counts are the same at both sizes: tested).

What it flagged on 6 December (after the fixes it led to): the counts some pages show (the
staff desk's and the cockpit's cards, the unit portal's and the staff suggestions page's
counts by status), each read through an index and growing with what it counts, not with the
rest of the data; and admin opinions' station names (a table of ~100 rows, scanned per row
of the page as the planner prefers for so small a table).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 7


def audit_here(spec: dict) -> list[dict]:
    """The child: every page's statements and the rows their plans read, in this database."""
    from django.db import connection
    from django.test import Client

    from core.plans import caught_statements, explained, plan_lines, planned, rows_read

    found = []
    for name, role, path in spec["pages"]:
        client = Client(HTTP_HOST="127.0.0.1")
        if role:
            client.cookies["sessionid"] = spec["cookies"][role]
        # PostgreSQL settles a prepared statement's plan after its fifth run.
        for _ in range(WARM_UP):
            if client.get(path).status_code != 200:
                raise SystemExit(f"{name} ({path}) did not answer 200")
        with caught_statements() as caught:
            client.get(path)
        with connection.cursor() as cursor:
            plans = planned(cursor)
        for index, ((sql, _params, kept), plan) in enumerate(
            zip(caught, explained(caught), strict=True)
        ):
            found.append(
                {
                    "page": name,
                    "index": index,
                    "kept": kept,
                    "replanned": kept and plans.get(sql) == "custom",
                    "sql": " ".join(sql.split())[:160],
                    "ms": plan.get("Execution Time", 0.0),
                    "read": rows_read(plan["Plan"]),
                    "plan": plan_lines(plan["Plan"]),
                }
            )
    return found


def child(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(json.dumps(audit_here(spec)))


def sessions() -> None:
    """A child: the roles logged in and the pages picked in ``DATABASE_URL``'s database
    (each database has its own sessions, and ids in paths differ), printed as JSON."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pages import sessions_and_pages

    cookies, pages = sessions_and_pages({})
    pages = [[p.name, p.role, p.path] for p in pages if p.path != "/bench/bare"]
    print(json.dumps([cookies, pages]))


def audit(database_url: str, spec_file: Path, env: dict[str, str]) -> list[dict]:
    run = subprocess.run(
        [sys.executable, __file__, "--child", str(spec_file)],
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise SystemExit(run.stderr[-3000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def report(big: list[dict], small: list[dict], args) -> None:
    smalls = {(s["page"], s["index"]): s for s in small}
    print(
        f"{'page':28s} {'#':>2s} {'kept':4s} {'demo rows':>9s} {'district':>9s} "
        f"{'demo ms':>7s} {'dist ms':>7s}  biggest read (district) / statement"
    )
    flagged = 0
    for row in big:
        other = smalls.get((row["page"], row["index"]))
        demo = sum(other["read"].values()) if other else 0
        district = sum(row["read"].values())
        grows = district > args.floor and district > args.ratio * max(demo, 1)
        flagged += grows
        if not (grows or args.all):
            continue
        relation, most = max(row["read"].items(), key=lambda kv: kv[1], default=("-", 0))
        print(
            f"{row['page'][:28]:28s} {row['index']:2d} {'yes' if row['kept'] else 'no':4s} "
            f"{demo:9d} {district:9d} {other['ms'] if other else 0:7.2f} {row['ms']:7.2f}  "
            f"{relation} {most}{'  GROWS' if grows and args.all else ''}\n"
            f"{'':30s}{row['sql'][:150]}"
        )
        if args.plans and grows:
            print("\n".join(f"{'':32s}{line}" for line in row["plan"]))
    print(
        f"\n{flagged} of {len(big)} statements read more than {args.ratio}× their demo rows "
        f"and more than {args.floor} rows at district size."
    )
    replanned = [row for row in big if row["replanned"]]
    print(
        f"{len(replanned)} of {sum(row['kept'] for row in big)} kept statements are planned "
        "again on every run at district size (PostgreSQL found no generic plan as cheap):"
    )
    for row in replanned:
        print(f"  {row['page'][:28]:28s} {row['index']:2d}  {row['sql'][:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", required=False, help="the demo-size database's URL")
    parser.add_argument("--ratio", type=float, default=2.0)
    parser.add_argument("--floor", type=int, default=500)
    parser.add_argument("--all", action="store_true", help="print every statement")
    parser.add_argument("--plans", action="store_true", help="outline the growing ones' plans")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="these pages only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sessions", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.sessions:
        sessions()
        return
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pages import server_env

    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, **server_env(str(Path(work) / "static"))}
        env["DJANGO_ALLOWED_HOSTS"] = env.get("DJANGO_ALLOWED_HOSTS", "") + ",testserver"
        specs = {}
        for label, url in (("district", os.environ["DATABASE_URL"]), ("demo", args.small)):
            if not url:
                continue
            prep = subprocess.run(
                [sys.executable, __file__, "--sessions"],
                env={**env, "DATABASE_URL": url},
                capture_output=True,
                text=True,
                check=True,
            )
            cookies, pages = json.loads(prep.stdout.strip().splitlines()[-1])
            chosen = [p for p in pages if not args.only or p[0] in args.only]
            spec_file = Path(work) / f"{label}.json"
            spec_file.write_text(json.dumps({"cookies": cookies, "pages": chosen}))
            specs[label] = audit(url, spec_file, env)
        report(specs["district"], specs.get("demo", []), args)


if __name__ == "__main__":
    main()
