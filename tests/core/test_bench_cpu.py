"""The page benchmark's CPU count (``scripts/bench_pages.py``): the serving processes are the
server's children, and their time on a core is read from ``/proc``."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.scripts import load_script

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/schedstat").exists(), reason="needs Linux's /proc schedstat"
)


@pytest.fixture(scope="module")
def bench():
    return load_script("bench_pages")


def test_a_busy_child_is_counted_and_an_idle_one_barely(bench):
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # killed below
    idle = subprocess.Popen(["sleep", "30"])  # killed below
    try:
        pids = bench.serving_pids(os.getpid())
        assert busy.pid in pids and idle.pid in pids
        start = {pid: bench.cpu_ns([pid]) for pid in (busy.pid, idle.pid)}
        time.sleep(0.5)
        busy_ns = bench.cpu_ns([busy.pid]) - start[busy.pid]
        idle_ns = bench.cpu_ns([idle.pid]) - start[idle.pid]
        assert busy_ns > 0.05e9  # of half a second, even on a crowded machine
        assert idle_ns < 0.02e9
    finally:
        busy.kill()
        idle.kill()
        busy.wait()
        idle.wait()


def test_a_process_gone_counts_nothing(bench):
    gone = subprocess.Popen(["true"])
    gone.wait()
    assert bench.cpu_ns([gone.pid]) == 0
