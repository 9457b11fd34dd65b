"""Reports are atomic: an interrupted run leaves the previous report intact and nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from campsim.cli import main
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"


def leftovers(folder):
    """Staging or set-aside folders campsim left beside a report."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.campsim-"))


@pytest.fixture
def previous(tmp_path):
    """An existing report (with a file only the old one has) and its summary bytes."""
    out = tmp_path / "report"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts", "--seed", "1"]) == 0
    (out / "old-only.txt").write_text("from the previous run")
    return out, (out / "summary.json").read_bytes()


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)])
def test_a_signal_mid_run_leaves_the_previous_report_intact(previous, sig, status):
    out, before = previous
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "campsim", "run", str(RAMADI), "--out", str(out), "--quiet"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    # wait until the new report is being written (charts take seconds), then interrupt it
    while not leftovers(out) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    assert leftovers(out), "the run never started writing"
    time.sleep(0.3)
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert child.returncode == status, err
    assert b"Traceback" not in err
    assert (out / "summary.json").read_bytes() == before
    assert (out / "old-only.txt").exists()
    assert leftovers(out) == []


def test_an_exception_midway_leaves_the_previous_report_intact(previous, monkeypatch, capsys):
    import campsim.report.html

    out, before = previous

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(campsim.report.html, "render_run", broken)
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts"]) == 1
    assert "disk on fire" in capsys.readouterr().err
    assert (out / "summary.json").read_bytes() == before
    assert leftovers(out) == []


def test_force_replaces_a_foreign_folder_but_never_the_working_folder(tmp_path, monkeypatch, capsys):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert main(["run", str(RAMADI), "--out", str(foreign), "--quiet", "--no-charts"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["run", str(RAMADI), "--out", str(foreign), "--quiet", "--no-charts", "--force"]) == 0
    assert not (foreign / "notes.txt").exists() and (foreign / "summary.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(RAMADI), "--out", str(empty), "--quiet", "--no-charts"]) == 0
    work = tmp_path / "work"
    work.mkdir()
    (work / "thesis.tex").write_text("years")
    monkeypatch.chdir(work)
    for target in (".", ".."):
        assert main(["run", str(RAMADI), "--out", target, "--quiet", "--no-charts", "--force"]) == 2
    assert (work / "thesis.tex").read_text() == "years"


def test_an_unwritable_destination_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", str(RAMADI), "--out", str(blocker / "sub"), "--quiet", "--no-charts"]) == 2
    err = capsys.readouterr().err
    assert "cannot create the report folder" in err and "Traceback" not in err


def test_refusal_comes_before_the_simulation(tmp_path, monkeypatch):
    import campsim.runs.simulate  # noqa: F401

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "x").write_text("x")
    calls = []
    monkeypatch.setattr(campsim.runs.simulate, "simulate", lambda *a, **k: calls.append(1))
    assert main(["run", str(RAMADI), "--out", str(foreign), "--quiet"]) == 2
    assert calls == []


def test_documented_limits_are_enforced_with_clear_messages(tmp_path):
    import campsim
    from campsim.model import standards

    wide = {f"item_{i}": {"per_person_day": 1} for i in range(standards.MAX_COMMODITIES + 1)}
    with pytest.raises(campsim.ScenarioError, match=r"commodities: .*at most 100 items"):
        campsim.scenario_from_dict({"name": "wide", "start": "2017-10-01", "days": 10, "commodities": wide})
    big = tmp_path / "big.yaml"
    big.write_bytes(b"name: big\n# " + b"x" * (20_000_001) + b"\n")
    with pytest.raises(campsim.ScenarioError, match="larger than 20000000 bytes"):
        campsim.load_scenario(big)
    with pytest.raises(campsim.ScenarioError, match=r"days: expected a number <= 3,650"):
        campsim.scenario_from_dict({"name": "long", "start": "2017-10-01", "days": 3651, "commodities": {"water": {}}})


def test_ctrl_c_during_replications_stops_the_workers_and_writes_nothing(tmp_path):
    out = tmp_path / "reps"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "campsim", "run", str(RAMADI), "-n", "20000", "-j", "2", "--out", str(out), "--quiet"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    # wait until the worker pool is up (the child has children of its own), then some work
    children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline and not children.read_text().split():
        time.sleep(0.05)
    time.sleep(0.5)
    assert child.poll() is None, child.stderr.read()
    os.killpg(child.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, workers too
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert b"Traceback" not in err
    assert not out.exists() and leftovers(out) == []
