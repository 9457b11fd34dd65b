"""The compiled plan's types: plain arrays and index maps, and the helpers that build them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from campsim.model import standards
from campsim.model.schema import LeadTime

# where a requirement_usd came from (summary.json's requirement_source): the scenario file gave it,
# or it was derived from the scenario's own expected need (docs/semantics.md, Requirement)
REQUIREMENT_FROM_FILE = "file"
REQUIREMENT_FROM_NEED = "expected need"


def requirement_sources(items) -> tuple[str, ...]:
    """Each commodity's requirement_source, from its spec's requirement_usd."""
    return tuple(REQUIREMENT_FROM_NEED if c.requirement_usd is None else REQUIREMENT_FROM_FILE for c in items)


def critical_levels(names, specs) -> np.ndarray:
    """[line] each item's critical level (standards.critical_per_person_day); NaN for kits."""
    levels = (standards.critical_per_person_day(n, c.per_person_day, c.critical_per_person_day)
              for n, c in zip(names, specs, strict=True))  # fmt: skip
    return np.array([np.nan if level is None else level for level in levels], dtype=float)


@dataclass(frozen=True)
class LeadTimePlan:
    """A lead-time distribution: ``kind`` (fixed, triangular, uniform, lognormal) and its parameters."""

    kind: str
    params: tuple[
        float, ...
    ]  # fixed: (days,); triangular: (min, mode, max); uniform: (low, high); lognormal: (mean, sd)
    mean_days: int  # the deterministic-mode lead time: the mean rounded up, at least 1


@dataclass(frozen=True)
class Closure:
    """A road closure: lines whose deliveries and donations cannot arrive for ``days`` from ``first_day``."""

    first_day: int
    days: int
    lines: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class Plan:
    """One scenario, compiled. Per-line arrays have one entry per commodity, in file order."""

    # the run
    name: str
    start: date
    days: int
    seed: int
    replications: int
    deterministic: bool
    # the camp's people
    initial_people: int
    household_size: float
    departures_per_day: float
    arrival_means: np.ndarray  # [day] expected arrivals (people/day), all components summed
    scheduled_departures: np.ndarray  # [day] departures a population series schedules (people/day)
    expected_departures: np.ndarray  # [day] on the expected path
    expected_population: np.ndarray  # [day] P(d) with every random input at its expected value
    # the lines (commodities)
    lines: tuple[str, ...]
    units: tuple[str, ...]
    kits: np.ndarray  # [line] bool: given once per arriving household
    per_person_day: np.ndarray  # [line] 0 for kits
    per_new_household: np.ndarray  # [line] 0 for per-person items
    critical_per_person_day: np.ndarray  # [line] NaN where none
    unit_cost_usd: np.ndarray  # [line]
    initial_stock: np.ndarray  # [line]
    capacity: np.ndarray  # [line] inf where unlimited
    shelf_life_days: np.ndarray  # [line] int, 0 where the item keeps
    ration_below_days: np.ndarray  # [line, step] thresholds, highest first, padded with -inf
    ration_levels: np.ndarray  # [line, step] the ration of each threshold, padded with 1
    ration_steps: tuple[tuple[np.ndarray, np.ndarray], ...]  # per step: ([line] threshold, [line] ration)
    ordered: np.ndarray  # [line] bool: has an ordering rule
    review_every_days: np.ndarray  # [line] int, 0 where not ordered
    order_up_to_days: np.ndarray  # [line] 0 where not ordered
    max_order: np.ndarray  # [line] inf where uncapped
    lead_times: tuple[LeadTimePlan | None, ...]  # [line]
    requirement_usd: np.ndarray  # [line]
    tranches: tuple[tuple[int, int, float], ...]  # (day, line, USD), in the order they are paid
    closures: tuple[Closure, ...]
    closed: np.ndarray  # [day, line] number of closures in force
    land_day: np.ndarray  # [line, due day (0..days)] first open day on or after it; days = never
    donations: tuple[tuple[int, int, int, float], ...]  # (line, index in its list, due day, quantity)
    network: Any = None  # a NetworkPlan (plan/network.py) for a network scenario; None for a single camp
    requirement_source: tuple[str, ...] = ()  # [line] REQUIREMENT_FROM_FILE or REQUIREMENT_FROM_NEED
    first_day: int = 0  # the scenario's day number of day 0: a forecast's view starts after its state (plan/state.py)

    @property
    def line_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.lines)}

    @property
    def perishable(self) -> np.ndarray:
        """[line] bool: stock spoils after shelf_life_days."""
        return self.shelf_life_days > 0


def lead_time_plan(lead: LeadTime) -> LeadTimePlan:
    """A LeadTime as plain numbers."""
    # round first so that a mean such as (1 + 2 + 3) / 3 stays 2, not 3 after fp noise
    mean_days = max(1, math.ceil(round(lead.mean_days, 9)))
    if lead.fixed is not None:
        return LeadTimePlan("fixed", (lead.fixed,), mean_days)
    if lead.triangular is not None:
        return LeadTimePlan("triangular", tuple(lead.triangular), mean_days)
    if lead.uniform is not None:
        return LeadTimePlan("uniform", tuple(lead.uniform), mean_days)
    return LeadTimePlan("lognormal", (lead.lognormal.mean, lead.lognormal.sd), mean_days)


def land_days(closed: np.ndarray) -> np.ndarray:
    """[line, t] the first day >= t a line's route is open (t = 0..days); days = never."""
    days, width = closed.shape
    open_on = np.where(closed.T > 0, days, np.arange(days))  # [line, t]: t where open, else "never"
    land = np.empty((width, days + 1), dtype=np.int64)
    land[:, days] = days
    land[:, :days] = np.minimum.accumulate(open_on[:, ::-1], axis=1)[:, ::-1]  # the next open day from t on
    return land
