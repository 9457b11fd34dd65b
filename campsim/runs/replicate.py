"""Replications: what each one returns, and how many of them become one summary.

Replication i draws from the i-th child of ``SeedSequence(seed)`` (see inputs.py), so a
single run is replication 0 and results do not depend on how replications are chunked or
which executor runs them: samples are always aggregated in replication order.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from campsim.engines import des as engine
from campsim.plan.draw import draw_inputs
from campsim.results.metrics import summarize
from campsim.model.schema import Scenario

QUANTILES = (0.1, 0.5, 0.9)
STAT_LABELS = ("p10", "p50", "p90")
DAILY_METRICS = ("stock", "ration", "days_of_cover")  # per commodity; population per day
# day-valued keys (with first_shortage_date and first_ration_cut_date): aggregated as the
# lower median over the replications that have one
DAY_KEYS = {"first_shortage_day"}
# keys that are not numbers to average
TEXT_KEYS = {"unit", "kind", "first_shortage_date", "first_ration_cut_date", "first_shortage_cause", "pipeline_breaks"}
# daily values are kept as float32: 4 bytes per day, commodity and metric per replication
DAILY_DTYPE = np.float32


@dataclass
class Sample:
    """What one replication contributes: its summary and a few daily series."""

    index: int
    summary: dict[str, Any]
    daily: np.ndarray  # [days, commodities, len(DAILY_METRICS)]
    population: np.ndarray  # [days]


def run_one(scenario: Scenario, seed: int, index: int, keep_daily: bool = True) -> Sample:
    """Simulate replication ``index`` and keep what aggregation needs.

    Sweeps and the solver only need summaries: with ``keep_daily=False`` the daily series
    are dropped in the worker, so a 100,000-run sweep holds no daily tables.
    """
    raw = engine.simulate(scenario, draw_inputs(scenario, seed, index))
    summary = summarize(scenario, raw, seed)
    if not keep_daily:
        return Sample(index, summary, np.empty((0, 0, 0), DAILY_DTYPE), np.empty(0, DAILY_DTYPE))
    daily = np.stack(
        [np.column_stack([raw.lines[n].daily[m] for m in DAILY_METRICS]) for n in scenario.commodities], axis=1
    ).astype(DAILY_DTYPE)
    return Sample(index, summary, daily, raw.population.astype(DAILY_DTYPE))


def run_chunk(
    scenario: Scenario, seed: int, start: int, stop: int, keep_daily: bool = True, engine: str = "batch"
) -> list[Sample]:
    """Replications start..stop-1: the unit of work sent to a worker process or Dask.

    ``engine="batch"`` steps them all at once (batch.py); ``"des"`` runs the SimPy engine
    once per replication. Both give the same samples.
    """
    if engine == "des":
        return [run_one(scenario, seed, i, keep_daily) for i in range(start, stop)]
    return run_batch_chunk(scenario, seed, start, stop, keep_daily)


def run_batch_chunk(scenario: Scenario, seed: int, start: int, stop: int, keep_daily: bool = True) -> list[Sample]:
    """Replications start..stop-1 through the batch engine, as samples."""
    from campsim.engines.batch import draw_batch, simulate_batch
    from campsim.results.metrics import summarize_batch

    got = simulate_batch(scenario, draw_batch(scenario, seed, start, stop))
    summaries = summarize_batch(scenario, got.population, got.arrivals, got.departures, got.lines, seed)
    indices = range(start, stop)
    if not keep_daily:
        empty, flat = np.empty((0, 0, 0), DAILY_DTYPE), np.empty(0, DAILY_DTYPE)
        return [Sample(i, summary, empty, flat) for i, summary in zip(indices, summaries, strict=True)]
    # [days, replications, commodities, metrics] -> one [days, commodities, metrics] block per replication
    cube = np.stack(
        [np.stack([got.lines[n].daily[m] for m in DAILY_METRICS], axis=-1) for n in scenario.commodities], axis=2
    ).astype(DAILY_DTYPE)
    cube = np.ascontiguousarray(cube.transpose(1, 0, 2, 3))
    people = np.ascontiguousarray(got.population.T.astype(DAILY_DTYPE))
    return [
        Sample(i, summary, cube[k], people[k]) for k, (i, summary) in enumerate(zip(indices, summaries, strict=True))
    ]


def _quantiles(values: np.ndarray) -> dict[str, float]:
    q = np.quantile(values, QUANTILES)
    return {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2])}


def _lower_median(values: list[int]) -> int | None:
    return int(np.quantile(values, 0.5, method="lower")) if values else None


def aggregate(scenario: Scenario, seed: int, samples: list[Sample]) -> dict[str, Any]:
    """summary.json over replications: means (day-valued keys: lower medians) plus uncertainty."""
    samples = sorted(samples, key=lambda s: s.index)
    first = samples[0].summary
    start = scenario.start
    commodities, uncertainty = {}, {}
    for name, c0 in first["commodities"].items():
        per_rep = [s.summary["commodities"][name] for s in samples]
        merged: dict[str, Any] = {}
        spread: dict[str, Any] = {}
        for key, value in c0.items():
            if key in TEXT_KEYS or key in DAY_KEYS:
                continue
            if value is None and all(c[key] is None for c in per_rep):
                merged[key] = None
                continue
            values = np.array([c[key] for c in per_rep], dtype=float)
            merged[key] = float(np.mean(values))
            spread[key] = _quantiles(values)
        merged["unit"], merged["kind"] = c0["unit"], c0["kind"]
        days = [c["first_shortage_day"] for c in per_rep if c["first_shortage_day"] is not None]
        day = _lower_median(days)
        merged["first_shortage_day"] = day
        merged["first_shortage_date"] = None if day is None else (start + timedelta(days=day)).isoformat()
        causes = [c["first_shortage_cause"] for c in per_rep if c["first_shortage_cause"]]
        merged["first_shortage_cause"] = max(set(causes), key=causes.count) if causes else None
        cuts = [(date.fromisoformat(c["first_ration_cut_date"]) - start).days for c in per_rep
                if c["first_ration_cut_date"]]  # fmt: skip
        cut = _lower_median(cuts)
        merged["first_ration_cut_date"] = None if cut is None else (start + timedelta(days=cut)).isoformat()
        merged["pipeline_breaks"] = c0["pipeline_breaks"]  # replication 0's, as in daily.csv
        commodities[name] = {k: merged[k] for k in c0}
        short = np.array([c["shortage_days"] > 0 for c in per_rep])
        spread["p_shortage"] = float(np.mean(short))
        if scenario.days <= 366:
            spread["p_shortage_by_date"] = p_shortage_by_date(scenario, days_of_first(per_rep))
        uncertainty[name] = spread
    population = {key: float(np.mean([s.summary["population"][key] for s in samples])) for key in first["population"]}
    return {
        **{k: first[k] for k in ("scenario", "start", "end", "days", "seed", "deterministic")},
        "replications": len(samples),
        "population": population,
        "commodities": commodities,
        "funding": {
            key: float(sum(c[key] for c in commodities.values()))
            for key in ("requirement_usd", "received_usd", "spent_usd", "balance_usd")
        },
        "uncertainty": uncertainty,
        "population_uncertainty": {
            key: _quantiles(np.array([s.summary["population"][key] for s in samples], dtype=float))
            for key in first["population"]
        },
    }


def days_of_first(per_rep: list[dict[str, Any]]) -> list[int | None]:
    """Each replication's first shortage day (None if it had none)."""
    return [c["first_shortage_day"] for c in per_rep]


