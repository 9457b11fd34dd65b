"""Engine arrays -> shortage metrics, the summary dict, and tidy DataFrames.

Metrics are computed from plain numpy arrays (so a batch engine can reuse them);
pandas is only used to build the daily and events tables once, at the end.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from campsim.model import rules as daymath
from campsim.model import standards
from campsim.engines.des import DAILY_FIELDS, EngineResult, LineResult
from campsim.model.schema import Commodity, Scenario

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
    return (need > 0) & (distributed < daymath.shortage_threshold(need))


def critical_mask(spec: Commodity, need: np.ndarray, distributed: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Days on which each person got less than the commodity's critical level."""
    if spec.critical_per_person_day is None:
        return np.zeros(need.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = np.where(population > 0, distributed / population, np.inf)
    return (need > 0) & (per_person < spec.critical_per_person_day * (1 - standards.SHORTAGE_RTOL))


def _share(population: np.ndarray, mask: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Share of person-days on days where mask holds (1 for 'met' when there are no people)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = day_sums(np.where(mask, population, 0.0)) / total
    return np.where(total > 0, share, mask.all(axis=0))


def day_sums(values: np.ndarray) -> np.ndarray:
    """Each column's sum over days, added day by day, whatever the number of columns.

    np.sum(axis=0) adds one column pairwise but several columns row by row, so a chunk of
    one replication would round differently from the same replication among others, and
    results would depend on the chunking. A running sum adds in one order always.
    """
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] > 1 and values.flags.c_contiguous:
        return np.sum(values, axis=0)  # row by row already, and without cumsum's [days, reps] copy
    return np.cumsum(values, axis=0)[-1] if len(values) else np.zeros(values.shape[1:])


def longest_runs(mask: np.ndarray) -> np.ndarray:
    """The longest run of consecutive True days in each column of a [days, replications] mask."""
    days = np.arange(mask.shape[0])[:, None]
    last_false = np.maximum.accumulate(np.where(mask, -1, days), axis=0)
    return np.max(np.where(mask, days - last_false, 0), axis=0, initial=0)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first day, length) of each run of consecutive True days of one mask."""
    return runs_by_column(np.asarray(mask, dtype=bool)[:, None])[0]


def runs_by_column(mask: np.ndarray) -> list[list[tuple[int, int]]]:
    """(first day, length) of each run of consecutive True days, for every column of a [days, replications] mask."""
    padded = np.zeros((mask.shape[0] + 2, mask.shape[1]), dtype=np.int8)
    padded[1:-1] = mask
    edges = np.diff(padded, axis=0).T  # replication-major, so nonzero comes out by replication, then day
    rep_start, start = np.nonzero(edges == 1)
    _, end = np.nonzero(edges == -1)
    out: list[list[tuple[int, int]]] = [[] for _ in range(mask.shape[1])]
    for r, a, b in zip(rep_start.tolist(), start.tolist(), end.tolist(), strict=True):
        out[r].append((a, b - a))
    return out


def first_days(mask: np.ndarray) -> list[int | None]:
    """The first True day of each column (None where there is none)."""
    first = np.argmax(mask, axis=0)
    return [int(f) if any_ else None for f, any_ in zip(first.tolist(), mask.any(axis=0).tolist(), strict=True)]


# summary.json's per-commodity keys, in their contract order (extras after end_pipeline)
METRIC_KEYS = (
    "unit", "kind", "need", "distributed", "coverage", "shortfall", "shortfall_person_days", "shortage_days",
    "first_shortage_day", "first_shortage_date", "longest_shortage_days", "min_ration", "unmet_cost_usd",
    "requirement_usd", "received_usd", "spent_usd", "balance_usd", "initial_stock", "received", "spoiled",
    "overflow", "end_stock", "end_pipeline",
    # beyond the contract: what kind of shortage, and when
    "ration_cut_days", "first_ration_cut_date", "first_shortage_cause", "peak_people_short",
    "share_person_days_at_standard", "share_person_days_below_critical", "pipeline_break_days", "pipeline_breaks",
)  # fmt: skip


def commodity_metrics_batch(
    spec: Commodity,
    daily: dict[str, np.ndarray],
    requirement_usd: float,
    initial_stock: float,
    end_pipeline: np.ndarray,
    population: np.ndarray,
    household_size: float,
    start: date,
) -> list[dict[str, Any]]:
    """The summary.json metrics of one commodity, one dict per replication (see docs/semantics.md).

    Arrays are day-major, [days, replications]; a single run is a batch of one, so the
    SimPy and the batch engines' summaries come out of the same code.
    """
    d = daily
    need, distributed = d["need"], d["distributed"]
    reps = need.shape[1]
    short = shortage_mask(need, distributed)
    with np.errstate(divide="ignore", invalid="ignore"):
        unmet_share = np.where(need > 0, 1 - distributed / need, 0.0)
    if spec.per_household:
        need_total = day_sums(d["new_need"])
        shortfall = d["shortfall"][-1]  # the backlog still owed at the end
        kits_per_household = spec.per_new_household
        households_waiting = d["shortfall"] / kits_per_household if kits_per_household else 0 * need
        people_short = households_waiting * household_size
        person_days = day_sums(people_short)
    else:
        need_total = day_sums(need)
        shortfall = day_sums(d["shortfall"])
        person_days = day_sums(population * unmet_share)
        people_short = np.where(short, population, 0.0)
    any_short = short.any(axis=0)
    first_short = first_days(short)
    breaks = d["stockout"] > 0
    cut = d["ration_level"] < 1
    first_cut = first_days(cut)
    people_total = day_sums(population)
    distributed_total = day_sums(distributed)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(need_total > 0, distributed_total / need_total, 1.0)
    at_standard = None if spec.per_household else _share(population, ~short, people_total).tolist()
    below_critical = (
        None
        if spec.critical_per_person_day is None
        else _share(population, critical_mask(spec, need, distributed, population), people_total).tolist()
    )
    columns = {
        "need": need_total,
        "distributed": distributed_total,
        "coverage": coverage,
        "shortfall": shortfall,
        "shortfall_person_days": person_days,
        "shortage_days": np.sum(short, axis=0),
        "longest_shortage_days": longest_runs(short),
        "min_ration": np.min(d["ration"], axis=0),
        "unmet_cost_usd": shortfall * spec.unit_cost_usd,
        "received_usd": day_sums(d["funds_received"]),
        "spent_usd": day_sums(d["spent"]),
        "balance_usd": d["balance"][-1],
        "received": day_sums(d["received"]),
        "spoiled": day_sums(d["spoiled"]),
        "overflow": day_sums(d["overflow"]),
        "end_stock": d["stock"][-1],
        "end_pipeline": np.asarray(end_pipeline, dtype=float).reshape(reps),
        "ration_cut_days": np.sum(cut, axis=0),
        "peak_people_short": np.where(any_short, np.max(people_short, axis=0), 0.0),
        "pipeline_break_days": np.sum(breaks, axis=0),
    }
    col = {k: v.tolist() for k, v in columns.items()}  # Python ints and floats, fast
    dates = [day_date(start, d) for d in range(need.shape[0])]
    break_runs = runs_by_column(breaks)
    out = []
    for r in range(reps):
        first = first_short[r]
        values = {key: column[r] for key, column in col.items()}
        values.update(
            {
                "unit": spec.unit,
                "kind": "per_new_household" if spec.per_household else "per_person_day",
                "first_shortage_day": first,
                "first_shortage_date": None if first is None else dates[first],
                "requirement_usd": float(requirement_usd),
                "initial_stock": float(initial_stock),
                "first_ration_cut_date": None if first_cut[r] is None else dates[first_cut[r]],
                "first_shortage_cause": (
                    None if first is None else "pipeline break" if breaks[first, r] else "ration cut"
                ),
                "share_person_days_at_standard": None if at_standard is None else at_standard[r],
                "share_person_days_below_critical": None if below_critical is None else below_critical[r],
                "pipeline_breaks": [{"start": dates[a], "end": dates[a + n - 1], "days": n} for a, n in break_runs[r]],
            }
        )
        out.append({key: values[key] for key in METRIC_KEYS})
    return out


def summarize_batch(s: Scenario, population: np.ndarray, arrivals: np.ndarray, departures: np.ndarray,
                    lines: dict, seed: int) -> list[dict[str, Any]]:  # fmt: skip
    """The summary.json dict of each replication of a batch (arrays [days, replications])."""
    per_commodity = {
        name: commodity_metrics_batch(
            spec,
            lines[name].daily,
            lines[name].requirement_usd,
            lines[name].initial_stock,
            lines[name].end_pipeline,
            population,
            s.population.household_size,
            s.start,
        )
        for name, spec in s.commodities.items()
    }
    pop = {
        "final": population[-1].tolist(),
        "arrivals": day_sums(arrivals).tolist(),
        "departures": day_sums(departures).tolist(),
        "peak": np.max(population, axis=0).tolist(),
    }
    head = {
        "scenario": s.name,
        "start": s.start.isoformat(),
        "end": day_date(s.start, s.days - 1),
        "days": s.days,
        "seed": seed,
        "deterministic": s.deterministic,
        "replications": 1,
    }
    out = []
    for r in range(population.shape[1]):
        commodities = {name: per_commodity[name][r] for name in s.commodities}
        out.append(
            {
                **head,
                "population": {"initial": s.population.initial, **{k: v[r] for k, v in pop.items()}},
                "commodities": commodities,
                "funding": {
                    key: float(sum(c[key] for c in commodities.values()))
                    for key in ("requirement_usd", "received_usd", "spent_usd", "balance_usd")
                },
            }
        )
    return out


def summarize(s: Scenario, r: EngineResult, seed: int) -> dict[str, Any]:
    """The summary.json dict of one run (a batch of one)."""
    lines = {
        name: LineResult(
            daily={k: v[:, None] for k, v in line.daily.items()},
            requirement_usd=line.requirement_usd,
            initial_stock=line.initial_stock,
            end_pipeline=line.end_pipeline,
        )
        for name, line in r.lines.items()
    }
    return summarize_batch(s, r.population[:, None], r.arrivals[:, None], r.departures[:, None], lines, seed)[0]


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
