"""Screenshot pages of a running server at phone and desktop widths, logged in as given users.

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 --out screenshots \
        anonymous:/accounts/login/ d001:/deputy/ clerk:/admin/deputies/deputy/

Each argument is USER:PATH (USER ``anonymous`` for no login; others log in with the demo
password). Needs Debian's chromium and the ``playwright`` Python package (no browser download).
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shots", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--password", default="lvzhi2026")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--language", default="", help="e.g. en; empty keeps the default Chinese")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for shot in args.shots:
            user, path = shot.split(":", 1)
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                if args.language:
                    context.add_cookies(
                        [{"name": "django_language", "value": args.language, "url": args.base}]
                    )
                page = context.new_page()
                if user != "anonymous":
                    page.goto(f"{args.base}/accounts/login/")
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", args.password)
                    page.click("button[type=submit]")
                    page.wait_for_load_state()
                page.goto(f"{args.base}{path}")
                name = f"{user}{path}".strip("/").replace("/", "_") or user
                suffix = f"-{args.language}" if args.language else ""
                target = out / f"{name}-{label}{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
