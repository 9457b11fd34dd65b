"""Limits that protect the machine: --jobs capped at the cores, rate: maps limited like lists, and
replications refused before they start when their memory would exceed the budget (issue 17.12)."""

from __future__ import annotations

import datetime
import tracemalloc

import pytest

import campsim
import campsim.runs.simulate
from campsim.cli import main
from campsim.model import standards
from campsim.plan.compile import compile as compile_plan
from campsim.runs import budget
from campsim.runs.executors import Execution, default_jobs
from campsim.runs.replicate import run_chunk
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"


@pytest.fixture
def no_simulation(monkeypatch):
    calls = []
    monkeypatch.setattr(campsim.runs.simulate, "simulate", lambda *a, **k: calls.append(1))
    return calls


def test_jobs_are_capped_at_the_cores_and_the_user_is_told_once(tmp_path, capsys):
    too_many = default_jobs() + 62
    argv = ["run", str(RAMADI), "-n", "3", "-j", str(too_many), "--out", str(tmp_path / "r"), "-q", "--no-charts"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert err.count(f"--jobs {too_many}: this machine has {default_jobs()} usable cores; using {default_jobs()}") == 1
    assert Execution(jobs=too_many).workers == default_jobs()  # the library caps too
    assert Execution(jobs=1).workers == 1


def test_a_rate_map_is_limited_like_a_list():
    start = datetime.date(2017, 10, 1)
    rate = {start + datetime.timedelta(days=i): 1 for i in range(standards.MAX_LIST_ITEMS + 1)}
    data = {"name": "long rate", "start": "2017-10-01", "days": 10, "commodities": {"water": {}},
            "population": {"initial": 100, "arrivals": [{"rate": rate}]}}  # fmt: skip
    with pytest.raises(campsim.ScenarioError, match=r"arrivals\.0\.rate: .*at most 10,000 items"):
        campsim.scenario_from_dict(data)


def test_a_million_replications_of_ramadi_are_refused_before_starting(tmp_path, capsys, no_simulation):
    argv = ["run", str(RAMADI), "--replications", "1000000", "--out", str(tmp_path / "r"), "-q"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "1,000,000 replications" in err and "GB of memory" in err and "--max-memory" in err
    assert len(err.strip().splitlines()) == 1 and no_simulation == []
    assert not (tmp_path / "r").exists()


def test_max_memory_sets_the_budget(tmp_path, capsys, no_simulation):
    out = str(tmp_path / "r")
    assert main(["run", str(RAMADI), "-n", "300", "--max-memory", "5M", "--out", out, "-q", "--no-charts"]) == 2
    assert "the budget is 5.0 MB" in capsys.readouterr().err and no_simulation == []
    assert main(["run", str(RAMADI), "-n", "3", "--max-memory", "nonsense", "--out", out, "-q"]) == 2
    assert "expected a size such as 4G" in capsys.readouterr().err
    argv = ["compare", str(RAMADI), "--vary", "funding.funded_fraction=0.5,1", "-n", "300", "--max-memory", "5M"]
    assert main([*argv, "--out", out, "-q", "--no-charts"]) == 2
    argv = ["sweep", str(RAMADI), "--vary", "funding.funded_fraction=0.5,1", "-n", "300", "--max-memory", "5M"]
    assert main([*argv, "--out", out, "-q", "--no-charts"]) == 2
    assert no_simulation == []


def test_the_budget_is_half_the_machine_and_sizes_parse():
    assert budget.default_budget() == int(budget.machine_bytes() * 0.5)
    assert budget.parse_size("4G") == 4 * 2**30 and budget.parse_size("500M") == 500 * 2**20
    assert budget.parse_size("2.5GB") == int(2.5 * 2**30) and budget.parse_size("1000") == 1000


@pytest.mark.parametrize("keep_daily", [True, False])
@pytest.mark.parametrize("name", ["ramadi.yaml", pytest.param("anbar.yaml", marks=pytest.mark.slow)])
def test_the_estimate_covers_what_replications_really_hold(name, keep_daily):
    """The estimate per replication is at least what 100 replications' samples hold (measured)."""
    scenario = campsim.load_scenario(ROOT / "scenarios" / name)
    plan = compile_plan(scenario)
    run_chunk(plan, 1, 0, 2, keep_daily)  # caches and imports out of the measurement
    tracemalloc.start()
    samples = run_chunk(plan, 1, 0, 100, keep_daily)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(samples) == 100
    assert held / 100 <= budget.replication_bytes(scenario, keep_daily)
