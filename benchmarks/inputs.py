"""What the comparison models (scalar_loop.py, naive_simpy.py) are fed, written apart from campsim's plan.

Random inputs come from campsim's own drawing (so every model consumes exactly the same
draws), as one replication's 1-D arrays; requirements and tranches are recomputed here
from the scenario, the way docs/semantics.md states them, as a second reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from campsim.model.scenario import Scenario
from campsim.plan.compile import compile
from campsim.plan.draw import draw_fresh

MONTHLY_TRANCHE_INTERVAL_DAYS = 30  # docs/semantics.md: monthly tranches on days 0, 30, 60, ...


@dataclass(frozen=True)
class RandomInputs:
    """One replication's random inputs, all arrays of length ``days``."""

    arrivals: np.ndarray  # people arriving on day d
    departures: np.ndarray  # people leaving on day d
    lead_times_days: dict[str, np.ndarray]  # commodity -> whole days, indexed by order day


def draw_inputs(s: Scenario, seed: int | None = None, replication: int = 0) -> RandomInputs:
    """campsim's draws of one replication (see campsim/plan/draw.py)."""
    plan = compile(s)
    drawn = draw_fresh(plan, s.seed if seed is None else seed, replication, replication + 1)
    return RandomInputs(
        arrivals=drawn.arrivals[:, 0],
        departures=drawn.departures[:, 0],
        lead_times_days={n: drawn.lead_times_days[:, i, 0] for i, n in enumerate(plan.lines) if plan.ordered[i]},
    )


def requirements_usd(s: Scenario) -> dict[str, float]:
    """Each commodity's requirement: its own figure, or its need on the expected path x cost."""
    plan = compile(s)  # the expected path is the plan's: P(d) with every input at its mean
    people_days = float(np.sum(plan.expected_population))
    households = float(np.sum(plan.arrival_means)) / s.population.household_size
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


def tranches(s: Scenario, name: str, requirement: float) -> list[tuple[int, float]]:
    """(day, USD) funding tranches of one commodity: funded_fraction x requirement, scheduled."""
    total = s.funded_fraction(name) * requirement
    plan = s.funding.disbursement
    if plan.mode == "upfront":
        return [(0, total)]
    if plan.mode == "monthly":
        days = list(range(0, s.days, MONTHLY_TRANCHE_INTERVAL_DAYS))
        return [(d, total / len(days)) for d in days]
    return [(t.day_index(s.start), t.share * total) for t in plan.tranches]
