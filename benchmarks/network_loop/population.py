"""The network loop's population: overflow order, one population day, the expected path, requirements."""

from __future__ import annotations

import numpy as np

from benchmarks.network_loop.sites import POPULATION_FIELDS, Camp
from campsim.model.scenario import Scenario


def overflow_order(camps: list[Camp]) -> list[Camp]:
    """Camps so that each comes after every camp whose overflow leads to it; otherwise file order."""
    left, placed = list(camps), []
    while left:
        feeding = {c.overflow_to for c in left}
        ready = next(c for c in left if c.name not in feeding)
        placed.append(ready)
        left.remove(ready)
    return placed


def population_day(day: int, order: list[Camp], paths: list[dict], before: list[float], own: list[float],
                   departures: list[float]) -> None:  # fmt: skip
    """Step 1 of one day, camps in overflow order: each takes in what it has room for, the rest overflows on
    or is turned away. Writes the day into ``paths`` (one dict of POPULATION_FIELDS a camp)."""
    sent = [0.0] * len(paths)
    for camp in order:
        k = camp.index
        path = paths[k]
        incoming = own[k] + sent[k]
        accepted = min(incoming, max(camp.room - (before[k] - departures[k]), 0.0))
        rest = incoming - accepted
        if camp.target is not None:
            sent[camp.target] = sent[camp.target] + rest
            path["overflow_out"][day] = rest
        else:
            path["turned_away"][day] = rest
        path["own_arrivals"][day], path["departures"][day], path["accepted"][day] = own[k], departures[k], accepted
        path["population"][day] = before[k] + (accepted - departures[k])
    for k, path in enumerate(paths):
        path["overflow_in"][day] = sent[k]


def new_paths(camps: list[Camp], days: int) -> list[dict[str, list[float]]]:
    return [{f: [0.0] * days for f in POPULATION_FIELDS} for _ in camps]


def expected_leave(camp: Camp, day: int, before: float) -> float:
    """Expected departures: departures_per_day x P(d-1), plus the scheduled ones capped by the people left."""
    leaving = camp.rate * before
    return min(leaving + min(camp.scheduled[day], before - leaving), before)


def expected_path(camps: list[Camp], days: int) -> list[dict[str, list[float]]]:
    """Every camp's path with every random input at its expected value."""
    order, paths = overflow_order(camps), new_paths(camps, days)
    before = [c.initial for c in camps]
    for day in range(days):
        departures = [expected_leave(c, day, before[c.index]) for c in camps]
        population_day(day, order, paths, before, [c.means[day] for c in camps], departures)
        before = [path["population"][day] for path in paths]
    return paths


def requirements(s: Scenario, camps: list[Camp]) -> list[float]:
    """Each commodity's requirement: its own, or its takers' full need on the expected path x unit cost."""
    paths = expected_path(camps, s.days)
    # each camp's column summed as numpy sums it (pairwise), as campsim does: tranches to the last bit
    people_days = [float(np.sum(np.array(path["population"]))) for path in paths]
    households = [
        float(np.sum(np.array(path["accepted"]))) / c.household_size for c, path in zip(camps, paths, strict=True)
    ]
    out = []
    for name, item in s.commodities.items():
        takers = [k for k, camp in enumerate(s.camps.values()) if name in camp.commodities]
        if item.requirement_usd is not None:
            out.append(item.requirement_usd)
        elif item.unit_cost_usd == 0 or not takers:
            out.append(0.0)
        elif item.per_household:
            out.append(float(sum(households[k] for k in takers)) * item.per_new_household * item.unit_cost_usd)
        else:
            out.append(float(sum(people_days[k] for k in takers)) * item.per_person_day * item.unit_cost_usd)
    return out
