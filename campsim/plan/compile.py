"""compile(scenario) -> Plan: everything the day needs, as plain arrays and index maps.

A Plan is computed once from a validated scenario and never refers back to it: the
engines, the drawing of random inputs and the summaries read the Plan only. Commodities
become *lines*, numbered in file order; per-line values are arrays indexed by line.
Nothing here is random (see draw.py).
"""

from __future__ import annotations

import numpy as np

from campsim.model import rules
from campsim.model.scenario import Scenario
from campsim.model.series import arrival_series
from campsim.plan.arrays import (
    Closure,
    LeadTimePlan,
    Plan,
    critical_levels,
    land_days,
    lead_time_plan,
    requirement_sources,
)
from campsim.plan.money import tranche_schedule

__all__ = ["Closure", "LeadTimePlan", "Plan", "compile", "land_days", "lead_time_plan", "tranche_schedule"]


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
        elif comp.data is not None:
            for when, count in arrival_series(comp.data, s.population.household_size).arrivals.items():
                day = (when - s.start).days
                if 0 <= day < s.days:
                    means[day] += count
    return means


def scheduled_departures(s: Scenario) -> np.ndarray:
    """Departures the data schedule (falls in a population series), people/day, before capping."""
    out = np.zeros(s.days)
    for comp in s.population.arrivals:
        if comp.data is None:
            continue
        for when, count in arrival_series(comp.data, s.population.household_size).departures.items():
            day = (when - s.start).days
            if 0 <= day < s.days:
                out[day] += count
    return out


def expected_path(
    initial: float, rate: float, arrivals: np.ndarray, scheduled: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(departures, P) by day with every random input at its expected value, as the engines step it.

    Departures are departures_per_day x P(d-1) plus the scheduled ones, the latter capped by
    the people left after the former, so P never falls below 0.
    """
    days = len(arrivals)
    departures, path = np.empty(days), np.empty(days)
    prev = float(initial)
    for d in range(days):
        leaving = rate * prev
        # the sum can round above prev; capped, P(d) = prev + (arrivals - prev) >= 0 exactly
        leaving = min(leaving + min(scheduled[d], prev - leaving), prev)
        departures[d] = leaving
        prev = rules.population_today(prev, arrivals[d], leaving)
        path[d] = prev
    return departures, path


def requirements_usd(s: Scenario, arrivals: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Every line's requirement: its own figure, or its full need on the expected path x cost."""
    people_days = float(np.sum(population))
    households = float(np.sum(arrivals)) / s.population.household_size
    out = []
    for c in s.commodities.values():
        if c.requirement_usd is not None:
            out.append(c.requirement_usd)
        elif c.unit_cost_usd == 0:
            out.append(0.0)
        elif c.per_household:
            out.append(households * c.per_new_household * c.unit_cost_usd)
        else:
            out.append(people_days * c.per_person_day * c.unit_cost_usd)
    return np.array(out, dtype=float)


def compile(s: Scenario) -> Plan:  # noqa: A001  (the verb the architecture names)
    """Compile a validated scenario into a Plan (a network's: see plan/network.py)."""
    if s.is_network:
        from campsim.plan.network import compile_network  # a network's camp lines are a Plan too

        return compile_network(s)
    names = list(s.commodities)
    specs = list(s.commodities.values())
    width = len(specs)
    means = arrival_means(s)
    scheduled = scheduled_departures(s)
    departures, population = expected_path(s.population.initial, s.population.departures_per_day, means, scheduled)
    requirements = requirements_usd(s, means, population)
    steps = max((len(c.rationing) for c in specs), default=0)
    below = np.full((width, steps), -np.inf)
    levels = np.ones((width, steps))
    for i, c in enumerate(specs):
        ordered_steps = sorted(((r.below_days_of_cover, r.ration) for r in c.rationing), reverse=True)
        for k, (threshold, ration) in enumerate(ordered_steps):
            below[i, k], levels[i, k] = threshold, ration
    closures, closed = [], np.zeros((s.days, width), dtype=np.int64)
    for d in s.disruptions:
        first = d.start_day(s.start)
        # the lines as the disruption lists them (its events follow that order), or all of them
        hit = tuple(names.index(n) for n in d.commodities) if d.commodities else tuple(range(width))
        closures.append(Closure(first, d.days, hit, d.reason))
        for i in sorted(set(hit)):
            closed[max(first, 0) : max(min(first + d.days, s.days), 0), i] += 1
    donations = tuple(
        (line, index, donation.day_index(s.start), donation.quantity)
        for line, c in enumerate(specs)
        for index, donation in enumerate(c.donations)
    )
    return Plan(
        name=s.name,
        start=s.start,
        days=s.days,
        seed=s.seed,
        replications=s.replications,
        deterministic=s.deterministic,
        initial_people=s.population.initial,
        household_size=s.population.household_size,
        departures_per_day=s.population.departures_per_day,
        arrival_means=means,
        scheduled_departures=scheduled,
        expected_departures=departures,
        expected_population=population,
        lines=tuple(names),
        units=tuple(c.unit for c in specs),
        kits=np.array([c.per_household for c in specs], dtype=bool),
        per_person_day=np.array([c.per_person_day or 0.0 for c in specs], dtype=float),
        per_new_household=np.array([c.per_new_household or 0.0 for c in specs], dtype=float),
        critical_per_person_day=critical_levels(names, specs),
        unit_cost_usd=np.array([c.unit_cost_usd for c in specs], dtype=float),
        initial_stock=np.array([c.initial_stock for c in specs], dtype=float),
        capacity=np.array([np.inf if c.capacity is None else c.capacity for c in specs], dtype=float),
        shelf_life_days=np.array([c.shelf_life_days or 0 for c in specs], dtype=np.int64),
        ration_below_days=below,
        ration_levels=levels,
        ration_steps=tuple((below[:, k].copy(), levels[:, k].copy()) for k in range(steps)),
        ordered=np.array([c.ordering is not None for c in specs], dtype=bool),
        review_every_days=np.array([c.ordering.review_every_days if c.ordering else 0 for c in specs], dtype=np.int64),
        order_up_to_days=np.array([c.ordering.order_up_to_days if c.ordering else 0.0 for c in specs], dtype=float),
        max_order=np.array(
            [np.inf if c.ordering is None or c.ordering.max_order is None else c.ordering.max_order for c in specs],
            dtype=float,
        ),
        lead_times=tuple(None if c.ordering is None else lead_time_plan(c.ordering.lead_time_days) for c in specs),
        requirement_usd=requirements,
        requirement_source=requirement_sources(specs),
        tranches=tranche_schedule(s, requirements),
        closures=tuple(closures),
        closed=closed,
        land_day=land_days(closed),
        donations=donations,
    )
