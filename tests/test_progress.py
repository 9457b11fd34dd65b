"""Progress bars: on a terminal for every long step, never when stderr is not a terminal or with --quiet."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"


def env() -> dict[str, str]:
    """This tree's campsim, and no COLUMNS/LINES: a new pty reports 0 x 0, as `script` and CI consoles do."""
    variables = {**os.environ, "PYTHONPATH": str(ROOT)}
    variables.pop("COLUMNS", None)
    variables.pop("LINES", None)
    return variables


def in_pty(args: list[str]) -> bytes:
    """What `campsim ARGS` writes to a pseudo-terminal (stdout and stderr), after it exits 0."""
    main_fd, child_fd = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "campsim", *args], stdout=child_fd, stderr=child_fd, env=env(),
                             cwd=ROOT)  # fmt: skip
    os.close(child_fd)
    out = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        out += chunk
    os.close(main_fd)
    assert child.wait(timeout=120) == 0, out[-2000:]
    return out


def piped(args: list[str]) -> str:
    """What `campsim ARGS` writes to stderr when it is a pipe."""
    done = subprocess.run([sys.executable, "-m", "campsim", *args], capture_output=True, text=True, env=env(),
                          cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stderr


def steps(tmp) -> dict[str, list[str]]:
    """Each long step, kept small: (the label of its bar, the command)."""
    out = ["--out", str(tmp / "r")]
    return {
        "replications": ["run", str(RAMADI), "--engine", "des", "-n", "12", "-j", "1", "--no-charts", *out],
        "sweep": ["sweep", str(RAMADI), "--vary", "funding.funded_fraction=0.5,1.0", "-n", "20", "-j", "1",
                  "--no-charts", *out],
        "solve": ["solve", str(RAMADI), "--vary", "funding.funded_fraction", "--target",
                  "water.shortfall_person_days<=1000000",
                  "--tol", "0.2", "-n", "20", "-j", "1", *out],
        "charts": ["run", str(RAMADI), *out],
    }  # fmt: skip


@pytest.mark.slow  # a process per step in a pseudo-terminal: about 1 s each
@pytest.mark.parametrize("label", ["replications", "sweep", "solve", "charts"])
def test_each_long_step_shows_a_bar_in_a_pseudo_terminal(tmp_path, label):
    # the SimPy engine's replications (--engine des), sweep points, solve evaluations, chart drawing
    out = in_pty(steps(tmp_path)[label])
    assert f"{label}:".encode() in out and b"%|" in out  # a bar with its share done


def test_the_solve_bar_counts_up_to_every_evaluation_bisection_may_need(tmp_path):
    # --tol 0.2 on 0:1 halves the bracket 3 times (0.5, 0.25, 0.125): 2 + 3 = 5 evaluations of 20
    out = in_pty(steps(tmp_path)["solve"])
    assert b"/100 [" in out


@pytest.mark.slow  # a process per step: about 1 s each
@pytest.mark.parametrize("label", ["replications", "sweep", "solve",
                                   pytest.param("charts", marks=pytest.mark.slow)])  # fmt: skip
def test_no_bar_when_stderr_is_not_a_terminal_or_with_quiet(tmp_path, label):
    args = steps(tmp_path)[label]
    err = piped(args)
    assert "%|" not in err and f"{label}:" not in err
    quiet = in_pty([*args, "--quiet", "--force"])
    assert b"%|" not in quiet and f"{label}:".encode() not in quiet


def test_the_program_ends_without_the_interpreter_s_teardown_and_its_output_whole(tmp_path):
    # the teardown (freeing pandas, matplotlib, ...) is about 0.1 s of every run: an atexit
    # handler, run by the teardown, never runs; the piped output is complete and the status kept
    program = ("import atexit, sys; atexit.register(lambda: print('teardown', file=sys.stderr)); "
               "from campsim.cli import main; sys.argv[0] = 'campsim'; main()")  # fmt: skip
    run = [sys.executable, "-c", program, "run", str(RAMADI), "--no-charts", "--out", str(tmp_path / "r")]
    done = subprocess.run(run, capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert done.returncode == 0 and "teardown" not in done.stderr
    assert done.stdout.rstrip().endswith("s)") and "report: " in done.stdout.splitlines()[-1]
    assert (tmp_path / "r" / "summary.json").stat().st_size > 0
    bad = subprocess.run([*run[:3], "run", str(tmp_path / "missing.yaml")], capture_output=True, text=True,
                         env=env(), cwd=ROOT, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and "teardown" not in bad.stderr and bad.stderr.strip()
