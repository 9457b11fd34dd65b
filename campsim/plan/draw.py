"""Everything the engine is fed: the scenario's expected paths and the pre-drawn random inputs.

The engine is a deterministic function of (scenario, inputs). All randomness of one
replication is drawn here, up front, from named streams of one ``numpy.random.SeedSequence``:

- ``arrivals``: one Poisson draw per day of the summed mean of all arrival components;
- ``departures``: one Binomial(P(d-1), departures_per_day) draw per day, along the
  population path (which never depends on stocks);
- ``lead_time/<commodity>``: one lead time for every day of the horizon; the engine uses
  the one of day d only if it places an order on day d.

Replication i uses ``SeedSequence(seed, spawn_key=(i,))`` (the i-th child of
``SeedSequence(seed)``), and each stream is keyed by a CRC-32 of its name rather than its
position, so two scenarios share a stream wherever they share the process it drives
(common random numbers), whatever commodities they list and in whatever order.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from campsim.model import rules as daymath
from campsim.model import standards
from campsim.model.schema import LeadTime, Scenario


@dataclass(frozen=True)
class RandomInputs:
    """One replication's random inputs, all arrays of length ``days``."""

    arrivals: np.ndarray  # people arriving on day d
    departures: np.ndarray  # people leaving on day d
    lead_times_days: dict[str, np.ndarray]  # commodity -> whole days, indexed by order day


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The named random stream of one replication."""
    seq = np.random.SeedSequence(seed, spawn_key=(replication, zlib.crc32(name.encode())))
    return np.random.Generator(np.random.PCG64(seq))


def arrival_means(s: Scenario) -> np.ndarray:
    """Expected arrivals per day (people/day), all components summed."""
    means = np.zeros(s.days)
    for comp in s.population.arrivals:
        if comp.rate is not None:
            # piecewise constant from each date on; 0 before the first date
            steps = sorted(((when - s.start).days, rate) for when, rate in comp.rate.items())
            ends = [first for first, _ in steps[1:]] + [s.days]
            for (first, rate), end in zip(steps, ends, strict=True):
                means[max(first, 0) : max(min(end, s.days), 0)] += rate
        elif comp.surge is not None:
            first = (comp.surge.start - s.start).days
            # spread evenly over the window; a surge running past the horizon is cut there
            means[first : min(first + comp.surge.days, s.days)] += comp.surge.total / comp.surge.days
        else:
            for when, count in comp._series.items():
                day = (when - s.start).days
                if 0 <= day < s.days:
                    means[day] += count
    return means


def scheduled_departures(s: Scenario) -> np.ndarray:
    """Departures the data schedule (falls in a population series), people/day, before capping."""
    out = np.zeros(s.days)
    for comp in s.population.arrivals:
        for when, count in comp._leaving.items():
            day = (when - s.start).days
            if 0 <= day < s.days:
                out[day] += count
    return out


def _expected_path(s: Scenario, arrivals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(departures, P) by day with every random input at its expected value, as the engine steps it.

    Departures are departures_per_day x P(d-1) plus the scheduled ones, the latter capped by
    the people left after the former, so P never falls below 0.
    """
    rate = s.population.departures_per_day
    scheduled = scheduled_departures(s)
    departures, path = np.empty(s.days), np.empty(s.days)
    prev = float(s.population.initial)
    for d in range(s.days):
        leaving = rate * prev
        # the sum can round above prev; capped, P(d) = prev + (arrivals - prev) >= 0 exactly
        leaving = min(leaving + min(scheduled[d], prev - leaving), prev)
        departures[d] = leaving
        prev = daymath.population_today(prev, arrivals[d], leaving)
        path[d] = prev
    return departures, path


def expected_departures(s: Scenario, arrivals: np.ndarray | None = None) -> np.ndarray:
    """Departures on the expected path (see _expected_path)."""
    return _expected_path(s, arrival_means(s) if arrivals is None else arrivals)[0]


def expected_population(s: Scenario, arrivals: np.ndarray | None = None) -> np.ndarray:
    """P(d) with every random input at its expected value (fractional people)."""
    return _expected_path(s, arrival_means(s) if arrivals is None else arrivals)[1]


def requirements_usd(s: Scenario) -> dict[str, float]:
    """Every commodity's requirement: its own figure, or its full need on the expected path x cost.

    The expected population path is computed once for all commodities.
    """
    arrivals = arrival_means(s)
    people_days = float(np.sum(expected_population(s, arrivals)))
    households = float(np.sum(arrivals)) / s.population.household_size
    out = {}
    for name, c in s.commodities.items():
        if c.requirement_usd is not None:
            out[name] = c.requirement_usd
        elif c.unit_cost_usd == 0:
            out[name] = 0.0
        elif c.per_household:
            out[name] = households * c.per_new_household * c.unit_cost_usd
        else:
            out[name] = people_days * c.per_person_day * c.unit_cost_usd
    return out


