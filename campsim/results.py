"""Engine arrays -> shortage metrics, the summary dict, and tidy DataFrames.

Metrics are computed from plain numpy arrays (so a batch engine can reuse them);
pandas is only used to build the daily and events tables once, at the end.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from campsim import standards
from campsim.engine import DAILY_FIELDS, EngineResult, LineResult
from campsim.scenario import Commodity, Scenario

DAILY_COLUMNS = [
    "day", "date", "commodity", "population", "need", "distributed", "shortfall", "ration",
    "stock", "pipeline", "received", "ordered", "spent", "balance", "days_of_cover",
]  # fmt: skip
# Columns added to the contract: more detail, same rows.
DAILY_EXTRA_COLUMNS = [
    "arrivals", "departures", "ration_level", "new_need", "spoiled", "overflow",
    "funds_received", "shortage", "stockout",
]  # fmt: skip
EVENT_COLUMNS = ["day", "date", "kind", "commodity", "quantity", "cost_usd", "note"]


def day_date(start: date, day: int) -> str:
    """ISO date of a day number."""
    return (start + timedelta(days=int(day))).isoformat()


def shortage_mask(need: np.ndarray, distributed: np.ndarray) -> np.ndarray:
    """Days below the standard: distributed < need x (1 - 1e-9); a day with need 0 is met."""
    return (need > 0) & (distributed < need * (1 - standards.SHORTAGE_RTOL))


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first day, length) of each run of consecutive True days."""
    padded = np.concatenate(([False], mask.astype(bool), [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b - a)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def critical_mask(spec: Commodity, need: np.ndarray, distributed: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Days on which each person got less than the commodity's critical level."""
    if spec.critical_per_person_day is None:
        return np.zeros(len(need), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = np.where(population > 0, distributed / population, np.inf)
    return (need > 0) & (per_person < spec.critical_per_person_day * (1 - standards.SHORTAGE_RTOL))


def _share(population: np.ndarray, mask: np.ndarray, total: float) -> float:
    """Share of person-days on days where mask holds (1 for 'met' when there are no people)."""
    if total <= 0:
        return float(mask.all())
    return float(np.sum(population[mask])) / total


def commodity_metrics(
    spec: Commodity,
    line: LineResult,
    population: np.ndarray,
    household_size: float,
    start: date,
) -> dict[str, Any]:
    """The summary.json metrics of one commodity (see docs/semantics.md)."""
    d = line.daily
    need, distributed = d["need"], d["distributed"]
    short = shortage_mask(need, distributed)
    with np.errstate(divide="ignore", invalid="ignore"):
        unmet_share = np.where(need > 0, 1 - distributed / need, 0.0)
    if spec.per_household:
        need_total = float(np.sum(d["new_need"]))
        shortfall = float(d["shortfall"][-1])  # the backlog still owed at the end
        kits_per_household = spec.per_new_household
        households_waiting = d["shortfall"] / kits_per_household if kits_per_household else 0 * need
        people_short = households_waiting * household_size
        person_days = float(np.sum(people_short))
    else:
        need_total = float(np.sum(need))
        shortfall = float(np.sum(d["shortfall"]))
        person_days = float(np.sum(population * unmet_share))
        people_short = np.where(short, population, 0.0)
    short_runs = runs(short)
    first_cause = None
    if short_runs:
        first_cause = "pipeline break" if d["stockout"][short_runs[0][0]] > 0 else "ration cut"
    people_total = float(np.sum(population))
    break_runs = runs(d["stockout"] > 0)
    cut = d["ration_level"] < 1
    first_short = short_runs[0][0] if short_runs else None
    distributed_total = float(np.sum(distributed))
    return {
        "unit": spec.unit,
        "kind": "per_new_household" if spec.per_household else "per_person_day",
        "need": need_total,
        "distributed": distributed_total,
        "coverage": distributed_total / need_total if need_total > 0 else 1.0,
        "shortfall": shortfall,
        "shortfall_person_days": person_days,
        "shortage_days": int(np.sum(short)),
        "first_shortage_day": first_short,
        "first_shortage_date": None if first_short is None else day_date(start, first_short),
        "longest_shortage_days": max((n for _, n in short_runs), default=0),
        "min_ration": float(np.min(d["ration"])),
        "unmet_cost_usd": shortfall * spec.unit_cost_usd,
        "requirement_usd": float(line.requirement_usd),
        "received_usd": float(np.sum(d["funds_received"])),
        "spent_usd": float(np.sum(d["spent"])),
        "balance_usd": float(d["balance"][-1]),
        "initial_stock": float(line.initial_stock),
        "received": float(np.sum(d["received"])),
        "spoiled": float(np.sum(d["spoiled"])),
        "overflow": float(np.sum(d["overflow"])),
        "end_stock": float(d["stock"][-1]),
        "end_pipeline": float(line.end_pipeline),
        # beyond the contract: what kind of shortage, and when
        "ration_cut_days": int(np.sum(cut)),
        "first_ration_cut_date": day_date(start, int(np.argmax(cut))) if cut.any() else None,
        "first_shortage_cause": first_cause,
        "peak_people_short": float(np.max(people_short)) if short.any() else 0.0,
        "share_person_days_at_standard": (None if spec.per_household else _share(population, ~short, people_total)),
        "share_person_days_below_critical": (
            None
            if spec.critical_per_person_day is None
            else _share(population, critical_mask(spec, need, distributed, population), people_total)
        ),
        "pipeline_break_days": int(np.sum(d["stockout"] > 0)),
        "pipeline_breaks": [
            {"start": day_date(start, a), "end": day_date(start, a + n - 1), "days": n} for a, n in break_runs
        ],
    }


def summarize(s: Scenario, r: EngineResult, seed: int) -> dict[str, Any]:
    """The summary.json dict of one run."""
    commodities = {
        name: commodity_metrics(spec, r.lines[name], r.population, s.population.household_size, s.start)
        for name, spec in s.commodities.items()
    }
    return {
        "scenario": s.name,
        "start": s.start.isoformat(),
        "end": day_date(s.start, s.days - 1),
        "days": s.days,
        "seed": seed,
        "deterministic": s.deterministic,
        "replications": 1,
        "population": {
            "initial": s.population.initial,
            "final": float(r.population[-1]),
            "arrivals": float(np.sum(r.arrivals)),
            "departures": float(np.sum(r.departures)),
            "peak": float(np.max(r.population)),
        },
        "commodities": commodities,
        "funding": {
            key: float(sum(c[key] for c in commodities.values()))
            for key in ("requirement_usd", "received_usd", "spent_usd", "balance_usd")
        },
    }


def daily_frame(s: Scenario, r: EngineResult) -> pd.DataFrame:
    """One row per day and commodity (day-major, commodities in file order)."""
    names = list(s.commodities)
    n_days, n_com = s.days, len(names)

    def stacked(field: str) -> np.ndarray:
        return np.column_stack([r.lines[n].daily[field] for n in names]).reshape(-1)

    def per_day(values: np.ndarray) -> np.ndarray:
        return np.repeat(values, n_com)

    days = np.arange(n_days)
    frame = pd.DataFrame(
        {
            "day": per_day(days),
            "date": per_day(np.array([day_date(s.start, d) for d in days])),
            "commodity": np.tile(np.array(names, dtype=object), n_days),
            "population": per_day(r.population),
            **{f: stacked(f) for f in DAILY_COLUMNS[4:] if f in DAILY_FIELDS},
            "arrivals": per_day(r.arrivals),
            "departures": per_day(r.departures),
            **{f: stacked(f) for f in DAILY_EXTRA_COLUMNS if f in DAILY_FIELDS},
        }
    )
    frame["shortage"] = shortage_mask(frame["need"].to_numpy(), frame["distributed"].to_numpy())
    frame["shortage"] = frame["shortage"].astype(int)
    frame["stockout"] = frame["stockout"].astype(int)
    return frame[DAILY_COLUMNS + DAILY_EXTRA_COLUMNS]


def events_frame(s: Scenario, r: EngineResult) -> pd.DataFrame:
    """The event log as a table, in the order things happened."""
    rows = [(e.day, day_date(s.start, e.day), e.kind, e.commodity, e.quantity, e.cost_usd, e.note) for e in r.events]
    frame = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    return frame.astype({"quantity": float, "cost_usd": float})
