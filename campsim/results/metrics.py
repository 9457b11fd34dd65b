"""Engine arrays -> each line's shortage metrics, one dict per replication.

Metrics are computed from plain numpy arrays of either engine; the keys and their order
are defined once, in summary.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from campsim.model import rules, standards
from campsim.model.outputs import RunArrays
from campsim.plan.compile import Plan


def day_date(start: date, day: int) -> str:
    """ISO date of a day number."""
    return (start + timedelta(days=int(day))).isoformat()


def day_dates(start: date, days: int) -> np.ndarray:
    """ISO dates of days 0..days-1, formatted at once."""
    return np.datetime_as_string(np.datetime64(start, "D") + np.arange(days), unit="D").astype(object)


def shortage_mask(need: np.ndarray, distributed: np.ndarray) -> np.ndarray:
    """Days below the standard: distributed < need x (1 - 1e-9); a day with need 0 is met."""
    return (need > 0) & (distributed < rules.shortage_threshold(need))


def critical_mask(critical_per_person_day: float | None, need: np.ndarray, distributed: np.ndarray,
                  population: np.ndarray) -> np.ndarray:  # fmt: skip
    """Days on which each person got less than the commodity's critical level (None or NaN: none)."""
    if critical_per_person_day is None or np.isnan(critical_per_person_day):
        return np.zeros(need.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = np.where(population > 0, distributed / population, np.inf)
    return (need > 0) & (per_person < critical_per_person_day * (1 - standards.SHORTAGE_RTOL))


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
    if values.ndim == 2 and values.shape[1] > 1 and values.strides[1] == values.itemsize:
        # replications side by side in memory: numpy adds along days row by row (pairwise
        # summation is only along the contiguous axis), without cumsum's [days, reps] copy
        return np.sum(values, axis=0)
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


KIT_KEYS = ("kits_delivered", "households_waited", "mean_wait_days", "longest_wait_days", "on_time_share")


def last_review_cut(cut: np.ndarray, every: int, first_day: int = 0) -> np.ndarray:
    """[day, replication]: whether the buying line's last review before each day was cut by money.

    Reviews run after distribution, so the review that stocks day d is the last one on a day
    before d: ((d - 1) // every) x every. A line that never reviews (every 0) is never cut.
    ``first_day`` is the scenario's day number of row 0 (a forecast's: the day after its state);
    a review before row 0 is not in the arrays and counts as not cut.
    """
    out = np.zeros(cut.shape, dtype=bool)
    if every > 0 and cut.shape[0] > 1:
        review = (np.arange(1, cut.shape[0]) + first_day - 1) // every * every - first_day
        seen = review >= 0
        out[1:][seen] = cut[review[seen]] > 0
    return out


def kit_waits(new_need: np.ndarray, distributed: np.ndarray, shortfall: np.ndarray) -> dict[str, np.ndarray]:
    """A kit line's backlog as waits, from its daily arrays [day, replication] (docs/semantics.md, Kits).

    The backlog is served oldest first, so the kits left owed at the end of day t are the newest:
    of today's households' kits, min(new_need, shortfall) wait. Every kit still owed at the end of
    a day adds one kit-day. The longest wait is its cohort's last kit's: from its arrival day t to
    the first day the kits handed out so far reach the kits owed by day t (the horizon if never).
    Returns [replication] arrays: owed, waited (kits not handed out on arrival), kit_days, longest.
    """
    waited = np.minimum(new_need, shortfall)
    owed_by = np.cumsum(new_need, axis=0) * (1 - standards.SHORTAGE_RTOL)  # rounding of the running sums
    given_by = np.cumsum(distributed, axis=0)
    days = np.arange(new_need.shape[0])
    longest = np.zeros(new_need.shape[1], dtype=np.int64)
    for r in range(new_need.shape[1]):  # a running sum per replication: one search, no loop over days
        served_on = np.searchsorted(given_by[:, r], owed_by[:, r], side="left")
        longest[r] = np.max(np.where(waited[:, r] > 0, served_on - days, 0), initial=0)
    return {"owed": day_sums(new_need), "waited": day_sums(waited), "kit_days": day_sums(shortfall), "longest": longest}


def kit_keys(waits: dict[str, np.ndarray], delivered: np.ndarray, per_new_household: float) -> dict[str, np.ndarray]:
    """summary.json's kit keys from kit_waits' sums (a network adds its camps' sums first)."""
    owed, waited = waits["owed"], waits["waited"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "kits_delivered": delivered,
            "households_waited": waited / per_new_household if per_new_household else 0.0 * waited,
            "mean_wait_days": np.where(owed > 0, waits["kit_days"] / owed, 0.0),
            "longest_wait_days": waits["longest"],
            "on_time_share": np.where(owed > 0, (owed - waited) / owed, 1.0),
        }


def shortage_cause(first: int | None, breaks: np.ndarray, funds_out: np.ndarray) -> str | None:
    """Why the first shortage day fell short: "funds exhausted", "pipeline break" or "ration cut"."""
    if first is None:
        return None
    if not breaks[first]:
        return "ration cut"
    return "funds exhausted" if funds_out[first] else "pipeline break"


def commodity_metrics(
    plan: Plan, line: int, arrays: RunArrays, dates: np.ndarray, population: np.ndarray | None = None,
    household_size: float | None = None, buying: tuple[np.ndarray, int] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The summary.json metrics of one line, one dict per replication (see docs/semantics.md).

    Arrays are day-major, [day, replication], whichever engine made them; ``dates`` are
    the ISO dates of the plan's days. Keys come in no particular order (summary.py orders them).
    A network's camp line passes its camp's ``population`` and ``household_size``, and
    ``buying``: the funds_cut [day, replication] and review period of the line whose money
    buys for it (default: its own).
    """
    d = {name: arrays.line(name, line) for name in arrays.daily}
    population = arrays.population if population is None else population
    household_size = plan.household_size if household_size is None else household_size
    cut, every = (d["funds_cut"], int(plan.review_every_days[line])) if buying is None else buying
    kits = bool(plan.kits[line])
    unit_cost = float(plan.unit_cost_usd[line])
    critical = float(plan.critical_per_person_day[line])
    need, distributed = d["need"], d["distributed"]
    reps = need.shape[1]
    short = shortage_mask(need, distributed)
    with np.errstate(divide="ignore", invalid="ignore"):
        unmet_share = np.where(need > 0, 1 - distributed / need, 0.0)
    if kits:
        need_total = day_sums(d["new_need"])
        shortfall = d["shortfall"][-1]  # the backlog still owed at the end
        kits_per_household = float(plan.per_new_household[line])
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
    funds_out = breaks & last_review_cut(cut, every, plan.first_day)
    first_cut_by_money = first_days(cut > 0)
    cut = d["ration_level"] < 1
    first_cut = first_days(cut)
    people_total = day_sums(population)
    distributed_total = day_sums(distributed)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(need_total > 0, distributed_total / need_total, 1.0)
    at_standard = None if kits else _share(population, ~short, people_total).tolist()
    below_critical = (
        None
        if np.isnan(critical)
        else _share(population, critical_mask(critical, need, distributed, population), people_total).tolist()
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
        "unmet_cost_usd": shortfall * unit_cost,
        "received_usd": day_sums(d["funds_received"]),
        "spent_usd": day_sums(d["spent"]),
        "balance_usd": d["balance"][-1],
        "received": day_sums(d["received"]),
        "spoiled": day_sums(d["spoiled"]),
        "overflow": day_sums(d["overflow"]),
        "end_stock": d["stock"][-1],
        "end_pipeline": np.asarray(arrays.end_pipeline[line], dtype=float).reshape(reps),
        "ration_cut_days": np.sum(cut, axis=0),
        "peak_people_short": np.where(any_short, np.max(people_short, axis=0), 0.0),
        "pipeline_break_days": np.sum(breaks, axis=0),
        "funds_exhausted_days": np.sum(funds_out, axis=0),
    }
    if kits:
        waits = kit_waits(d["new_need"], distributed, d["shortfall"])
        columns.update(kit_keys(waits, distributed_total, float(plan.per_new_household[line])))
        columns.update({f"_kit_{key}": value for key, value in waits.items()})  # for a network's totals
    col = {k: v.tolist() for k, v in columns.items()}  # Python ints and floats, fast
    break_runs = runs_by_column(breaks)
    out = []
    for r in range(reps):
        first = first_short[r]
        values = {key: column[r] for key, column in col.items()}
        values.update(
            {
                "unit": plan.units[line],
                "kind": "per_new_household" if kits else "per_person_day",
                "first_shortage_day": first,
                "first_shortage_date": None if first is None else dates[first],
                "requirement_usd": float(plan.requirement_usd[line]),
                "initial_stock": float(plan.initial_stock[line]),
                "first_ration_cut_date": None if first_cut[r] is None else dates[first_cut[r]],
                "first_shortage_cause": shortage_cause(first, breaks[:, r], funds_out[:, r]),
                "funds_exhausted_first_date": None if first_cut_by_money[r] is None else dates[first_cut_by_money[r]],
                "requirement_source": plan.requirement_source[line],
                "share_person_days_at_standard": None if at_standard is None else at_standard[r],
                "share_person_days_below_critical": None if below_critical is None else below_critical[r],
                "pipeline_breaks": [{"start": dates[a], "end": dates[a + n - 1], "days": n} for a, n in break_runs[r]],
            }
        )
        if not kits:
            values.update(dict.fromkeys(KIT_KEYS))
        out.append(values)
    return out