def requirement_usd(s: Scenario, name: str) -> float:
    """One commodity's requirement (see requirements_usd)."""
    return requirements_usd(s)[name]


def tranches(s: Scenario, name: str, requirement: float | None = None) -> list[tuple[int, float]]:
    """(day, USD) funding tranches of one commodity: funded_fraction x requirement, scheduled."""
    requirement = requirement_usd(s, name) if requirement is None else requirement
    total = s.funded_fraction(name) * requirement
    plan = s.funding.disbursement
    if plan.mode == "upfront":
        return [(0, total)]
    if plan.mode == "monthly":
        days = list(range(0, s.days, standards.MONTHLY_TRANCHE_INTERVAL_DAYS))
        return [(d, total / len(days)) for d in days]
    return [(t.day_index(s.start), t.share * total) for t in plan.tranches]


def mean_lead_time_days(lead: LeadTime) -> int:
    """The deterministic-mode lead time: the distribution's mean rounded up, at least 1."""
    # round first so that a mean such as (1 + 2 + 3) / 3 stays 2, not 3 after fp noise
    return max(1, math.ceil(round(lead.mean_days, 9)))


def _draw_lead_times(lead: LeadTime, rng: np.random.Generator, n: int) -> np.ndarray:
    """n lead times in whole days: drawn, rounded up, at least 1."""
    if lead.fixed is not None:
        return np.full(n, mean_lead_time_days(lead), dtype=np.int64)
    if lead.triangular is not None:
        draws = rng.triangular(*lead.triangular, size=n)
    elif lead.uniform is not None:
        draws = rng.uniform(*lead.uniform, size=n)
    else:
        mean, sd = lead.lognormal.mean, lead.lognormal.sd
        sigma2 = math.log1p((sd / mean) ** 2)
        draws = rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size=n)
    # a lead time beyond the horizon only means "never arrives": cap it so it fits an integer
    return np.clip(np.ceil(draws), 1, standards.MAX_QUANTITY).astype(np.int64)


def draw_inputs(
    s: Scenario, seed: int | None = None, replication: int = 0, means: np.ndarray | None = None
) -> RandomInputs:
    """Draw (or, in deterministic mode, take the expected values of) every random input.

    ``means`` (arrival_means(s)) may be passed in by a caller drawing many replications.
    """
    seed = s.seed if seed is None else seed
    means = arrival_means(s) if means is None else means
    ordered = {n: c.ordering for n, c in s.commodities.items() if c.ordering is not None}
    if s.deterministic:
        return RandomInputs(
            arrivals=means,
            departures=expected_departures(s, means),
            lead_times_days={
                n: np.full(s.days, mean_lead_time_days(o.lead_time_days), dtype=np.int64) for n, o in ordered.items()
            },
        )
    arrivals = stream(seed, replication, "arrivals").poisson(means).astype(float)
    rate = s.population.departures_per_day
    scheduled = scheduled_departures(s)
    if scheduled.any():
        # one Poisson draw per day of the scheduled mean, capped by the people left (own stream:
        # scenarios without data departures keep their departures stream unchanged)
        extra = stream(seed, replication, "departures/data").poisson(scheduled).astype(np.int64)
        rng = stream(seed, replication, "departures") if rate > 0 else None
        departures = _draw_departures(rng, s.population.initial, rate, arrivals, extra)
    elif rate > 0:
        departures = _draw_departures(stream(seed, replication, "departures"), s.population.initial, rate, arrivals)
    else:
        departures = np.zeros(s.days)
    return RandomInputs(
        arrivals=arrivals,
        departures=departures,
        lead_times_days={
            n: _draw_lead_times(o.lead_time_days, stream(seed, replication, f"lead_time/{n}"), s.days)
            for n, o in ordered.items()
        },
    )


def _draw_departures(
    rng: np.random.Generator | None, initial: int, rate: float, arrivals: np.ndarray, extra: np.ndarray | None = None
) -> np.ndarray:
    """One Binomial(P(d-1), rate) draw per day along the population path, plus ``extra[d]``
    scheduled departures capped by the people left.

    Each draw depends on the ones before, so this is the one input drawn a day at a time;
    plain Python ints keep the loop at the cost of the draws themselves.
    """
    binomial = rng.binomial if rng is not None else None
    people = int(initial)
    out = []
    scheduled = extra.tolist() if extra is not None else None
    for d, arrived in enumerate(arrivals.astype(np.int64).tolist()):
        gone = binomial(people, rate) if binomial is not None else 0
        if scheduled is not None:
            gone += min(scheduled[d], people - gone)
        out.append(gone)
        people = people - gone + arrived
    return np.array(out, dtype=float)
