"""Running scenarios: seeds, random inputs, the engine, and the results it hands back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from campsim.engines import des as engine
from campsim.engines.des import EngineResult
from campsim.plan.draw import draw_inputs
from campsim.results.metrics import daily_frame, events_frame, summarize
from campsim.model.schema import Scenario


@dataclass
class SimulationResult:
    """One run: the summary.json dict, the daily and events tables, and the raw arrays."""

    scenario: Scenario
    seed: int
    summary: dict[str, Any]
    daily: pd.DataFrame
    events: pd.DataFrame
    raw: EngineResult


def commodities_of(runs: list[tuple[str, SimulationResult]]) -> list[str]:
    """Union of the runs' commodities, in first-seen order (scenarios compare on this list)."""
    names: list[str] = []
    for _, r in runs:
        names += [n for n in r.scenario.commodities if n not in names]
    return names


def simulate(scenario: Scenario, seed: int | None = None, replication: int = 0) -> SimulationResult:
    """Simulate one replication of a scenario.

    Args:
        scenario: a validated scenario (see :func:`campsim.load_scenario`).
        seed: root seed; defaults to the scenario's own ``seed``.
        replication: which child of the root SeedSequence to draw from (0 for a single run).
    """
    seed = scenario.seed if seed is None else seed
    raw = engine.simulate(scenario, draw_inputs(scenario, seed, replication))
    return SimulationResult(
        scenario=scenario,
        seed=seed,
        summary=summarize(scenario, raw, seed),
        daily=daily_frame(scenario, raw),
        events=events_frame(scenario, raw),
        raw=raw,
    )


@dataclass
class ReplicatedResult(SimulationResult):
    """Many replications: the aggregated summary, replication 0's tables, and daily quantiles."""

    daily_quantiles: pd.DataFrame | None = None
    p_shortage_by_date: pd.DataFrame | None = None


def run_replications(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    progress=None,
    engine: str = "batch",
) -> ReplicatedResult:
    """Run ``replications`` (default: the scenario's own) and aggregate them.

    Replication i uses the i-th child of ``SeedSequence(seed)``; results are identical
    whatever ``jobs`` and ``executor`` (see executors.py). daily and events describe
    replication 0, so they match a single ``simulate``. ``engine="batch"`` computes the
    statistics with the vectorised engine (the same numbers, faster); "des" with SimPy.
    """
    from campsim.runs.executors import run_replications as execute

    seed = scenario.seed if seed is None else seed
    n = scenario.replications if replications is None else replications
    samples = execute(scenario, seed, n, jobs, executor, address, progress, engine)
    return replicated_result(scenario, seed, samples)


def replicated_result(scenario: Scenario, seed: int, samples) -> ReplicatedResult:
    """Aggregate samples into a ReplicatedResult; replication 0 is re-run for its tables."""
    from campsim.runs.replicate import aggregate, daily_quantiles

    first = simulate(scenario, seed=seed)
    summary = aggregate(scenario, seed, samples)
    quantiles = _quantile_frame(scenario, daily_quantiles(scenario, samples))  # releases the samples' series
    return ReplicatedResult(
        scenario=scenario,
        seed=seed,
        summary=summary,
        daily=first.daily,
        events=first.events,
        raw=first.raw,
        daily_quantiles=quantiles,
        p_shortage_by_date=_first_shortage_frame(scenario, samples),
    )


def _quantile_frame(scenario: Scenario, q: dict) -> pd.DataFrame:
    """daily_quantiles.csv: day, date, commodity, then <metric>_p10/_p50/_p90."""
    import numpy as np

    from campsim.results.metrics import day_date

    names = list(scenario.commodities)
    days = np.arange(scenario.days)
    frame = {
        "day": np.repeat(days, len(names)),
        "date": np.repeat([day_date(scenario.start, d) for d in days], len(names)),
        "commodity": np.tile(np.array(names, dtype=object), scenario.days),
    }
    for key in sorted(q, key=_metric_order):
        values = q[key]
        frame[key] = np.repeat(values, len(names)) if values.ndim == 1 else values.reshape(-1)
    return pd.DataFrame(frame)


def _metric_order(key: str) -> tuple[int, str]:
    order = ["stock", "ration", "days_of_cover", "population"]
    metric = key.rsplit("_", 1)[0]
    return order.index(metric), key


def _first_shortage_frame(scenario: Scenario, samples) -> pd.DataFrame:
    """p_shortage_by_date.csv: P(first shortage on or before the date), per commodity."""
    from campsim.runs.replicate import p_shortage_by_date

    rows = []
    for name in scenario.commodities:
        firsts = [s.summary["commodities"][name]["first_shortage_day"] for s in samples]
        for day, (when, p) in enumerate(p_shortage_by_date(scenario, firsts).items()):
            rows.append((day, when, name, p))
    return pd.DataFrame(rows, columns=["day", "date", "commodity", "p_first_shortage_by_date"]).sort_values(
        ["day"], kind="stable"
    )
