"""Tables (pandas DataFrames) built once, at the end, from a run's arrays: daily.csv,
events.csv, daily_quantiles.csv and p_shortage_by_date.csv.

Their ``date`` columns are datetime64 (dates a notebook can plot, resample and compare);
``to_csv`` writes a midnight datetime as its ISO date, so the files read ``2017-10-01`` as
they always have.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from campsim.model.outputs import DAILY_FIELDS, RunArrays
from campsim.plan.compile import Plan
from campsim.results.metrics import shortage_mask

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


def day_stamps(start: date, days: int | np.ndarray) -> np.ndarray:
    """The dates of days 0..days-1 (or of the given day numbers) as datetime64[s], pandas' unit for dates."""
    numbers = np.arange(days) if np.ndim(days) == 0 else np.asarray(days, dtype=np.int64)
    return (np.datetime64(start, "D") + numbers).astype("datetime64[s]")


def daily_frame(plan: Plan, arrays: RunArrays, replication: int = 0) -> pd.DataFrame:
    """One row per day and commodity (day-major, commodities in file order) of one replication."""
    r = replication - arrays.first
    n_days, n_lines = plan.days, len(plan.lines)

    def stacked(field: str) -> np.ndarray:
        return arrays.daily[field][:, :, r].reshape(-1)

    def per_day(values: np.ndarray) -> np.ndarray:
        return np.repeat(values, n_lines)

    need, distributed = stacked("need"), stacked("distributed")
    frame = pd.DataFrame(
        {
            "day": per_day(np.arange(n_days)),
            "date": per_day(day_stamps(plan.start, n_days)),
            "commodity": np.tile(np.array(plan.lines, dtype=object), n_days),
            "population": per_day(arrays.population[:, r]),
            **{f: stacked(f) for f in DAILY_COLUMNS[4:] if f in DAILY_FIELDS},
            "arrivals": per_day(arrays.arrivals[:, r]),
            "departures": per_day(arrays.departures[:, r]),
            **{f: stacked(f) for f in DAILY_EXTRA_COLUMNS if f in DAILY_FIELDS and f != "stockout"},
            "shortage": shortage_mask(need, distributed).astype(int),
            "stockout": stacked("stockout").astype(int),
        }
    )
    return frame[DAILY_COLUMNS + DAILY_EXTRA_COLUMNS]


def events_frame(plan: Plan, arrays: RunArrays) -> pd.DataFrame:
    """The event log as a table, in the order things happened."""
    rows = [(e.day, None, e.kind, e.commodity, e.quantity, e.cost_usd, e.note) for e in arrays.events]
    frame = pd.DataFrame(rows, columns=EVENT_COLUMNS).astype({"day": int, "quantity": float, "cost_usd": float})
    frame["date"] = day_stamps(plan.start, frame["day"].to_numpy())
    return frame


def quantile_frame(plan: Plan, quantiles: dict[str, np.ndarray], order: list[str]) -> pd.DataFrame:
    """daily_quantiles.csv: day, date, commodity, then <metric>_p10/_p50/_p90 (metrics in ``order``)."""
    names = list(plan.lines)
    days = np.arange(plan.days)
    frame = {
        "day": np.repeat(days, len(names)),
        "date": np.repeat(day_stamps(plan.start, plan.days), len(names)),
        "commodity": np.tile(np.array(names, dtype=object), plan.days),
    }
    for key in sorted(quantiles, key=lambda k: (order.index(k.rsplit("_", 1)[0]), k)):
        values = quantiles[key]
        frame[key] = np.repeat(values, len(names)) if values.ndim == 1 else values.reshape(-1)
    return pd.DataFrame(frame)


def first_shortage_frame(plan: Plan, by_date: dict[str, dict[str, float]]) -> pd.DataFrame:
    """p_shortage_by_date.csv: P(first shortage on or before the date), per commodity."""
    rows = []
    for name in plan.lines:
        for day, p in enumerate(by_date[name].values()):  # keyed by ISO date, one per day from the start
            rows.append((day, None, name, p))
    frame = pd.DataFrame(rows, columns=["day", "date", "commodity", "p_first_shortage_by_date"]).astype({"day": int})
    frame["date"] = day_stamps(plan.start, frame["day"].to_numpy())
    return frame.sort_values(["day"], kind="stable")
