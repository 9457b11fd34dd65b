"""--out is checked before any simulation, and what killed runs left beside a report is cleared
(issue 17.7 and the folder half of 17.10)."""

from __future__ import annotations

import subprocess

import pytest

import campsim.runs.simulate
from campsim.cli import main
from campsim.report.destination import remove_stale
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
QUICK = ["--quiet", "--no-charts"]


def leftovers(parent):
    return sorted(p.name for p in parent.iterdir() if ".campsim-tmp-" in p.name or ".campsim-old-" in p.name)


@pytest.fixture
def no_simulation(monkeypatch):
    """Records any simulation, so a test can show the refusal came before it."""
    calls = []
    monkeypatch.setattr(campsim.runs.simulate, "simulate", lambda *a, **k: calls.append(1))
    return calls


def dead_pid():
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_300_character_name_is_refused_before_simulating(tmp_path, capsys, no_simulation):
    out = tmp_path / ("r" * 300)
    assert main(["run", str(RAMADI), "--out", str(out), *QUICK]) == 2
    err = capsys.readouterr().err
    assert "folder name is 300 bytes long" in err and "shorter --out" in err
    assert len(err.strip().splitlines()) == 1 and "internal error" not in err
    assert no_simulation == [] and leftovers(tmp_path) == []


def test_a_too_long_folder_within_the_path_or_a_too_long_path(tmp_path, capsys, no_simulation):
    for out, words in [(tmp_path / ("d" * 300) / "r", "a folder name in it is 300 bytes"),
                       (tmp_path / "/".join(["d" * 200] * 25), "the path is too long")]:  # fmt: skip
        assert main(["run", str(RAMADI), "--out", str(out), *QUICK]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1 and "internal error" not in err
    assert no_simulation == [] and list(tmp_path.iterdir()) == []


def test_out_dot_inside_a_report_is_refused_before_simulating(tmp_path, monkeypatch, capsys):
    report = tmp_path / "report"
    assert main(["run", str(RAMADI), "--out", str(report), *QUICK, "--seed", "1"]) == 0
    before = (report / "summary.json").read_bytes()
    no_simulation = []
    monkeypatch.setattr(campsim.runs.simulate, "simulate", lambda *a, **k: no_simulation.append(1))
    monkeypatch.chdir(report)
    for out in (".", "./", "../report"):
        assert main(["run", str(RAMADI), "--out", out, *QUICK]) == 2
        assert "is the working folder" in capsys.readouterr().err
    assert no_simulation == []
    assert (report / "summary.json").read_bytes() == before
    assert leftovers(tmp_path) == [] and leftovers(report) == []


def test_a_symlink_out_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "reports" / "ramadi"
    assert main(["run", str(RAMADI), "--out", str(target), *QUICK, "--seed", "1"]) == 0
    (target / "old-only.txt").write_text("from the previous run")
    link = tmp_path / "latest"
    link.symlink_to(target)
    assert main(["run", str(RAMADI), "--out", str(link), *QUICK, "--seed", "2"]) == 0
    assert link.is_symlink() and link.resolve() == target
    assert (target / "summary.json").is_file() and not (target / "old-only.txt").exists()
    assert '"seed": 2' in (link / "summary.json").read_text()
    assert leftovers(tmp_path) == [] and leftovers(target.parent) == []


def test_a_symlink_to_a_foreign_folder_is_refused_without_force(tmp_path, capsys):
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years")
    (tmp_path / "link").symlink_to(foreign)
    assert main(["run", str(RAMADI), "--out", str(tmp_path / "link"), *QUICK]) == 2
    assert "not a campsim report" in capsys.readouterr().err
    assert (foreign / "thesis.tex").read_text() == "years"


def test_the_next_run_clears_what_a_killed_run_left_and_spares_a_live_one(tmp_path):
    out = tmp_path / "report"
    gone = dead_pid()
    for name in (f".report.campsim-tmp-{gone}-abcd1234", f".report.campsim-old-{gone}"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "daily.csv").write_text("half written")
    with subprocess.Popen(["sleep", "60"]) as live:  # another run, still writing
        busy = tmp_path / f".report.campsim-tmp-{live.pid}-efgh5678"
        busy.mkdir()
        other = tmp_path / f".other.campsim-tmp-{gone}-abcd1234"  # another report's: not ours to judge now
        other.mkdir()
        assert main(["run", str(RAMADI), "--out", str(out), *QUICK]) == 0
        live.kill()
    assert leftovers(tmp_path) == sorted([busy.name, other.name])
    assert (out / "summary.json").is_file()


def test_a_report_set_aside_by_a_killed_run_is_put_back(tmp_path):
    out = tmp_path / "report"
    assert main(["run", str(RAMADI), "--out", str(out), *QUICK]) == 0
    aside = tmp_path / f".report.campsim-old-{dead_pid()}"
    out.rename(aside)  # killed between its two renames: no report at out, the old one aside
    remove_stale(out)
    assert (out / "summary.json").is_file() and leftovers(tmp_path) == []
