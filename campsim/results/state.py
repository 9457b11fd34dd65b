"""A forecast's results: the run shapes of the forecast's days, and the state they start from.

The engines step a forecast on the scenario's own day numbers (so reviews, tranches and
disruptions fall where a run has them) over the whole horizon's arrays; the days up to
the state's as_of are never stepped. ``window`` cuts the arrays and events down to the
forecast's days, and ``forecast_view`` (plan/state.py) dates them from the day after as_of.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

import numpy as np

from campsim.model.outputs import RunArrays
from campsim.model.state import State
from campsim.plan.arrays import Plan
from campsim.results.run import NetworkResult, ReplicatedResult


@dataclass
class Forecast:
    """What ``run_forecast`` returns.

    Attributes:
        result: the forecast days in the shapes ``run_replications`` returns: replication
            0's daily and events tables (a NetworkResult for a network, with warehouses),
            summary means over replications, daily quantiles, P(first shortage by date);
            its ``plan`` is the forecast's view (start = the day after as_of, days = the
            forecast's), so every table is dated with the forecast's calendar dates.
        samples: one runs.replicate.Sample per replication (summary and daily arrays), in
            replication order.
        arrays: every replication's daily arrays over the forecast days ([day, line, rep];
            a network's NetworkArrays), for the warning table's per-replication dates.
        state: the state the forecast starts from.
        as_of_day: as_of as a day number of the scenario (the forecast's first day is the next).
        days: the forecast's length in days.
        start: the forecast's first date (the day after as_of).
        plan: the scenario's full plan (day numbers from its start).
    """

    result: ReplicatedResult | NetworkResult
    samples: list
    arrays: RunArrays
    state: State
    as_of_day: int
    days: int
    start: date
    plan: Plan

    @property
    def first_day(self) -> int:
        """The forecast's first day as a day number of the scenario."""
        return self.as_of_day + 1


def window(arrays: RunArrays, first: int, stop: int) -> RunArrays:
    """The arrays of days first..stop-1 (day axis first), their events shifted to day 0 = first."""
    out = {}
    for f in fields(arrays):
        value = getattr(arrays, f.name)
        if f.name in ("end_pipeline", "end_warehouse_pipeline", "first"):
            out[f.name] = value
        elif f.name == "events":
            out[f.name] = [replace(e, day=e.day - first) for e in value if first <= e.day < stop]
        elif isinstance(value, dict):
            out[f.name] = {k: v[first:stop].copy() for k, v in value.items()}  # copies: the horizon's go
        elif isinstance(value, np.ndarray):
            out[f.name] = value[first:stop].copy()
        else:
            out[f.name] = value
    return type(arrays)(**out)


def renumbered(result, first: int):
    """The result with its tables' ``day`` column continuing the scenario's day numbers (the forecast's
    first day is ``first``), so a forecast's rows line up with a run's by day as by date."""
    for name in ("daily", "events", "warehouses", "daily_quantiles", "p_shortage_by_date"):
        frame = getattr(result, name, None)
        if frame is not None and "day" in frame.columns:
            frame["day"] = frame["day"] + first
    return result
