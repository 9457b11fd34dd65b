"""Comparison model: the per-household SimPy model a newcomer would write.

Every household is a SimPy process that, each day, ``get``s its members' ration of every
commodity from a ``simpy.Container`` (the ration cut applied to what it asks for; it takes
what is left when there is less). Arriving households start new processes; a supplier
process per commodity reviews stock and ``put``s each order into the Container after its
lead time. Kits: a household takes its kit(s) on arrival if there are any, else waits and
takes them on later days (the backlog). Its cost grows with the number of people, which
is the point: it is the baseline the cohort engine is measured against.

It follows docs/semantics.md only as far as benchmarks/scenarios/deterministic.yaml needs:
deterministic mode, whole households, no departures, shelf life, capacity, disruptions or
donations (``NotImplementedError`` for those). Returns what benchmarks/scalar_loop.py returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import simpy

from benchmarks.inputs import RandomInputs, draw_inputs, requirements_usd, tranches
from campsim.model.scenario import Scenario

SHORTAGE_RTOL = 1e-9
KIT_NEED_WINDOW_DAYS = 7
# When in the day (in days) each step happens, so the steps of docs/semantics.md keep their
# order; binary fractions, so day + offset is exact in floating point.
ARRIVE, FUND, DELIVER, RATION, DISTRIBUTE, REVIEW, RECORD = 0.0, 0.125, 0.25, 0.375, 0.5, 0.75, 0.875


def check_supported(s: Scenario) -> None:
    """Raise NotImplementedError for scenario features this model leaves out."""
    missing = []
    if not s.deterministic:
        missing.append("stochastic mode")
    if s.population.departures_per_day:
        missing.append("departures")
    if s.disruptions:
        missing.append("disruptions")
    for name, c in s.commodities.items():
        features = {"shelf life": c.shelf_life_days, "capacity": c.capacity is not None, "donations": c.donations}
        missing += [f"{feature} ({name})" for feature, present in features.items() if present]
    if missing:
        raise NotImplementedError(f"naive_simpy does not model: {', '.join(missing)}")


@dataclass
class Household:
    """A family: its size and, per kit commodity, the kits it has yet to collect."""

    members: float
    kits_owed: dict[str, float] = field(default_factory=dict)  # kit commodity -> kits still to collect


class Camp:
    """The camp's shared state: one Container per commodity, the households, money and records."""

    def __init__(self, env: simpy.Environment, s: Scenario, inputs: RandomInputs) -> None:
        self.env, self.s, self.inputs = env, s, inputs
        self.stores = {name: simpy.Container(env, init=c.initial_stock) for name, c in s.commodities.items()}
        self.persons = {n: c for n, c in s.commodities.items() if not c.per_household}
        self.kits = {n: c for n, c in s.commodities.items() if c.per_household}
        self.households: list[Household] = []
        self.ration = dict.fromkeys(s.commodities, 1.0)
        self.balance_usd = dict.fromkeys(s.commodities, 0.0)
        self.spent_usd = dict.fromkeys(s.commodities, 0.0)
        self.pipeline = dict.fromkeys(s.commodities, 0.0)
        self.open_orders = dict.fromkeys(s.commodities, 0)
        self.handed_out = dict.fromkeys(s.commodities, 0.0)  # today, so far
        self.new_kits: dict[str, list[float]] = {n: [] for n in self.kits}  # kits for each day's newcomers
        self.population: list[float] = []
        self.daily = {n: {k: [] for k in ("need", "new_need", "distributed", "stock")} for n in s.commodities}
        self.people_waiting_for_kits: dict[str, list[float]] = {n: [] for n in self.kits}

    def wait_until(self, day: int, offset: float) -> simpy.Timeout:
        return self.env.timeout(day + offset - self.env.now)

    # --- processes ------------------------------------------------------------------

    def arrivals(self):
        """Households already in the camp, then each day's arriving households."""
        size = self.s.population.household_size
        whole, rest = divmod(self.s.population.initial, size)
        for members in [size] * int(whole) + ([rest] if rest else []):
            self.settle(Household(members))  # people already there have their kits
        for day in range(self.s.days):
            yield self.wait_until(day, ARRIVE)
            newcomers = round(self.inputs.arrivals[day] / size)
            for name, c in self.kits.items():
                self.new_kits[name].append(newcomers * c.per_new_household)
            for _ in range(newcomers):
                self.settle(Household(size, {name: c.per_new_household for name, c in self.kits.items()}))

    def settle(self, household: Household) -> None:
        """Register a household and start its process."""
        self.households.append(household)
        self.env.process(self.household(household))

    def household(self, h: Household):
        """Collect the day's rations, and any kits still owed, every day."""
        day = int(self.env.now)
        while True:
            yield self.wait_until(day, DISTRIBUTE)
            for name, c in self.persons.items():
                store = self.stores[name]
                wanted = h.members * c.per_person_day * self.ration[name]
                taken = min(wanted, store.level)
                if taken > 0:
                    yield store.get(taken)
                self.handed_out[name] += taken
            for name, owed in h.kits_owed.items():
                store = self.stores[name]
                taken = min(owed, store.level)
                if taken > 0:
                    yield store.get(taken)
                    h.kits_owed[name] = owed - taken
                    self.handed_out[name] += taken
            day += 1

    def funding(self):
        """Tranches of each commodity's funded requirement, in day order."""
        requirements = requirements_usd(self.s)
        schedule = sorted(
            (day, order, amount, name)
            for order, name in enumerate(self.s.commodities)
            for day, amount in tranches(self.s, name, requirements[name])
        )
        for day, _, amount, name in schedule:
            yield self.wait_until(day, FUND)
            self.balance_usd[name] += amount

    def rationing(self):
        """Before each distribution: count today's need and set each item's ration from its cover."""
        for day in range(self.s.days):
            yield self.wait_until(day, RATION)
            self.population.append(sum(h.members for h in self.households))
            for name, c in self.persons.items():
                need = sum(h.members * c.per_person_day for h in self.households)
                level = 1.0
                if need > 0:
                    cover_days = self.stores[name].level / need
                    below = [r for r in c.rationing if cover_days < r.below_days_of_cover]
                    level = min(below, key=lambda r: r.below_days_of_cover).ration if below else 1.0
                self.ration[name] = level
                self.record(name, need=need, new_need=need)
            for name in self.kits:
                owed = sum(h.kits_owed.get(name, 0.0) for h in self.households)
                self.record(name, need=owed, new_need=self.new_kits[name][day])

    def supplier(self, name: str):
        """Order-up-to review on review days; each order is put into the Container after its lead time."""
        c = self.s.commodities[name]
        rule = c.ordering
        for day in range(0, self.s.days, rule.review_every_days):
            yield self.wait_until(day, REVIEW)
            if c.per_household:
                recent = self.new_kits[name][-KIT_NEED_WINDOW_DAYS:]
                owed = sum(h.kits_owed.get(name, 0.0) for h in self.households)
                target = rule.order_up_to_days * sum(recent) / len(recent) + owed
            else:
                target = rule.order_up_to_days * self.daily[name]["need"][day]
            position = self.stores[name].level + self.pipeline[name]
            quantity = target - position
            if rule.max_order is not None:
                quantity = min(quantity, rule.max_order)
            cost_usd = quantity * c.unit_cost_usd
            if c.unit_cost_usd > 0 and cost_usd >= self.balance_usd[name]:
                quantity, cost_usd = self.balance_usd[name] / c.unit_cost_usd, self.balance_usd[name]
            if quantity <= SHORTAGE_RTOL * target or quantity <= 0:
                continue
            self.balance_usd[name] -= cost_usd
            self.spent_usd[name] += cost_usd
            self.pipeline[name] += quantity
            self.open_orders[name] += 1
            self.env.process(self.shipment(name, quantity, int(self.inputs.lead_times_days[name][day])))

    def shipment(self, name: str, quantity: float, lead_days: int):
        """An order on the road: lands before distribution on the day it is due."""
        yield self.env.timeout(lead_days + DELIVER - REVIEW)
        self.open_orders[name] -= 1
        self.pipeline[name] = self.pipeline[name] - quantity if self.open_orders[name] else 0.0
        yield self.stores[name].put(quantity)

    def recorder(self):
        """End of day: what was handed out, what is left, who still waits for a kit."""
        for day in range(self.s.days):
            yield self.wait_until(day, RECORD)
            for name in self.s.commodities:
                self.daily[name]["distributed"].append(self.handed_out[name])
                self.daily[name]["stock"].append(self.stores[name].level)
                self.handed_out[name] = 0.0
            for name, c in self.kits.items():
                # people in households still owed kits (a share of a household for a partial kit)
                owed = [(h.members, h.kits_owed.get(name, 0.0)) for h in self.households]
                waiting = sum(m * k / c.per_new_household for m, k in owed if k > 0) if c.per_new_household else 0.0
                self.people_waiting_for_kits[name].append(waiting)

    def record(self, name: str, **values: float) -> None:
        for key, value in values.items():
            self.daily[name][key].append(value)


