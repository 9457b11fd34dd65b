"""The random inputs of a forecast: a run's draws, with the people stepped from the state's.

Arrivals, lead times and transit times come from the run's own named streams (plan/draw.py),
so a forecast shares them with the run it continues (common random numbers). Departures
depend on the people present: the run's path up to the forecast's first day is stepped again
(its draws dropped) so the departures stream stands where the run's does, then they are drawn
along the path from the state's population. A state a stochastic run wrote thus continues
its replication draw for draw. The days before the first day are zeros, never stepped.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from campsim.plan.arrays import Plan
from campsim.plan.compile import expected_path
from campsim.plan.draw import Draws, NetworkDraws, _draw_departures, lead_days
from campsim.plan.state import Start
from campsim.plan.streams import stream


def _pad(array: np.ndarray, first: int) -> np.ndarray:
    """``array`` of the days from ``first`` on, with zero rows for the days before."""
    out = np.zeros((first + array.shape[0], *array.shape[1:]), dtype=array.dtype)
    out[first:] = array
    return out


def draw_from(plan: Plan, start: Start, seed: int, first: int = 0, stop: int = 1) -> Draws:
    """Replications first..stop-1 of a single camp restarted on ``start.day`` ([day, ...] over the plan's days)."""
    if plan.network is not None:
        return draw_network_from(plan, start, seed, first, stop)
    day, people, rate = start.day, float(start.people[0]), plan.departures_per_day
    means, scheduled = plan.arrival_means, plan.scheduled_departures
    arrivals, departures, leads = [], [], []
    for r in range(first, stop):
        if plan.deterministic:
            arrived = means.astype(float)
            gone = _pad(expected_path(people, rate, means[day:], scheduled[day:])[0], day)
        else:
            arrived = stream(seed, r, "arrivals").poisson(means).astype(float)
            extra = None  # the run's draws of every day (a draw's values depend on the days before it)
            if scheduled.any():
                extra = stream(seed, r, "departures/data").poisson(scheduled).astype(np.int64)
            rng = stream(seed, r, "departures") if rate > 0 else None
            if rng is not None and day > 0:  # the run's path up to as_of, dropped: its stream then stands
                _draw_departures(rng, plan.initial_people, rate, arrived[:day], None if extra is None else extra[:day])
            tail = None if extra is None else extra[day:]
            gone = _pad(_draw_departures(rng, int(people), rate, arrived[day:], tail), day)
        arrivals.append(arrived)
        departures.append(gone)
        leads.append(lead_days(plan.lead_times, [f"lead_time/{x}" for x in plan.lines], plan, seed, r))
    return Draws(
        first=first,
        arrivals=np.stack(arrivals, axis=1),
        departures=np.stack(departures, axis=1),
        lead_times_days=np.stack(leads, axis=2),
    )


def draw_network_from(plan: Plan, start: Start, seed: int, first: int = 0, stop: int = 1) -> NetworkDraws:
    """Replications first..stop-1 of a network restarted on ``start.day``: each camp's people from the state's."""
    from campsim.plan.camps import drawn_population, expected_leave, population_path

    net, day = plan.network, start.day
    sites, routes = net.sites, net.routes
    n = stop - first
    if plan.deterministic:
        camps = replace(
            net.camps,
            initial_people=start.people.astype(float),
            arrival_means=net.camps.arrival_means[day:],
            scheduled_departures=net.camps.scheduled_departures[day:],
        )
        one = population_path(camps, camps.arrival_means, expected_leave(camps))
        tail = {k: np.repeat(v[:, :, None], n, axis=2) for k, v in one.__dict__.items()}
    else:
        tail = drawn_population(net.camps, seed, first, stop, (day, start.people.astype(float))).__dict__
    path = type(net.expected)(**{k: _pad(v, day) for k, v in tail.items()})
    items = sites.commodities
    w_names = [
        f"lead_time/{sites.warehouses[w]}/{items[c]}"
        for w, c in zip(sites.wline_warehouse, sites.wline_commodity, strict=True)
    ]
    names = [
        f"lead_time/{net.camps.names[k]}/{items[c]}" for k, c in zip(sites.line_camp, sites.line_commodity, strict=True)
    ]
    lines = [lead_days(plan.lead_times, names, plan, seed, r) for r in range(first, stop)]
    wlines = [lead_days(sites.w_lead_times, w_names, plan, seed, r) for r in range(first, stop)]
    transit = [
        lead_days(routes.transit, [f"transit/{x}" for x in routes.names], plan, seed, r) for r in range(first, stop)
    ]
    return NetworkDraws(
        first=first,
        arrivals=path.accepted.sum(axis=1),
        departures=path.departures.sum(axis=1),
        lead_times_days=np.stack(lines, axis=2),
        path=path,
        w_lead_times_days=np.stack(wlines, axis=2),
        transit_days=np.stack(transit, axis=2),
    )
