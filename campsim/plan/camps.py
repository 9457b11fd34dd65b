"""A network's camps as arrays, and the population phase: overflow between camps, room limits.

The population of every camp never depends on stocks, so its whole path is known before
the engines run: from expected values (deterministic mode) or from draws.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from campsim.model import rules
from campsim.model.scenario import Scenario
from campsim.model.series import arrival_series
from campsim.plan.streams import stream


@dataclass(frozen=True)
class CampsPlan:
    """The camps' people: one column per camp."""

    names: tuple[str, ...]
    order: tuple[int, ...]  # the population phase's order: a camp after every camp that overflows into it
    initial_people: np.ndarray  # [camp]
    household_size: np.ndarray  # [camp]
    departures_per_day: np.ndarray  # [camp]
    max_population: np.ndarray  # [camp] inf where unlimited
    overflow_to: np.ndarray  # [camp] int, -1 where the overflow is turned away
    arrival_means: np.ndarray  # [day, camp] the camp's own expected arrivals (people/day)
    scheduled_departures: np.ndarray  # [day, camp] departures a population series schedules
    locations: tuple[tuple[float, float] | None, ...]


@dataclass(frozen=True)
class PopulationPath:
    """The population phase's outcome by day and camp (people)."""

    own_arrivals: np.ndarray  # [day, camp] the camp's own arrivals, before any overflow
    departures: np.ndarray  # [day, camp]
    incoming: np.ndarray  # [day, camp] own arrivals + overflow sent to the camp
    accepted: np.ndarray  # [day, camp] the camp's arrivals for every later step
    overflow_in: np.ndarray  # [day, camp] everyone sent to the camp by others (kept or passed on)
    overflow_out: np.ndarray  # [day, camp] everyone the camp sends on
    turned_away: np.ndarray  # [day, camp]
    population: np.ndarray  # [day, camp] P(d)


def overflow_order(names: list[str], overflow_to: list[str | None]) -> tuple[int, ...]:
    """Camps ordered so that a camp comes after every camp whose overflow_to leads to it; else file order.

    The loader has refused cycles, so repeatedly taking the first camp (in file order) that
    no unplaced camp overflows into always finds one.
    """
    index = {n: i for i, n in enumerate(names)}
    feeds: dict[int, set[int]] = {i: set() for i in range(len(names))}  # camp -> camps that overflow into it
    for i, target in enumerate(overflow_to):
        if target is not None:
            feeds[index[target]].add(i)
    placed: list[int] = []
    left = list(range(len(names)))
    while left:
        ready = next(i for i in left if not (feeds[i] & set(left)))
        placed.append(ready)
        left.remove(ready)
    return tuple(placed)


def population_path(camps: CampsPlan, own_arrivals: np.ndarray, leave) -> PopulationPath:
    """Step the population phase over the horizon for given arrivals, camps in overflow order.

    ``own_arrivals`` is [day, camp] (one path) or [day, camp, replication] (many, stepped
    together: the loop runs over days and limited camps, never over replications).
    ``leave(day, before, scheduled)`` gives each camp's departures from P(d-1) (``before``,
    [camp, replication]) and its scheduled departures ([camp]): expected values, or draws.
    The arithmetic is rules.admit and rules.population_today, as the engines step it.
    """
    one = own_arrivals.ndim == 2
    own = own_arrivals.astype(float)[:, :, None] if one else own_arrivals.astype(float)
    days, width, reps = own.shape
    out = {k: np.zeros((days, width, reps)) for k in ("departures", "incoming", "accepted", "overflow_in",
                                                       "overflow_out", "turned_away", "population")}  # fmt: skip
    # Only a camp with a max_population turns anyone away (min(incoming, inf) keeps all, the
    # rest is exactly 0), so only those step one by one, in overflow order: whoever sends to
    # a camp comes before it. The others take everyone, all at once.
    limited = [c for c in camps.order if np.isfinite(camps.max_population[c])]
    sends = [(c, int(camps.overflow_to[c])) for c in limited]
    cap = camps.max_population[:, None]
    before = np.repeat(camps.initial_people.astype(float)[:, None], reps, axis=1)
    for day in range(days):
        departures = leave(day, before, camps.scheduled_departures[day])
        incoming = own[day].copy()
        accepted = incoming  # the unlimited camps' (limited rows are replaced below)
        if sends:
            sent = np.zeros((width, reps))
            accepted = incoming.copy()
            for c, target in sends:
                incoming[c] = incoming[c] + sent[c]
                accepted[c] = rules.admit(before[c], departures[c], incoming[c], cap[c])
                rest = incoming[c] - accepted[c]
                if target >= 0:
                    sent[target] = sent[target] + rest
                    out["overflow_out"][day, c] = rest
                else:
                    out["turned_away"][day, c] = rest
            # a limited camp's target that is unlimited takes what it was sent
            unlimited = ~np.isfinite(camps.max_population)
            incoming[unlimited] = incoming[unlimited] + sent[unlimited]
            accepted[unlimited] = incoming[unlimited]
            out["overflow_in"][day] = sent
        before = rules.population_today(before, accepted, departures)
        out["departures"][day], out["incoming"][day], out["accepted"][day] = departures, incoming, accepted
        out["population"][day] = before
    if one:
        out = {k: v[:, :, 0] for k, v in out.items()}
    return PopulationPath(own_arrivals=own[:, :, 0] if one else own, **out)


