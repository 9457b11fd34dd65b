"""Comparison model, whole job: the scalar loop doing what ``campsim.simulate`` does.

``run_full(scenario, seed)`` returns what ``campsim.simulate(scenario, seed)`` returns, as
``(summary, daily, events)``: it draws its inputs (``benchmarks.inputs.draw_inputs``),
walks the documented day (docs/semantics.md) as a plain Python loop over floats, lists and
dicts, recording every daily field the engines record (``DAILY_FIELDS``) and the same event
log, and only then hands those records to campsim's own result code (summary.json, daily
and events tables). Timing it against ``campsim.simulate`` therefore compares the day
loops, with drawing and result building on both sides. ``scalar_loop.run_full`` calls this one.

The loop reads the scenario, never campsim's compiled Plan (that is used only by the result
builders). It differs from ``scalar_loop.run``, which checks totals only, in two ways, both
because the event log must match the SimPy engine's (campsim/engines/des.py) row for row:

- the day runs phase by phase across commodities (funding, closures, receipts,
  distribution, spoilage, review, as model/day.py orders them), since events are logged in
  that order; ``run`` walks one commodity's whole day at a time, which gives the same numbers;
- stock is kept as the engines keep it (one batch for an item that does not spoil; taking
  walks the running sum of the batches; totals re-added left to right), so a decision at a
  threshold (a ration step, a tiny residue left to spoil) and the row reporting it come out
  the same. ``run`` is left as it is: its benchmark figures stay comparable over time.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from benchmarks.inputs import RandomInputs, draw_inputs, requirements_usd, tranches
from benchmarks.scalar_loop import KIT_NEED_WINDOW_DAYS, SHORTAGE_RTOL, closed_days, ration_level
from campsim.model.outputs import DAILY_FIELDS, EventRow, RunArrays
from campsim.model.scenario import Scenario
from campsim.model.schema import Commodity
from campsim.plan.compile import compile
from campsim.results.summary import summarize
from campsim.results.tables import daily_frame, events_frame

KEEP = 1 - SHORTAGE_RTOL  # below this share of what was asked, an order fell short


class FullLine:
    """One commodity: FIFO stock, pipeline, money, kit backlog, and every daily field."""

    def __init__(self, name: str, spec: Commodity, days: int, closed: list[bool], events: list[EventRow]) -> None:
        self.name, self.spec, self.days = name, spec, days
        self.closed = closed  # closed[d]: a receipt due on day d must wait
        self.events = events  # the run's event log, shared by all lines
        self.capacity = math.inf if spec.capacity is None else spec.capacity
        self.perishable = bool(spec.shelf_life_days)
        self.kit = spec.per_household
        self.batches: list[list[float]] = []  # [receipt day, quantity], oldest first
        self.stock = 0.0
        self.add(0, spec.initial_stock)  # initial stock is a day-0 batch (not capped, not "received")
        self.pipeline = 0.0
        self.open_orders = 0
        self.balance_usd = 0.0
        self.backlog = 0.0  # kits owed to households that arrived earlier
        self.level, self.broken = 1.0, False  # yesterday's ration level and pipeline-break state
        self.cut = False  # the last review was cut by money
        self.deliveries: dict[int, list[tuple[int, float]]] = {}  # landing day -> (order day, quantity)
        self.donations: dict[int, list[float]] = {}  # landing day -> quantities, in file order
        self.rec: dict[str, list[float]] = {f: [0.0] * days for f in DAILY_FIELDS}

    def log(self, day: int, kind: str, quantity=None, cost_usd=None, note: str = "") -> None:
        self.events.append(EventRow(day, kind, self.name, quantity, cost_usd, note))

    def landing_day(self, due: int) -> int:
        """First day on or after ``due`` that the route is open (may be past the horizon)."""
        while due < self.days and self.closed[due]:
            due += 1
        return due

    # --- stock on hand, rounded as the engines round it (campsim/engines/stock.py) -------

    def add(self, day: int, quantity: float) -> None:
        """Shelve ``quantity`` as received on ``day``; an item that keeps is one batch (FIFO changes nothing)."""
        if quantity <= 0:
            return
        if self.batches and (not self.perishable or self.batches[-1][0] == day):
            self.batches[-1][1] += quantity
        else:
            self.batches.append([day, quantity])
        self.stock += quantity

    def take(self, quantity: float) -> None:
        """Hand out ``quantity`` (at most the stock), oldest first, by the running sum of the batches."""
        if quantity >= self.stock:
            self.batches, self.stock = [], 0.0
            return
        cum, gone = 0.0, 0
        for batch in self.batches:
            cum += batch[1]
            if cum > quantity:
                batch[1] = cum - quantity  # what is left of the first batch not fully taken
                break
            gone += 1
        del self.batches[:gone]
        self.recount()

    def expire(self, received_on_or_before: int) -> float:
        """Remove the batches received on or before a day; return the quantity removed."""
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
        # left to right, not sum(): Python 3.12's sum() of floats compensates rounding, the engines do not
        total = 0.0
        for batch in self.batches:
            total += batch[1]
        self.stock = total

    def shelve(self, day: int, quantity: float) -> float:
        """Receive one receipt up to capacity; return what is lost above it (overflow)."""
        kept = min(quantity, max(self.capacity - self.stock, 0.0))
        self.add(day, kept)
        return quantity - kept

    # --- the day's phases --------------------------------------------------------------

    def receive(self, day: int) -> None:
        """Today's deliveries as one receipt (summed by order day), then its donations as another."""
        landed = self.deliveries.pop(day, None)
        donated = self.donations.pop(day, None)
        if landed is None and donated is None:
            return
        received, lost = self.rec["received"], self.rec["overflow"]
        overflow = overflow_donated = 0.0
        if landed:
            total = 0.0
            for _, quantity in landed:  # appended as orders were placed: by order day
                total += quantity
            self.open_orders -= len(landed)
            # the last open order in: exactly 0, not the residue of the additions and subtractions
            self.pipeline = self.pipeline - total if self.open_orders > 0 else 0.0
            overflow = self.shelve(day, total)
            received[day] += total
            lost[day] += overflow
        if donated:
            total = 0.0
            for quantity in donated:
                total += quantity
            overflow_donated = self.shelve(day, total)
            received[day] += total
            lost[day] += overflow_donated
        for ordered_on, quantity in landed or ():
            self.log(day, "delivery", quantity, note=f"ordered on day {ordered_on}")
        if overflow > 0:
            self.log(day, "overflow", overflow, note="deliveries above capacity")
        for quantity in donated or ():
            self.log(day, "donation", quantity)
        if overflow_donated > 0:
            self.log(day, "overflow", overflow_donated, note="donations above capacity")

    def distribute(self, day: int, people: float, arrived: float, household_size: float) -> None:
        """Hand out need x ration (rationed by days of cover), capped by stock, oldest stock first."""
        spec, rec = self.spec, self.rec
        if self.kit:
            new_need = arrived / household_size * spec.per_new_household
        else:
            new_need = people * spec.per_person_day
        need = new_need + self.backlog
        stock = self.stock
        if need > 0:
            cover = stock / need  # inf if the need is so small that cover overflows
        else:
            cover = math.inf if stock > 0 else math.nan  # as numpy divides by 0: no threshold is met
        level = ration_level(spec, cover)
        planned = need * level
        distributed = min(stock, planned)
        broken = distributed < planned * (1 - SHORTAGE_RTOL)  # ties count as met
        if distributed > 0:
            self.take(distributed)
        shortfall = need - distributed
        if self.kit:
            self.backlog = shortfall  # consumables do not carry over: a missed ration is lost
        rec["need"][day], rec["new_need"][day], rec["distributed"][day] = need, new_need, distributed
        rec["shortfall"][day], rec["ration_level"][day], rec["stockout"][day] = shortfall, level, float(broken)
        rec["ration"][day] = distributed / need if need > 0 else 1.0
        rec["days_of_cover"][day] = cover if cover < math.inf else math.nan  # NaN stays NaN
        if level != self.level:
            self.log(day, "ration_change", level)
        if broken and not self.broken:
            self.log(day, "stockout", planned - distributed, note="pipeline break")
        elif self.broken and not broken:
            self.log(day, "restock", stock)
        self.level, self.broken = level, broken

    def spoil(self, day: int) -> None:
        """End of the day: stock received on or before day - shelf life + 1 is thrown away."""
        spoiled = self.expire(day - self.spec.shelf_life_days + 1)
        if spoiled > 0:
            self.rec["spoiled"][day] = spoiled
            self.log(day, "spoilage", spoiled)

    def review(self, day: int, lead_days: int) -> None:
        """Order-up-to review: order what lifts stock + pipeline to the target, within the caps."""
        spec, rule, rec = self.spec, self.spec.ordering, self.rec
        if self.kit:  # mean new-household need of the last 7 days (those that exist) + backlog left today
            first = max(0, day - KIT_NEED_WINDOW_DAYS + 1)
            window = 0.0
            for d in range(first, day + 1):
                window += rec["new_need"][d]
            target = rule.order_up_to_days * window / (day - first + 1) + self.backlog
        else:
            target = rule.order_up_to_days * rec["need"][day]  # the full, unrationed need
        position = self.stock + self.pipeline
        quantity = min(target - position, self.capacity - position)
        if rule.max_order is not None:
            quantity = min(quantity, rule.max_order)
        asked, balance_usd = quantity, self.balance_usd
        paid_usd = quantity * spec.unit_cost_usd
        if spec.unit_cost_usd > 0 and paid_usd >= self.balance_usd:
            # money caps the order: spend exactly the balance so no rounding dust is left
            quantity, paid_usd = self.balance_usd / spec.unit_cost_usd, self.balance_usd
        dust = quantity <= SHORTAGE_RTOL * target or quantity <= 0  # nothing to order, or floating-point dust
        if not dust:
            self.order(day, quantity, paid_usd, lead_days)
        # money cut the order: the rule asked for one (more than dust) and got less than it asked
        bought = 0.0 if dust else quantity
        cut = asked - bought if asked > max(SHORTAGE_RTOL * target, 0.0) and bought < asked * KEEP else 0.0
        rec["funds_cut"][day] = cut
        if cut > 0 and not self.cut:  # the first review of a run of reviews cut by money
            self.log(day, "funds_exhausted", cut, note=f"balance {balance_usd:.2f} USD before the order")
        self.cut = cut > 0

    def order(self, day: int, quantity: float, paid_usd: float, lead_days: int) -> None:
        """Pay an order, put it in the pipeline and on its way."""
        rec = self.rec
        self.balance_usd -= paid_usd
        self.pipeline += quantity
        self.open_orders += 1
        rec["ordered"][day] += quantity
        rec["spent"][day] += paid_usd
        self.log(day, "order", quantity, paid_usd, note=f"lead time {lead_days} days")
        landing = self.landing_day(day + lead_days)
        if landing < self.days:  # due on or after the horizon: it stays in the pipeline
            self.deliveries.setdefault(landing, []).append((day, quantity))

    def record(self, day: int) -> None:
        """End-of-day stock, pipeline and balance."""
        rec = self.rec
        rec["stock"][day], rec["pipeline"][day], rec["balance"][day] = self.stock, self.pipeline, self.balance_usd


