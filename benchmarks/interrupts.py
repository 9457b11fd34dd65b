"""Killed and interrupted runs, with real processes: `python benchmarks/interrupts.py [--kills 20] [--signals 20]`.

kill -9: starts `campsim run scenarios/ramadi.yaml -n 2000 -j 2` (replication workers, then
chart workers), kills the parent with SIGKILL at a random moment, and counts its workers still
alive a moment later; then reruns onto the same folder and counts staging folders left beside it.

Signals: the same run onto an existing report, interrupted at a random moment by SIGINT
(sent to the process group, as Ctrl-C does) or SIGTERM (to the parent, as `kill` does); prints
the time from the signal to the parent's exit (max over all), and checks that the previous
report is untouched and that neither workers nor staging folders are left.
Not part of the test suite (tests never assert on wall time).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAMADI = ROOT / "scenarios" / "ramadi.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def processes_with(token: str) -> list[int]:
    """Live (not zombie) processes whose command line names ``token``: a run and its forked workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if token.encode() not in (entry / "cmdline").read_bytes():
                continue
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] != "Z":
            found.append(int(entry.name))
    return found


def staging(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.campsim-"))


def start(out: Path, *extra: str) -> subprocess.Popen:
    argv = [sys.executable, "-m", "campsim", "run", str(RAMADI), "-n", "2000", "-j", "2", "--out", str(out), "-q"]
    # preexec: a shell's background job ignores SIGINT, and its children would inherit that
    return subprocess.Popen([*argv, *extra], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=default_sigint)  # fmt: skip


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def survivors(token: str, grace_s: float = 3.0) -> int:
    deadline = time.monotonic() + grace_s
    while processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(processes_with(token))


def kills(n: int, base: Path, longest_s: float) -> None:
    live_total = left_total = workers_seen = 0
    for i in range(n):
        out = base / f"kill{i}"
        child = start(out)
        time.sleep(random.uniform(0.5, longest_s))
        workers_seen += len(processes_with(str(out))) - 1
        child.kill()
        child.wait()
        live = survivors(str(out))
        for pid in processes_with(str(out)):  # clean up for the next round, after counting
            os.kill(pid, signal.SIGKILL)
        before = staging(out)
        rerun = subprocess.run([sys.executable, "-m", "campsim", "run", str(RAMADI), "--out", str(out), "-q",
                                "--no-charts"], env=ENV, capture_output=True)  # fmt: skip
        left = staging(out)
        print(f"kill {i + 1}: workers alive after 3 s: {live}; staging before rerun: {len(before)}, "
              f"after: {len(left)} (rerun exit {rerun.returncode})", flush=True)  # fmt: skip
        live_total += live
        left_total += len(left)
    print(f"kill -9 x {n}: live workers afterwards {live_total}, leftover folders after the rerun {left_total} "
          f"(workers running at the kills: {workers_seen})")  # fmt: skip


def signals(n: int, base: Path, longest_s: float) -> None:
    out = base / "report"
    subprocess.run([sys.executable, "-m", "campsim", "run", str(RAMADI), "--out", str(out), "-q", "--no-charts"],
                   env=ENV, check=True)  # fmt: skip
    before = (out / "summary.json").read_bytes()
    latencies = []
    problems = startup = 0
    for i in range(3 * n):  # until n signals landed during a run (a run may finish first)
        if len(latencies) == n:
            break
        sig = (signal.SIGINT, signal.SIGTERM)[len(latencies) % 2]
        child = start(out)
        time.sleep(random.uniform(0.5, longest_s))
        sent = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(child.pid, sig)
        else:
            child.send_signal(sig)
        child.wait()
        latency = time.monotonic() - sent
        err = child.stderr.read().decode()
        if child.returncode == 0:
            print(f"signal {i + 1}: the run had finished before the {sig.name}", flush=True)
            before = (out / "summary.json").read_bytes()
            continue
        live = survivors(str(out))
        untouched = (out / "summary.json").read_bytes() == before
        left = staging(out)
        # -SIGNUM: the signal came during start-up, before campsim's handlers (nothing written yet)
        ok = untouched and not left and not live and child.returncode in (130, 143, -sig) and "Traceback" not in err
        startup += child.returncode == -sig
        problems += not ok
        latencies.append(latency)
        print(f"signal {i + 1}: {sig.name} -> exit {child.returncode} after {latency:.3f} s; report untouched: "
              f"{untouched}; staging left: {len(left)}; workers alive: {live}", flush=True)  # fmt: skip
    if latencies:
        print(f"signals x {len(latencies)}: latency max {max(latencies):.3f} s, "
              f"median {sorted(latencies)[len(latencies) // 2]:.3f} s; ended by the signal at start-up: {startup}; "
              f"runs with a problem: {problems}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--signals", type=int, default=20)
    parser.add_argument("--longest", type=float, default=10.0, help="latest moment of a kill or signal, seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        if args.kills:
            kills(args.kills, Path(tmp), args.longest)
        if args.signals:
            signals(args.signals, Path(tmp), args.longest)


if __name__ == "__main__":
    main()
