"""Many replications become one summary: means (day-valued keys: lower medians), P10/P50/P90,
the chance of a shortage, and daily quantiles.

Summaries are always aggregated in replication order, so results do not depend on how
replications were chunked or which executor ran them.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from typing import Any

import numpy as np

from campsim.plan.compile import Plan
from campsim.results.summary import DAY_KEYS, HEAD_KEYS, TEXT_KEYS, Summary, funding_totals

QUANTILES = (0.1, 0.5, 0.9)
STAT_LABELS = ("p10", "p50", "p90")
DAILY_METRICS = ("stock", "ration", "days_of_cover")  # per commodity; population per day
DAILY_ORDER = ["stock", "ration", "days_of_cover", "population"]  # daily_quantiles.csv's column order
# daily values are kept as float32: 4 bytes per day, commodity and metric per replication
DAILY_DTYPE = np.float32


def _quantiles(values: np.ndarray) -> dict[str, float]:
    q = np.quantile(values, QUANTILES)
    return {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2])}


def _lower_median(values: list[int]) -> int | None:
    return int(np.quantile(values, 0.5, method="lower")) if values else None


def aggregate(plan: Plan, summaries: list[Summary]) -> Summary:
    """summary.json over replications (in replication order): means (day-valued keys: lower
    medians) plus uncertainty."""
    first = summaries[0]
    commodities, uncertainty = {}, {}
    for name in first["commodities"]:
        commodities[name], uncertainty[name] = merge_commodity(plan, [s["commodities"][name] for s in summaries])
    population = {key: float(np.mean([s["population"][key] for s in summaries])) for key in first["population"]}
    return Summary(
        **{k: first[k] for k in HEAD_KEYS if k != "replications"},
        replications=len(summaries),
        population=population,
        commodities=commodities,
        funding=funding_totals(commodities),
        uncertainty=uncertainty,
        population_uncertainty={
            key: _quantiles(np.array([s["population"][key] for s in summaries], dtype=float))
            for key in first["population"]
        },
    )


def merge_commodity(plan: Plan, per_rep: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One commodity's keys over replications (means; day-valued keys lower medians), and its spread."""
    start = plan.start
    c0 = per_rep[0]
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
    for key in ("first_ration_cut_date", "funds_exhausted_first_date"):  # lower medians, as first_shortage_day
        day = _lower_median([(date.fromisoformat(c[key]) - start).days for c in per_rep if c[key]])
        merged[key] = None if day is None else (start + timedelta(days=day)).isoformat()
    merged["requirement_source"] = c0.get("requirement_source")  # the plan's (camps have none)
    merged["pipeline_breaks"] = c0["pipeline_breaks"]  # replication 0's, as in daily.csv
    short = np.array([c["shortage_days"] > 0 for c in per_rep])
    spread["p_shortage"] = float(np.mean(short))
    if plan.days <= 366:
        spread["p_shortage_by_date"] = p_shortage_by_date(plan, days_of_first(per_rep))
    return {k: merged[k] for k in c0}, spread


def _means(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Numbers averaged over replications, nested mappings alike."""
    first = items[0]
    return {key: _means([x[key] for x in items]) if isinstance(value, dict) else float(np.mean([x[key] for x in items]))
            for key, value in first.items()}  # fmt: skip


def aggregate_network(plan: Plan, summaries: list[Summary]) -> Summary:
    """A network's summary over replications: the single camp's aggregation for the totals, and for
    each camp (with its uncertainty under uncertainty.camps); warehouses and routes averaged."""
    out = aggregate(plan, summaries)
    camps, spread = {}, {}
    for name, site in summaries[0]["camps"].items():
        merged, spreads = {}, {}
        for item in site["commodities"]:
            merged[item], spreads[item] = merge_commodity(
                plan, [s["camps"][name]["commodities"][item] for s in summaries]
            )
        camps[name] = {"population": _means([s["camps"][name]["population"] for s in summaries]), "commodities": merged}
        spread[name] = {"commodities": spreads}
    out["uncertainty"]["camps"] = spread
    out["camps"] = camps
    out["warehouses"] = _means([s["warehouses"] for s in summaries]) if summaries[0]["warehouses"] else {}
    out["routes"] = _means([s["routes"] for s in summaries]) if summaries[0]["routes"] else {}
    return out


def days_of_first(per_rep: list[dict[str, Any]]) -> list[int | None]:
    """Each replication's first shortage day (None if it had none)."""
    return [c["first_shortage_day"] for c in per_rep]


def p_shortage_by_date(plan: Plan, firsts: list[int | None]) -> dict[str, float]:
    """P(first shortage on or before each date), over replications."""
    counts = np.zeros(plan.days)
    for day in firsts:
        if day is not None:
            counts[day] += 1
    cumulative = np.cumsum(counts) / max(len(firsts), 1)
    return {(plan.start + timedelta(days=d)).isoformat(): float(p) for d, p in enumerate(cumulative)}


QUANTILE_BLOCK_DAYS = 64  # days per quantile pass: bounds the temporaries of nanquantile


def daily_quantiles(plan: Plan, samples: list) -> dict[str, np.ndarray]:
    """P10/P50/P90 by day: '<metric>_pXX' -> [days, lines] (population: [days], a network's [days, lines]).

    ``samples`` have ``index``, ``daily`` [day, line, DAILY_METRICS] and ``population`` [day]
    (a network's: [day, line], each line's camp).
    Each sample's daily series moves into one float32 cube (and is released from the
    sample), and quantiles are taken a block of days at a time, so memory stays near the
    cube itself: 4 bytes x replications x days x commodities x 3.
    """
    ordered = sorted(samples, key=lambda s: s.index)
    n, days, width = len(ordered), plan.days, len(plan.lines)
    cube = np.empty((n, days, width, len(DAILY_METRICS)), dtype=DAILY_DTYPE)
    people = np.empty((n, *np.shape(ordered[0].population)), dtype=DAILY_DTYPE)  # [n, days] or [n, days, lines]
    for i, sample in enumerate(ordered):
        cube[i], people[i] = sample.daily, sample.population
        sample.daily = sample.population = None  # the cube holds it now
    out = {f"{m}_{q}": np.empty((days, width)) for m in DAILY_METRICS for q in STAT_LABELS}
    out.update({f"population_{q}": np.empty(people.shape[1:]) for q in STAT_LABELS})
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