def run(scenario: Scenario, inputs: RandomInputs | None = None) -> dict[str, Any]:
    """Simulate household by household; same result shape as ``scalar_loop.run``."""
    s = scenario
    check_supported(s)
    inputs = draw_inputs(s) if inputs is None else inputs
    size = s.population.household_size
    if any(abs(a / size - round(a / size)) > 1e-9 for a in inputs.arrivals):
        raise NotImplementedError("naive_simpy needs whole households: arrivals a multiple of household_size")
    env = simpy.Environment()
    camp = Camp(env, s, inputs)
    for process in (camp.arrivals(), camp.funding(), camp.rationing(), camp.recorder()):
        env.process(process)
    for name, c in s.commodities.items():
        if c.ordering is not None:
            env.process(camp.supplier(name))
    env.run(until=s.days)
    return {
        "population": camp.population,
        "commodities": {name: {"daily": camp.daily[name], "summary": totals(camp, name)} for name in s.commodities},
    }


def totals(camp: Camp, name: str) -> dict[str, float]:
    """summary.json's shortage totals of one commodity, from the camp's daily record."""
    c, rec = camp.s.commodities[name], camp.daily[name]
    need, distributed = rec["need"], rec["distributed"]
    short_days = sum(1 for n, x in zip(need, distributed, strict=True) if n > 0 and x < n * (1 - SHORTAGE_RTOL))
    if c.per_household:
        need_total, shortfall = sum(rec["new_need"]), need[-1] - distributed[-1]
        person_days = sum(camp.people_waiting_for_kits[name])
    else:
        need_total, shortfall = sum(need), sum(n - x for n, x in zip(need, distributed, strict=True))
        person_days = sum(
            p * (1 - x / n) if n > 0 else 0.0 for p, n, x in zip(camp.population, need, distributed, strict=True)
        )
    return {
        "need": need_total,
        "distributed": sum(distributed),
        "shortfall": shortfall,
        "spent_usd": camp.spent_usd[name],
        "end_stock": rec["stock"][-1],
        "shortage_days": short_days,
        "shortfall_person_days": person_days,
    }
