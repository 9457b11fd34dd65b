"""Replications: identical whatever the executor, right statistics, common random numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

import campsim
from campsim.cli import main
from campsim.plan.compile import compile
from campsim.results.aggregate import aggregate
from campsim.runs.executors import chunks, run_samples
from campsim.runs.replicate import run_chunk
from tests.conftest import ROOT, scenario


def run_replications(s, seed, n, **execution):
    """The samples of replications 0..n-1 of a scenario."""
    return run_samples(compile(s), seed, n, **execution)


def summary_of(s, samples):
    return aggregate(compile(s), [x.summary for x in samples])


RAMADI = ROOT / "scenarios" / "ramadi.yaml"


def poisson_camp(**top):
    return scenario({"water": {"per_person_day": 15, "initial_stock": 10_000_000}}, deterministic=False,
                    days=30, population={"initial": 0, "arrivals": [{"rate": {"2017-10-01": 40}}]}, **top)  # fmt: skip


def test_chunks_cover_every_replication_once():
    for n, workers in [(1, 2), (7, 2), (1000, 2), (100_000, 8)]:
        parts = chunks(n, workers)
        assert [i for a, b in parts for i in range(a, b)] == list(range(n))
        assert len(parts) <= max(n // 250 + 1, workers * 4 + 1)


def test_same_seed_same_summary_for_jobs_1_and_2(tmp_path):
    for jobs in ("1", "2"):
        assert main(["run", str(RAMADI), "--replications", "40", "--jobs", jobs, "--out", str(tmp_path / jobs),
                     "--quiet", "--no-charts"]) == 0  # fmt: skip
    for name in ("summary.json", "daily_quantiles.csv", "p_shortage_by_date.csv", "daily.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_a_chunk_of_one_replication_rounds_as_the_others(tmp_path):
    # 3 replications on 2 workers: chunks of 2 and 1; sums over days must add in one order
    for jobs in ("1", "2"):
        assert main(["run", str(RAMADI), "-n", "3", "--jobs", jobs, "--out", str(tmp_path / jobs),
                     "--quiet", "--no-charts"]) == 0  # fmt: skip
    assert (tmp_path / "1" / "summary.json").read_bytes() == (tmp_path / "2" / "summary.json").read_bytes()
    s = campsim.load_scenario(RAMADI)
    plan = compile(s)
    among = run_chunk(plan, s.seed, 0, 3, keep_daily=False)
    alone = [run_chunk(plan, s.seed, i, i + 1, keep_daily=False)[0] for i in range(3)]
    des = run_chunk(plan, s.seed, 0, 3, keep_daily=False, engine="des")
    # exactly, not approximately: the single run's summary is a batch of one too
    assert [x.summary for x in alone] == [x.summary for x in among] == [x.summary for x in des]


def test_a_replicated_run_leaves_no_thread_behind(tmp_path):
    # tqdm's monitor thread outlived the bar, and a process with threads renders charts unforked
    import threading

    assert main(["run", str(RAMADI), "-n", "2", "-j", "1", "--out", str(tmp_path / "r"), "--quiet", "--no-charts"]) == 0
    assert "tqdm_monitor" not in [t.name for t in threading.enumerate()]


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_a_real_dask_local_cluster_gives_the_same_summary():
    distributed = pytest.importorskip("distributed")
    s = campsim.load_scenario(RAMADI)
    local = summary_of(s, run_replications(s, 5, 30, jobs=1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:  # fmt: skip
        on_dask = summary_of(s, run_replications(s, 5, 30, executor="dask", address=cluster.scheduler_address))
    assert json.dumps(on_dask) == json.dumps(local)


def test_run_and_one_replication_agree(tmp_path):
    assert main(["run", str(RAMADI), "--out", str(tmp_path / "a"), "--quiet", "--no-charts"]) == 0
    s = campsim.load_scenario(RAMADI)
    one = summary_of(s, run_replications(s, s.seed, 1, jobs=1))
    single = json.loads((tmp_path / "a" / "summary.json").read_text())
    for name, c in single["commodities"].items():
        for key in ("shortfall_person_days", "shortage_days", "first_shortage_day", "first_shortage_date", "received"):
            assert one["commodities"][name][key] == c[key], (name, key)


def test_poisson_arrivals_match_theory_over_replications():
    # 40 people/day for 30 days: total ~ Poisson(1200): mean 1200, sd 34.6
    s = poisson_camp()
    n = 400
    samples = run_replications(s, 11, n, jobs=1)
    totals = np.array([x.summary["population"]["arrivals"] for x in samples])
    summary = summary_of(s, samples)
    assert summary["population"]["arrivals"] == pytest.approx(1200, abs=4 * 34.6 / n**0.5)
    assert totals.std(ddof=1) == pytest.approx(1200**0.5, rel=0.12)
    q = summary["population_uncertainty"]["arrivals"]
    assert q["p10"] == pytest.approx(stats.poisson.ppf(0.1, 1200), abs=8)
    assert q["p90"] == pytest.approx(stats.poisson.ppf(0.9, 1200), abs=8)
    # the summary's quantiles are numpy's on the per-replication values
    assert q["p50"] == float(np.quantile(totals, 0.5))


def test_quantiles_do_not_depend_on_chunking():
    s = campsim.load_scenario(RAMADI)
    whole = summary_of(s, run_replications(s, 3, 24, jobs=1))
    pieces = summary_of(s, run_replications(s, 3, 24, jobs=3))
    assert json.dumps(whole) == json.dumps(pieces)
    values = [x.summary["commodities"]["food"]["shortfall_person_days"] for x in run_replications(s, 3, 24, jobs=1)]
    assert whole["uncertainty"]["food"]["shortfall_person_days"]["p90"] == float(np.quantile(values, 0.9))
    assert whole["commodities"]["food"]["shortfall_person_days"] == pytest.approx(np.mean(values))


def test_common_random_numbers_across_funding_levels():
    low = campsim.load_scenario(RAMADI, ["funding.funded_fraction=0.3"])
    high = campsim.load_scenario(RAMADI, ["funding.funded_fraction=1"])
    a = run_replications(low, 9, 12, jobs=1)
    b = run_replications(high, 9, 12, jobs=1)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.population, y.population)
        assert x.summary["population"] == y.summary["population"]


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_replicated_report_has_uncertainty_quantiles_and_its_charts(tmp_path):
    out = tmp_path / "rep"
    assert main(["run", str(RAMADI), "-n", "30", "-j", "1", "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 30
    water = summary["uncertainty"]["water"]
    assert set(water["shortfall_person_days"]) == {"p10", "p50", "p90"}
    assert 0 <= water["p_shortage"] <= 1
    assert len(water["p_shortage_by_date"]) == summary["days"]
    header = (out / "daily_quantiles.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["day", "date", "commodity"]
    for metric in ("stock", "ration", "days_of_cover", "population"):
        assert [f"{metric}_p10", f"{metric}_p50", f"{metric}_p90"] == [h for h in header if h.startswith(metric)]
    for chart in ("fan", "first_shortage"):
        assert (out / f"{chart}.png").stat().st_size > 0 and not (out / f"{chart}.svg").exists()
    html = (out / "report.html").read_text()
    assert 'id="chart-fan"' in html and 'id="uncertainty"' in html and "30 replications" in html


def test_replications_from_the_scenario_file(tmp_path):
    assert main(["run", str(RAMADI), "--set", "replications=3", "--out", str(tmp_path / "r"), "--quiet",
                 "--no-charts", "-j", "1"]) == 0  # fmt: skip
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["replications"] == 3


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_compare_with_replications_overlays_bands_on_common_random_numbers(tmp_path):
    out = tmp_path / "cmp"
    funded = ROOT / "scenarios" / "ramadi-funded.yaml"
    assert main(["compare", str(RAMADI), str(funded), "-n", "6", "-j", "1", "--out", str(out), "--quiet"]) == 0
    html = (out / "report.html").read_text()
    assert 'id="chart-fan"' in html and 'id="chart-first_shortage"' in html
    import csv

    rows = list(csv.DictReader((out / "compare.csv").open()))
    water = {r["scenario"]: float(r["shortfall_person_days"]) for r in rows if r["commodity"] == "water"}
    assert water["fully funded"] < water["62% funded"]
    # the same 6 replications on the same seed: the same people arrive in both scenarios
    low = summary_of(campsim.load_scenario(RAMADI), run_replications(campsim.load_scenario(RAMADI), 2017, 6, jobs=1))
    assert low["commodities"]["water"]["shortfall_person_days"] == pytest.approx(water["62% funded"])
