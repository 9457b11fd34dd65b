"""Comparison model: the documented day (docs/semantics.md) as one plain Python loop.

No SimPy and no numpy inside the loop: floats, lists and dicts only. It implements the
full semantics (population, tranches, disruptions, deliveries then donations, capacity,
rationing, FIFO spoilage, order-up-to review with its caps, kits with backlog) and takes
its random inputs from ``benchmarks.inputs.draw_inputs``, so it consumes exactly the draws
campsim does. Its cost grows with days x commodities, like the engine's, but without
SimPy's event machinery: what a plain per-day Python loop costs, between the engine and a
vectorised (numpy) version. It is also a second, independent implementation of the contract.

Receipt rule (the one the engine is moving to): all deliveries landing on a day, after
postponement, are one receipt (their sum, in the order the orders were placed); capacity
applies to that sum; then the day's donations are one receipt (summed in file order).

``run`` returns the totals the comparison checks. ``run_full`` does the whole of
``campsim.simulate``'s job (summary.json, the daily table and the event log); it lives in
scalar_full.py, which would make this module too long to read.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from benchmarks.inputs import RandomInputs, draw_inputs, requirements_usd, tranches
from campsim.model.scenario import Scenario
from campsim.model.schema import Commodity

if TYPE_CHECKING:
    import pandas as pd

SHORTAGE_RTOL = 1e-9  # docs/semantics.md: dust orders and tie tolerance
KIT_NEED_WINDOW_DAYS = 7  # kit order target: mean new-household need over this many days


class Line:
    """One commodity's state: FIFO batches, pipeline, money, backlog and daily record."""

    def __init__(self, spec: Commodity, days: int, closed: list[bool]) -> None:
        self.spec = spec
        self.closed = closed  # closed[d]: a receipt due on day d must wait
        # stock on hand as [receipt_day, quantity], oldest first; initial stock counts as day 0
        self.batches: list[list[float]] = [[0, spec.initial_stock]] if spec.initial_stock > 0 else []
        self.stock = spec.initial_stock
        self.pipeline = 0.0
        self.open_orders = 0
        self.balance_usd = 0.0
        self.spent_usd = 0.0
        self.backlog_kits = 0.0
        self.new_need_window: list[float] = []
        self.deliveries: dict[int, list[float]] = {}  # landing day -> quantities, in order placed
        self.donations: dict[int, list[float]] = {}  # landing day -> quantities, in file order
        self.daily: dict[str, list[float]] = {k: [0.0] * days for k in ("need", "new_need", "distributed", "stock")}

    def landing_day(self, due: int) -> int:
        """First day on or after ``due`` that the route is open (may be past the horizon)."""
        while due < len(self.closed) and self.closed[due]:
            due += 1
        return due

    def receive(self, day: int, quantity: float) -> None:
        """Shelve one receipt up to capacity; the rest is lost (overflow)."""
        room = math.inf if self.spec.capacity is None else max(self.spec.capacity - self.stock, 0.0)
        kept = min(quantity, room)
        if kept <= 0:
            return
        if self.batches and self.batches[-1][0] == day:
            self.batches[-1][1] += kept
        else:
            self.batches.append([day, kept])
        self.stock += kept

    def take(self, quantity: float) -> None:
        """Remove ``quantity`` (at most the stock), oldest batches first."""
        if quantity <= 0:
            return
        if quantity >= self.stock:
            self.batches, self.stock = [], 0.0
            return
        left, i = quantity, 0
        while left > 0 and i < len(self.batches):
            if self.batches[i][1] <= left:
                left -= self.batches[i][1]
                i += 1
            else:
                self.batches[i][1] -= left
                left = 0.0
        del self.batches[:i]
        # recount rather than subtract, so the total never drifts from the batches
        self.stock = sum(b[1] for b in self.batches)

    def spoil(self, received_on_or_before: int) -> None:
        """Remove batches received on or before a day (end of their shelf life)."""
        i = 0
        while i < len(self.batches) and self.batches[i][0] <= received_on_or_before:
            i += 1
        if i:
            del self.batches[:i]
            self.stock = sum(b[1] for b in self.batches)


def ration_level(spec: Commodity, cover_days: float) -> float:
    """The ration of the lowest threshold that cover is strictly below; 1 if none."""
    below = [step for step in spec.rationing if cover_days < step.below_days_of_cover]
    return min(below, key=lambda step: step.below_days_of_cover).ration if below else 1.0


def closed_days(s: Scenario, name: str) -> list[bool]:
    """Days on which receipts of a commodity cannot land (inside one of its disruptions)."""
    closed = [False] * s.days
    for d in s.disruptions:
        if not d.commodities or name in d.commodities:  # no list (or an empty one) means all
            first = d.start_day(s.start)
            for day in range(max(first, 0), min(first + d.days, s.days)):
                closed[day] = True
    return closed


