"""The page instruction counter (``scripts/count_pages.py``): a block of a process run under
callgrind is counted into a labelled dump, and the same work counts the same."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.core.scripts import SCRIPTS, load_script

# Counts a block doing `n` units of work, under a label; run under callgrind.
WORKER = """
import sys
sys.path.insert(0, {scripts!r})
from count_pages import counted
for label, n in (("p_0", 20000), ("p_1", 40000), ("p_2", 20000)):
    with counted(label):
        sum(i * i for i in range(n))
"""


@pytest.fixture(scope="module")
def counter():
    return load_script("count_pages")


@pytest.mark.skipif(not shutil.which("valgrind"), reason="needs valgrind")
def test_blocks_are_counted_into_labelled_dumps_and_repeat_exactly(counter, tmp_path):
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER.format(scripts=str(SCRIPTS)))
    (tmp_path / "names0.json").write_text(json.dumps({"p_0": "one", "p_1": "two", "p_2": "again"}))
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={tmp_path}/cg0.%p",
            sys.executable,
            str(worker),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    counts = counter.read_dumps(tmp_path, requests=1)
    assert counts.keys() == {"one", "two", "again"}
    assert (
        abs(counts["again"] - counts["one"]) < 0.01 * counts["one"]
    )  # the same work, the same count
    assert 1.6 < counts["two"] / counts["one"] < 2.2  # twice the work, about twice the count


def test_dumps_without_a_known_label_are_left_out(counter, tmp_path):
    (tmp_path / "names1.json").write_text(json.dumps({"p_0": "page"}))
    (tmp_path / "cg1.10.1").write_text("desc: Trigger: dump p_0\nsummary: 0\ntotals: 3000\n")
    (tmp_path / "cg1.10.2").write_text("desc: Trigger: Program termination\ntotals: 99\n")
    assert counter.read_dumps(tmp_path, requests=10) == {"page": 300.0}
