"""The network loop's sites: constants and day arithmetic, camps, batches, camp and warehouse lines, routes."""

from __future__ import annotations

import math

import numpy as np

from benchmarks.scalar_loop import SHORTAGE_RTOL
from campsim.model.outputs import DAILY_FIELDS
from campsim.model.scenario import Scenario
from campsim.model.schema import LeadTime
from campsim.model.series import arrival_series
from campsim.model.standards import MAX_QUANTITY

WAREHOUSE_FIELDS = ("stock", "pipeline", "received", "overflow", "requested", "dispatched", "ordered", "spent",
                    "balance", "short", "funds_cut")  # fmt: skip
POPULATION_FIELDS = ("own_arrivals", "accepted", "departures", "overflow_in", "overflow_out", "turned_away",
                     "population")  # fmt: skip
INF = math.inf
KEEP = 1 - SHORTAGE_RTOL  # a distribution below planned x KEEP fell short; a road at capacity x KEEP is full


# --- reading the scenario: days and sums ----------------------------------------------------------


def mean_days(lead: LeadTime) -> int:
    """The deterministic-mode lead (or transit) time: the mean rounded up, at least 1."""
    return max(1, math.ceil(round(lead.mean_days, 9)))  # round first: (1 + 2 + 3) / 3 stays 2


def draw_days(lead: LeadTime, rng: np.random.Generator | None, days: int) -> list[int]:
    """One lead time a day of the horizon, in whole days: drawn (one call), rounded up, at least 1."""
    if rng is None or lead.fixed is not None:
        return [mean_days(lead)] * days
    if lead.triangular is not None:
        drawn = rng.triangular(*lead.triangular, size=days)
    elif lead.uniform is not None:
        drawn = rng.uniform(*lead.uniform, size=days)
    else:
        mean, sd = lead.lognormal.mean, lead.lognormal.sd
        sigma2 = math.log1p((sd / mean) ** 2)
        drawn = rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size=days)
    return [int(min(max(math.ceil(x), 1), MAX_QUANTITY)) for x in drawn.tolist()]


def landing(closed: list[int], due: int, days: int) -> int:
    """The first day on or after ``due`` that is not closed (``days`` or later: never)."""
    while due < days and closed[due]:
        due += 1
    return due


def rowsum(values) -> float:
    """Left to right from 0.0, as the engines add camps (rules.total_requested)."""
    total = 0.0
    for v in values:
        total = total + v
    return total


# --- the camps ------------------------------------------------------------------------------------


class Camp:
    """A camp's people: its population rules and, day by day, its population path."""

    def __init__(self, index: int, name: str, camp, s: Scenario) -> None:
        pop = camp.population
        self.index, self.name = index, name
        self.initial = float(pop.initial)
        self.household_size = float(pop.household_size)
        self.rate = float(pop.departures_per_day)
        self.room = INF if pop.max_population is None else float(pop.max_population)
        self.overflow_to = pop.overflow_to  # a camp name, or None: turned away
        self.target = None if pop.overflow_to is None else list(s.camps).index(pop.overflow_to)
        self.path: dict[str, list[float]] = {}  # the run's population path (POPULATION_FIELDS), filled day by day
        days = s.days
        self.means = [0.0] * days  # expected own arrivals by day, every component added
        self.scheduled = [0.0] * days  # departures a population series schedules
        for comp in pop.arrivals:
            if comp.rate is not None:
                steps = sorted(((when - s.start).days, rate) for when, rate in comp.rate.items())
                ends = [first for first, _ in steps[1:]] + [days]
                for (first, rate), end in zip(steps, ends, strict=True):
                    for d in range(max(first, 0), min(end, days)):
                        self.means[d] += rate
            elif comp.surge is not None:
                first = (comp.surge.start - s.start).days
                for d in range(first, min(first + comp.surge.days, days)):
                    self.means[d] += comp.surge.total / comp.surge.days
            elif comp.data is not None:
                series = arrival_series(comp.data, pop.household_size)
                for when, count in series.arrivals.items():
                    if 0 <= (when - s.start).days < days:
                        self.means[(when - s.start).days] += count
                for when, count in series.departures.items():
                    if 0 <= (when - s.start).days < days:
                        self.scheduled[(when - s.start).days] += count


# --- the stock-holding lines ----------------------------------------------------------------------