def p_shortage_by_date(scenario: Scenario, firsts: list[int | None]) -> dict[str, float]:
    """P(first shortage on or before each date), over replications."""
    counts = np.zeros(scenario.days)
    for day in firsts:
        if day is not None:
            counts[day] += 1
    cumulative = np.cumsum(counts) / max(len(firsts), 1)
    return {(scenario.start + timedelta(days=d)).isoformat(): float(p) for d, p in enumerate(cumulative)}


QUANTILE_BLOCK_DAYS = 64  # days per quantile pass: bounds the temporaries of nanquantile


def daily_quantiles(scenario: Scenario, samples: list[Sample]) -> dict[str, np.ndarray]:
    """P10/P50/P90 by day: '<metric>_pXX' -> [days, commodities] (population: [days]).

    Each sample's daily series moves into one float32 cube (and is released from the
    sample), and quantiles are taken a block of days at a time, so memory stays near the
    cube itself: 4 bytes x replications x days x commodities x 3.
    """
    ordered = sorted(samples, key=lambda s: s.index)
    n, days, width = len(ordered), scenario.days, len(scenario.commodities)
    cube = np.empty((n, days, width, len(DAILY_METRICS)), dtype=DAILY_DTYPE)
    people = np.empty((n, days), dtype=DAILY_DTYPE)
    for i, sample in enumerate(ordered):
        cube[i], people[i] = sample.daily, sample.population
        sample.daily = sample.population = None  # the cube holds it now
    out = {f"{m}_{q}": np.empty((days, width)) for m in DAILY_METRICS for q in STAT_LABELS}
    out.update({f"population_{q}": np.empty(days) for q in STAT_LABELS})
    for first in range(0, days, QUANTILE_BLOCK_DAYS):
        block = slice(first, min(first + QUANTILE_BLOCK_DAYS, days))
        for m, metric in enumerate(DAILY_METRICS):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells: no need in any replication
                q = np.nanquantile(cube[:, block, :, m].astype(float), QUANTILES, axis=0)
            for k, label in enumerate(STAT_LABELS):
                out[f"{metric}_{label}"][block] = q[k]
        q = np.quantile(people[:, block].astype(float), QUANTILES, axis=0)
        for k, label in enumerate(STAT_LABELS):
            out[f"population_{label}"][block] = q[k]
    return out