def simulate(scenario: Scenario, inputs: RandomInputs) -> RunArrays:
    """Run one replication's day loop; return its records as campsim's RunArrays (one replication)."""
    s = scenario
    arrivals = [float(x) for x in inputs.arrivals]
    departures = [float(x) for x in inputs.departures]
    lead_days = {name: [int(x) for x in v] for name, v in inputs.lead_times_days.items()}
    size = s.population.household_size
    events: list[EventRow] = []
    lines = [FullLine(name, spec, s.days, closed_days(s, name), events) for name, spec in s.commodities.items()]
    by_name = {line.name: line for line in lines}

    requirements = requirements_usd(s)
    funds: dict[int, list[tuple[int, float, str]]] = {}  # day -> (file order, USD, commodity)
    for order, name in enumerate(s.commodities):
        for day, amount in tranches(s, name, requirements[name]):
            if amount > 0:  # zero tranches are not paid, nor written to the log
                funds.setdefault(day, []).append((order, amount, name))
    closures: dict[int, list[tuple[str, list[str]]]] = {}  # first day -> (reason, commodities), scenario order
    for d in s.disruptions:
        # the commodities as the disruption lists them (its events follow that order); none listed: all
        closures.setdefault(d.start_day(s.start), []).append((d.reason, d.commodities or list(s.commodities)))
    for line in lines:
        for donation in line.spec.donations:
            landing = line.landing_day(donation.day_index(s.start))
            if landing < s.days:
                line.donations.setdefault(landing, []).append(donation.quantity)
    # reviews due the same day run as per-commodity processes would wake: the one that reviewed
    # longest ago first, ties in the order they ran that day (day 0: file order)
    reviewing = [line for line in lines if line.spec.ordering is not None]
    last_review = {line.name: (-1, i) for i, line in enumerate(reviewing)}

    people = float(s.population.initial)
    population = [0.0] * s.days
    for day in range(s.days):
        people += arrivals[day] - departures[day]  # 1. population
        population[day] = people
        for _, amount, name in sorted(funds.get(day, ())):  # 2. funding: by file order, then amount
            line = by_name[name]
            line.balance_usd += amount
            line.rec["funds_received"][day] += amount
            line.log(day, "tranche", cost_usd=amount)
        for reason, names in closures.get(day, ()):  # closures starting today (receipts wait: closed_days)
            for name in names:
                by_name[name].log(day, "disruption", note=reason)
        for line in lines:  # 3. receipts
            line.receive(day)
        for line in lines:  # 4. distribution
            line.distribute(day, people, arrivals[day], size)
        for line in lines:  # 5. spoilage
            if line.perishable:
                line.spoil(day)
        due = [line for line in reviewing if day % line.spec.ordering.review_every_days == 0]
        due.sort(key=lambda line: last_review[line.name])
        for rank, line in enumerate(due):  # 6. ordering review
            last_review[line.name] = (day, rank)
            line.review(day, lead_days[line.name][day])
        for line in lines:
            line.record(day)

    def stacked(field: str) -> np.ndarray:  # [day, line, 1]
        return np.array([line.rec[field] for line in lines], dtype=float).T[:, :, None]

    return RunArrays(
        arrivals=np.array(arrivals)[:, None],
        departures=np.array(departures)[:, None],
        population=np.array(population)[:, None],
        daily={f: stacked(f) for f in DAILY_FIELDS},
        end_pipeline=np.array([[line.pipeline] for line in lines]),
        events=events,
    )


def run_full(scenario: Scenario, seed: int | None = None) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """What ``campsim.simulate(scenario, seed)`` returns, as (summary, daily, events), from the scalar loop."""
    seed = scenario.seed if seed is None else seed
    arrays = simulate(scenario, draw_inputs(scenario, seed))
    plan = compile(scenario)  # for the result builders only: dates, names, units, requirements
    return summarize(plan, arrays, seed)[0], daily_frame(plan, arrays), events_frame(plan, arrays)
