"""Killed and interrupted runs with real processes: no worker outlives its run, nothing is left
behind (issue 17.10 and 17.11). Timings are measured in benchmarks/interrupts.py, not here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
pytestmark = pytest.mark.slow


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def staging(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.campsim-"))


def start(out: Path, *extra: str) -> subprocess.Popen:
    argv = [sys.executable, "-m", "campsim", "run", str(RAMADI), "-n", "2000", "-j", "2", "--out", str(out), "-q"]
    # preexec: a shell's background job ignores SIGINT, and its children would inherit that
    return subprocess.Popen([*argv, *extra], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=default_sigint)  # fmt: skip


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition, what: str, child: subprocess.Popen, limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert child.poll() is None, f"the run ended before {what}: {child.stderr.read()}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)


def survivors(pids: list[int], limit_s: float = 10) -> list[int]:
    """The processes among pids still alive once they have had limit_s to go."""
    deadline = time.monotonic() + limit_s
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    for pid in left:  # do not leave them to the rest of the test session
        os.kill(pid, signal.SIGKILL)
    return left


def rerun(out: Path) -> None:
    argv = [sys.executable, "-m", "campsim", "run", str(RAMADI), "--out", str(out), "-q", "--no-charts"]
    assert subprocess.run(argv, env=ENV, capture_output=True).returncode == 0


def test_kill_9_during_replications_takes_the_workers_with_it(tmp_path):
    out = tmp_path / "report"
    child = start(out, "--no-charts")
    wait_for(lambda: len(children(child.pid)) == 2, "two replication workers", child)
    workers = children(child.pid)
    child.kill()
    child.communicate(timeout=60)  # the workers held its pipes open: this returns only once they are gone
    assert survivors(workers) == []


def test_kill_9_while_writing_the_report_leaves_nothing_after_the_next_run(tmp_path):
    out = tmp_path / "report"
    child = start(out)
    # the report is being written and its charts render in worker processes
    wait_for(lambda: staging(out) and len(children(child.pid)) >= 1, "chart workers", child)
    workers = children(child.pid)
    child.kill()
    child.communicate(timeout=60)
    assert survivors(workers) == []
    assert staging(out) != []  # what kill -9 leaves: nothing can run in the killed process
    rerun(out)
    assert staging(out) == [] and (out / "summary.json").is_file()


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_charts_render_stops_their_workers(tmp_path, sig, status):
    out = tmp_path / "report"
    rerun(out)
    before = (out / "summary.json").read_bytes()
    child = start(out)
    wait_for(lambda: staging(out) and len(children(child.pid)) >= 1, "chart workers", child)
    workers = children(child.pid)
    child.send_signal(sig)  # to the run only: its workers are stopped by the run, not by the signal
    _, err = child.communicate(timeout=60)
    assert child.returncode == status, err
    assert b"Traceback" not in err
    assert survivors(workers) == []
    assert (out / "summary.json").read_bytes() == before and staging(out) == []


def test_sigterm_during_replications_stops_the_workers_and_writes_nothing(tmp_path):
    out = tmp_path / "report"
    child = start(out, "--no-charts")
    wait_for(lambda: len(children(child.pid)) == 2, "two replication workers", child)
    workers = children(child.pid)
    child.terminate()
    _, err = child.communicate(timeout=60)
    assert child.returncode == 143, err
    assert survivors(workers) == []
    assert not out.exists() and staging(out) == []


POOL_SCRIPT = """
import sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from campsim.runs.signals import worker_setup

if __name__ == "__main__":
    initializer, initargs = worker_setup()
    context = multiprocessing.get_context(sys.argv[1])
    with ProcessPoolExecutor(2, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        for _ in range(4):
            pool.submit(time.sleep, 0.2).result()  # the workers work
        print(" ".join(str(p.pid) for p in pool._processes.values()), flush=True)
        time.sleep(600)
"""


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_workers_die_with_their_run_whatever_starts_them(tmp_path, method):
    """Forked workers get the kernel's signal; a fork server's are watched by a thread."""
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    run = subprocess.Popen([sys.executable, str(script), method], env=ENV, stdout=subprocess.PIPE,
                           start_new_session=True)  # fmt: skip
    workers = [int(p) for p in run.stdout.readline().split()]
    assert workers and all(alive(p) for p in workers)
    run.kill()
    run.wait()
    assert survivors(workers) == []