def expected_leave(camps: CampsPlan):
    """Expected departures: departures_per_day x P(d-1), plus the scheduled ones capped by the people left."""
    rate = camps.departures_per_day[:, None]

    def leave(day: int, before: np.ndarray, scheduled: np.ndarray) -> np.ndarray:
        leaving = rate * before
        # the sum can round above P(d-1); capped, P(d) never falls below 0 (as for the single camp)
        return np.minimum(leaving + np.minimum(scheduled[:, None], before - leaving), before)

    return leave


def compile_camps(s: Scenario) -> CampsPlan:
    """The camps of a network scenario as arrays."""
    names = list(s.camps)
    days = s.days
    means = np.zeros((days, len(names)))
    scheduled = np.zeros((days, len(names)))
    for c, camp in enumerate(s.camps.values()):
        pop = camp.population
        for comp in pop.arrivals:
            if comp.rate is not None:
                steps = sorted(((when - s.start).days, rate) for when, rate in comp.rate.items())
                ends = [first for first, _ in steps[1:]] + [days]
                for (first, rate), end in zip(steps, ends, strict=True):
                    means[max(first, 0) : max(min(end, days), 0), c] += rate
            elif comp.surge is not None:
                first = (comp.surge.start - s.start).days
                means[first : min(first + comp.surge.days, days), c] += comp.surge.total / comp.surge.days
            elif comp.data is not None:
                series = arrival_series(comp.data, pop.household_size)
                for when, count in series.arrivals.items():
                    if 0 <= (when - s.start).days < days:
                        means[(when - s.start).days, c] += count
                for when, count in series.departures.items():
                    if 0 <= (when - s.start).days < days:
                        scheduled[(when - s.start).days, c] += count
    camps = list(s.camps.values())
    return CampsPlan(
        names=tuple(names),
        order=overflow_order(names, [c.population.overflow_to for c in camps]),
        initial_people=np.array([c.population.initial for c in camps], dtype=float),
        household_size=np.array([c.population.household_size for c in camps], dtype=float),
        departures_per_day=np.array([c.population.departures_per_day for c in camps], dtype=float),
        max_population=np.array(
            [np.inf if c.population.max_population is None else c.population.max_population for c in camps]
        ),
        overflow_to=np.array(
            [-1 if c.population.overflow_to is None else names.index(c.population.overflow_to) for c in camps],
            dtype=np.int64,
        ),
        arrival_means=means,
        scheduled_departures=scheduled,
        locations=tuple(None if c.location is None else (c.location[0], c.location[1]) for c in camps),
    )


def drawn_population(
    camps: CampsPlan, seed: int, first: int, stop: int, restart: tuple[int, np.ndarray] | None = None
) -> PopulationPath:
    """Replications first..stop-1's population paths ([day, camp, replication]), drawn from named streams.

    ``restart`` = (day, people): the path from ``day`` on, starting from ``people`` [camp] (a
    forecast's state), over the days from ``day`` on. Arrivals and scheduled departures are the
    run's own draws of those days, and the run's path up to ``day`` is stepped first (and
    dropped) so the departures stream stands where the run's does: a state written by the run
    continues it draw for draw.

    Each camp's own arrivals are one Poisson draw a day of its summed mean (stream
    ``arrivals/<camp>``), and its scheduled departures one Poisson draw a day (stream
    ``departures/data/<camp>``). Departures from P(d-1) are one Binomial call a day for all
    camps together (stream ``departures``): each depends on the path so far, so they are
    the one input drawn day by day, and one call a day per replication is their whole cost
    (the rest of the day is stepped for all replications at once).
    """
    reps = range(first, stop)
    own = np.stack([np.stack([stream(seed, r, f"arrivals/{name}").poisson(camps.arrival_means[:, k])
                              for k, name in enumerate(camps.names)], axis=1) for r in reps], axis=2)  # fmt: skip
    scheduled = camps.scheduled_departures.any()
    extra = np.stack([np.stack([stream(seed, r, f"departures/data/{name}").poisson(camps.scheduled_departures[:, k])
                                for k, name in enumerate(camps.names)], axis=1) for r in reps],
                     axis=2).astype(float) if scheduled else None  # fmt: skip
    rates = camps.departures_per_day
    rate_list = rates.tolist()
    # with nobody leaving on their own, the departures stream is never read (its draws would all be 0)
    binomials = [stream(seed, r, "departures").binomial for r in reps] if rates.any() else []

    offset = 0  # the day of the horizon that ``day`` 0 of the path being stepped is

    def leave(day: int, before: np.ndarray, _scheduled: np.ndarray) -> np.ndarray:
        day += offset
        gone = np.zeros(before.shape)
        if binomials:
            # scalar calls: a third cheaper than one array call (numpy checks an array's bounds in Python)
            # and the same draws in the same order
            people = before.astype(np.int64).T.tolist()  # [rep][camp]
            gone = np.array([[draw(n, p) for n, p in zip(row, rate_list, strict=True)]
                             for draw, row in zip(binomials, people, strict=True)], dtype=float).T  # fmt: skip
        if extra is None:
            return gone
        return gone + np.minimum(extra[day], before - gone)

    if restart is None:
        return population_path(camps, own.astype(float), leave)
    start, people = restart

    def days_from(a: int, b: int | None = None) -> CampsPlan:
        return replace(camps, arrival_means=camps.arrival_means[a:b],
                       scheduled_departures=camps.scheduled_departures[a:b])  # fmt: skip

    if start > 0 and binomials:
        population_path(days_from(0, start), own[:start].astype(float), leave)  # the run's draws up to start
    offset = start
    return population_path(replace(days_from(start), initial_people=people), own[start:].astype(float), leave)
