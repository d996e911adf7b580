"""Start the whole system on a laptop: web, Celery worker and Celery beat, in one terminal.

Uses the embedded defaults (SQLite, Kombu's filesystem transport) unless the environment says
otherwise. Ctrl-C stops all three.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADDRESS = os.environ.get("LVZHI_RUN_ADDRESS", "127.0.0.1:8000")

PROCESSES = {
    "web": [sys.executable, "manage.py", "runserver", ADDRESS],
    "worker": [
        str(BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--concurrency=2",
        "--pool=threads",
    ],
    "beat": [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"],
}


def main() -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    children = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in PROCESSES.items()}
    print(f"lvzhi is running on http://{ADDRESS}/ (web, worker, beat). Ctrl-C stops all.")
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"{name} exited with code {child.returncode}; stopping the others.")
                    return child.returncode or 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    sys.exit(main())