class Batches:
    """A perishable line's stock as [receipt day, quantity] batches, oldest first (engines/stock.py)."""

    def __init__(self, initial: float) -> None:
        self.batches: list[list[float]] = []
        self.total = 0.0
        self.add(0, initial)

    def add(self, day: int, quantity: float) -> None:
        if quantity <= 0:
            return
        if self.batches and self.batches[-1][0] == day:
            self.batches[-1][1] += quantity
        else:
            self.batches.append([day, quantity])
        self.total += quantity

    def take(self, quantity: float) -> None:
        """Oldest first, by the running sum of the batches; the total recounted left to right."""
        if quantity <= 0:
            return
        if quantity >= self.total:
            self.batches, self.total = [], 0.0
            return
        cum, gone = 0.0, 0
        for batch in self.batches:
            cum += batch[1]
            if cum > quantity:
                batch[1] = cum - quantity
                break
            gone += 1
        del self.batches[:gone]
        self.recount()

    def expire(self, received_on_or_before: int) -> float:
        removed, gone = 0.0, 0
        for day, quantity in self.batches:
            if day > received_on_or_before:
                break
            removed += quantity
            gone += 1
        if gone:
            del self.batches[:gone]
            self.recount()
        return removed

    def recount(self) -> None:
        total = 0.0
        for batch in self.batches:
            total += batch[1]
        self.total = total


class CampLine:
    """One commodity at one camp: stock, resupply (a request or a direct order), and its daily record."""

    def __init__(self, camp: Camp, c: int, item_name: str, item, spec, days: int) -> None:
        self.camp, self.c, self.item = camp, c, item_name
        self.kit = item.per_household
        self.per_person_day = item.per_person_day or 0.0
        self.per_new_household = item.per_new_household or 0.0
        policy = spec.rationing if spec.rationing is not None else item.rationing
        self.steps = sorted(((r.below_days_of_cover, r.ration) for r in policy), reverse=True)  # highest first
        self.capacity = INF if spec.capacity is None else spec.capacity
        self.stock = float(spec.initial_stock)
        self.batches = Batches(self.stock) if item.shelf_life_days else None
        self.shelf_life = item.shelf_life_days or 0
        self.pipeline = 0.0
        self.open = 0  # orders or shipments on their way
        self.backlog = 0.0  # kits owed to households that arrived earlier
        self.level, self.broken = 1.0, False  # yesterday's ration level and pipeline-break state
        self.supply, self.ordering = spec.supply, spec.ordering
        rule = spec.supply or spec.ordering
        self.every = rule.review_every_days if rule is not None else 0
        self.up_to = rule.order_up_to_days if rule is not None else 0.0
        self.max_order = INF if spec.ordering is None or spec.ordering.max_order is None else spec.ordering.max_order
        self.unit_cost = item.unit_cost_usd
        self.donation_list = spec.donations
        self.route: Route | None = None  # set for a supplied line
        self.lead: list[int] = []  # direct orders' lead times by order day
        self.closed = [0] * days  # closures delaying direct deliveries and donations here
        self.gate: dict[int, list[tuple[int, float]]] = {}  # landing day -> (order or dispatch day, quantity)
        self.donated: dict[int, list[float]] = {}  # landing day -> quantities, in file order
        self.request = 0.0  # today's request to the warehouse
        self.cut = False  # the last direct order was cut by money
        self.rec = {f: [0.0] * days for f in DAILY_FIELDS}


class WarehouseLine:
    """One commodity at one warehouse: stock, supplier orders, donations, the camp lines it supplies."""

    def __init__(self, name: str, c: int, item_name: str, spec, days: int) -> None:
        self.name, self.c, self.item = name, c, item_name
        self.stock = float(spec.initial_stock)
        self.capacity = INF if spec.capacity is None else spec.capacity
        self.ordering = spec.ordering
        self.max_order = INF if spec.ordering is None or spec.ordering.max_order is None else spec.ordering.max_order
        self.donation_list = spec.donations
        self.batches = None  # nothing spoils at a warehouse
        self.pipeline = 0.0
        self.open = 0
        self.lead: list[int] = []
        self.closed = [0] * days
        self.gate: dict[int, list[tuple[int, float]]] = {}
        self.donated: dict[int, list[float]] = {}
        self.supplies: list[CampLine] = []  # camps in file order
        self.cut = False  # the last supplier order was cut by money
        self.rec = {f: [0.0] * days for f in WAREHOUSE_FIELDS}


class Route:
    """One road from a warehouse to a camp: transit times, closures, capacity and what it carried."""

    def __init__(self, name: str, spec, days: int) -> None:
        self.name, self.origin, self.to = name, spec.origin, spec.to
        self.transit_spec = spec.transit_days
        self.capacity = INF if spec.capacity_kg_per_day is None else spec.capacity_kg_per_day
        self.transit: list[int] = []
        self.closed = [0] * days
        self.kg = [0.0] * days
        self.full = [0.0] * days