def run(scenario: Scenario, inputs: RandomInputs | None = None) -> dict[str, Any]:
    """Simulate one replication; returns population and, per commodity, daily lists and totals.

    Returns ``{"population": [...], "commodities": {name: {"daily": {need, new_need,
    distributed, stock}, "summary": {shortfall, distributed, need, spent_usd, end_stock,
    shortage_days, shortfall_person_days}}}}``, the summary keys as in summary.json.
    """
    s = scenario
    inputs = draw_inputs(s) if inputs is None else inputs
    arrivals = [float(x) for x in inputs.arrivals]
    departures = [float(x) for x in inputs.departures]
    lead_days = {name: [int(x) for x in v] for name, v in inputs.lead_times_days.items()}
    size = s.population.household_size
    lines = {name: Line(spec, s.days, closed_days(s, name)) for name, spec in s.commodities.items()}

    requirements = requirements_usd(s)
    funds: dict[int, list[tuple[int, float, str]]] = {}  # day -> (file order, USD, commodity)
    # several on one day are added in file order, then by amount, as the engine sorts them
    for order, name in enumerate(s.commodities):
        for day, amount in tranches(s, name, requirements[name]):
            funds.setdefault(day, []).append((order, amount, name))
    for line in lines.values():
        for donation in line.spec.donations:
            landing = line.landing_day(donation.day_index(s.start))
            line.donations.setdefault(landing, []).append(donation.quantity)

    people = float(s.population.initial)
    population = [0.0] * s.days
    for day in range(s.days):
        # 1. population
        people += arrivals[day] - departures[day]
        population[day] = people
        # 2. funding
        for _, amount, name in sorted(funds.get(day, ())):
            if amount > 0:
                lines[name].balance_usd += amount
        for name, line in lines.items():
            spec, rec = line.spec, line.daily
            # 3. receipts: today's deliveries as one receipt, then today's donations as one
            landed = line.deliveries.pop(day, None)
            if landed:
                quantity = sum(landed)
                line.open_orders -= len(landed)
                line.pipeline = line.pipeline - quantity if line.open_orders else 0.0
                line.receive(day, quantity)
            donated = line.donations.pop(day, None)
            if donated:
                line.receive(day, sum(donated))
            # 4. distribution
            if spec.per_household:
                new_need = arrivals[day] / size * spec.per_new_household
                need = new_need + line.backlog_kits
                line.new_need_window = (line.new_need_window + [new_need])[-KIT_NEED_WINDOW_DAYS:]
            else:
                new_need = need = people * spec.per_person_day
            distributed = 0.0
            if need > 0:
                distributed = min(line.stock, need * ration_level(spec, line.stock / need))
                line.take(distributed)
            if spec.per_household:
                line.backlog_kits = need - distributed
            rec["need"][day], rec["new_need"][day], rec["distributed"][day] = need, new_need, distributed
            # 5. spoilage at the end of the day
            if spec.shelf_life_days:
                line.spoil(day - spec.shelf_life_days + 1)
            # 6. ordering review
            rule = spec.ordering
            if rule is not None and day % rule.review_every_days == 0:
                review(line, day, need, lead_days[name][day])
            rec["stock"][day] = line.stock
    return {
        "population": population,
        "commodities": {
            name: {"daily": line.daily, "summary": totals(line, population, size)} for name, line in lines.items()
        },
    }


def run_full(scenario: Scenario, seed: int | None = None) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """``campsim.simulate(scenario, seed)``'s (summary, daily, events), from the plain loop: see scalar_full.py."""
    from benchmarks.scalar_full import run_full as full  # imported here: scalar_full imports this module

    return full(scenario, seed)


def review(line: Line, day: int, need: float, lead_days: int) -> None:
    """Order-up-to review: order what lifts stock + pipeline to the target, within the caps."""
    spec, rule = line.spec, line.spec.ordering
    if spec.per_household:
        window = line.new_need_window
        target = rule.order_up_to_days * sum(window) / len(window) + line.backlog_kits
    else:
        target = rule.order_up_to_days * need  # the full, unrationed need
    position = line.stock + line.pipeline
    quantity = target - position
    if spec.capacity is not None:
        quantity = min(quantity, spec.capacity - position)
    if rule.max_order is not None:
        quantity = min(quantity, rule.max_order)
    paid_usd = quantity * spec.unit_cost_usd
    if spec.unit_cost_usd > 0 and paid_usd >= line.balance_usd:
        # money caps the order: spend exactly the balance so no rounding dust is left
        quantity, paid_usd = line.balance_usd / spec.unit_cost_usd, line.balance_usd
    if quantity <= SHORTAGE_RTOL * target or quantity <= 0:
        return  # nothing to order, or floating-point dust
    line.balance_usd -= paid_usd
    line.spent_usd += paid_usd
    line.pipeline += quantity
    line.open_orders += 1
    landing = line.landing_day(day + lead_days)
    if landing < len(line.closed):  # due on or after the horizon: stays in the pipeline
        line.deliveries.setdefault(landing, []).append(quantity)


def totals(line: Line, population: list[float], household_size: float) -> dict[str, float]:
    """summary.json's shortage totals of one commodity (docs/semantics.md, Shortage measures)."""
    spec, rec = line.spec, line.daily
    need, distributed = rec["need"], rec["distributed"]
    short_days = sum(1 for n, x in zip(need, distributed, strict=True) if n > 0 and x < n * (1 - SHORTAGE_RTOL))
    if spec.per_household:
        need_total = sum(rec["new_need"])
        shortfall = need[-1] - distributed[-1]  # the backlog still owed at the end
        households_waiting = [
            (n - x) / spec.per_new_household if spec.per_new_household else 0.0
            for n, x in zip(need, distributed, strict=True)
        ]
        person_days = sum(h * household_size for h in households_waiting)
    else:
        need_total = sum(need)
        shortfall = sum(n - x for n, x in zip(need, distributed, strict=True))
        person_days = sum(
            p * (1 - x / n) if n > 0 else 0.0 for p, n, x in zip(population, need, distributed, strict=True)
        )
    return {
        "need": need_total,
        "distributed": sum(distributed),
        "shortfall": shortfall,
        "spent_usd": line.spent_usd,
        "end_stock": rec["stock"][-1],
        "shortage_days": short_days,
        "shortfall_person_days": person_days,
    }
