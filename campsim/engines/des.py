"""The SimPy cohort model of a camp: people as counts, stocks as FIFO batches.

The cost of a run grows with days x commodities, never with the number of people.
The engine is a deterministic function of a validated scenario and its pre-drawn
random inputs (see inputs.py); it does no file I/O, no plotting and no pandas.

Time runs in ticks of a tenth of a day so that the steps of one day happen in a fixed
order; day d is ticks [10d, 10d + 10). Within day d, in this order:

1. population (tick 0): departures (drawn from P(d-1)) leave, arrivals come;
   P(d) = P(d-1) + arrivals - departures.
2. funding (1): tranches due today are added to each commodity's balance.
3. roads (2): disruptions starting today close their commodities' routes; those that
   ended yesterday reopen them.
4. receipts: deliveries and donations due today reach the gate (3); one whose route is
   closed waits there for the first day it is open again. Then (4) the day's deliveries go
   on the shelf as one receipt (their sum, in the order they were ordered), then the day's
   donations as another (in scenario order); whatever would lift stock above capacity is
   lost as overflow (it still counts as received).
5. distribution (5): need = P(d) x per_person_day (per-household kits: arriving
   households x quantity + yesterday's backlog); days of cover = stock / need; ration =
   the ration of the lowest threshold that cover is strictly below (1 if none);
   distributed = min(stock, need x ration), oldest stock first; shortfall = need - distributed.
6. spoilage (6): stock received on day t and still there at the end of day
   t + shelf_life_days - 1 is removed.
7. ordering review (7), on days with d % review_every_days == 0: target =
   order_up_to_days x today's need (kits: the mean new-household need of the last 7 days
   + the backlog left today); q = target - (stock + pipeline), capped by capacity -
   position, max_order and balance / unit_cost; if q > 0 it is paid now and arrives on
   day d + lead time (that day's pre-drawn lead time).
8. record (9): end-of-day stock, pipeline and balance.

Events at the same tick run in the order they were scheduled (SimPy's rule), so a run
is reproducible to the last bit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import simpy

from campsim.model import rules as daymath
from campsim.model import standards
from campsim.plan.draw import RandomInputs, requirements_usd, tranches
from campsim.model.schema import Commodity, Scenario
from campsim.engines.stock import Stock

TICKS_PER_DAY = 10
POPULATION, FUNDING, ROADS, GATE, RECEIPTS = 0, 1, 2, 3, 4
DISTRIBUTION, SPOILAGE, REVIEW, RECORD = 5, 6, 7, 9

DAILY_FIELDS = (
    "need",  # per-person: P x per_person_day; kits: new kits + carried backlog
    "new_need",  # kits for today's arriving households (= need for per-person items)
    "distributed",
    "shortfall",
    "ration",  # distributed / need (1 when need is 0)
    "ration_level",  # the rationing policy's level for the day
    "days_of_cover",  # stock / need before distribution; NaN when need is 0
    "stock",  # end of day
    "pipeline",  # end of day: ordered, not yet received
    "received",  # deliveries + donations arriving today (before overflow)
    "overflow",
    "spoiled",
    "ordered",
    "spent",  # USD
    "funds_received",  # USD tranches today
    "balance",  # USD, end of day
    "stockout",  # 1 on a pipeline-break day: stock < need x ration
)


@dataclass
class EventRow:
    """One row of the event log."""

    day: int
    kind: str
    commodity: str
    quantity: float | None = None
    cost_usd: float | None = None
    note: str = ""


@dataclass
class LineResult:
    """What one commodity's supply line did, day by day."""

    daily: dict[str, np.ndarray]
    requirement_usd: float
    initial_stock: float
    end_pipeline: float


@dataclass
class EngineResult:
    """Plain arrays and rows out of one run."""

    arrivals: np.ndarray
    departures: np.ndarray
    population: np.ndarray
    lines: dict[str, LineResult]
    events: list[EventRow] = field(default_factory=list)


class SupplyLine:
    """One commodity at one camp: stock, pipeline, money and its daily record."""

    def __init__(self, name: str, spec: Commodity, days: int, requirement_usd: float) -> None:
        self.name = name
        self.spec = spec
        self.requirement_usd = requirement_usd
        self.stock = Stock(perishable=spec.shelf_life_days is not None)
        self.stock.add(0, spec.initial_stock)
        self.at_gate: list[tuple[int, float]] = []  # today's deliveries: (day ordered, quantity)
        self.donated: list[tuple[int, float]] = []  # today's donations: (index in the scenario, quantity)
        self.pipeline = 0.0
        self.open_orders = 0
        self.balance = 0.0
        self.closures = 0  # disruptions currently closing this line's route
        self.backlog = 0.0  # kits owed to households that arrived earlier
        self.new_need_window: deque[float] = deque(maxlen=standards.KIT_NEED_WINDOW_DAYS)
        self.level = 1.0  # yesterday's rationing level
        self.broken = False  # inside a pipeline break
        # Python lists while running (a list write costs a third of a numpy element write),
        # turned into arrays once at the end
        self.daily: dict[str, list] = {name: [0.0] * days for name in DAILY_FIELDS}
        self.kits = spec.per_household
        self.steps = [(step.below_days_of_cover, step.ration) for step in spec.rationing]

    def receive(self, day: int, quantity: float) -> float:
        """Put a receipt on the shelf up to capacity; return the overflow lost."""
        room = np.inf if self.spec.capacity is None else max(self.spec.capacity - self.stock.total, 0.0)
        kept = min(quantity, room)
        self.stock.add(day, kept)
        self.daily["received"][day] += quantity
        overflow = quantity - kept
        self.daily["overflow"][day] += overflow
        return overflow


class CampModel:
    """One camp over one horizon: a SimPy Environment and its processes."""

    def __init__(self, scenario: Scenario, inputs: RandomInputs) -> None:
        self.s = scenario
        self.inputs = inputs
        self.days = scenario.days
        self.env = simpy.Environment()
        self.population = [0.0] * self.days
        self.people = float(scenario.population.initial)
        self.events: list[EventRow] = []
        requirements = requirements_usd(scenario)
        self.lines = {
            name: SupplyLine(name, spec, self.days, requirements[name]) for name, spec in scenario.commodities.items()
        }
        self.env.process(self.population_flow())
        self.env.process(self.funding())
        for disruption in scenario.disruptions:
            self.env.process(self.disruption(disruption))
        for line in self.lines.values():
            for index, donation in enumerate(line.spec.donations):
                self.env.process(self.donation(line, index, donation.day_index(scenario.start), donation.quantity))
        self.env.process(self.receipts())
        self.env.process(self.distribution())
        self.env.process(self.spoilage())
        for line in self.lines.values():
            if line.spec.ordering is not None:
                self.env.process(self.review(line))
        self.env.process(self.record())

    def run(self) -> EngineResult:
        """Run the horizon; orders due on or after it stay in the pipeline."""
        self.env.run(until=self.days * TICKS_PER_DAY)
        return EngineResult(
            arrivals=np.asarray(self.inputs.arrivals, dtype=float),
            departures=np.asarray(self.inputs.departures, dtype=float),
            population=np.array(self.population, dtype=float),
            lines={
                name: LineResult(
                    daily={field: np.array(values, dtype=float) for field, values in line.daily.items()},
                    requirement_usd=line.requirement_usd,
                    initial_stock=line.spec.initial_stock,
                    end_pipeline=line.pipeline,
                )
                for name, line in self.lines.items()
            },
            events=self.events,
        )

    # --- helpers ------------------------------------------------------------------------

    def until(self, day: int, tick: int) -> simpy.Timeout:
        """Wait until a given tick of a given day."""
        return self.env.timeout(day * TICKS_PER_DAY + tick - self.env.now)

    @property
    def today(self) -> int:
        return int(self.env.now // TICKS_PER_DAY)

    def log(self, day: int, kind: str, commodity: str, quantity=None, cost_usd=None, note="") -> None:
        self.events.append(EventRow(day, kind, commodity, quantity, cost_usd, note))

    # --- processes ----------------------------------------------------------------------

    def population_flow(self):
        """People leave (a share of yesterday's population) and arrive, once a day."""
        for day in range(self.days):
            yield self.until(day, POPULATION)
            self.people = daymath.population_today(self.people, self.inputs.arrivals[day], self.inputs.departures[day])
            self.population[day] = self.people

    def funding(self):
        """Tranches of each commodity's funded requirement arrive on their days."""
        schedule = sorted(
            (day, order, name, amount)
            for order, (name, line) in enumerate(self.lines.items())
            for day, amount in tranches(self.s, name, line.requirement_usd)
        )
        for day, _, name, amount in schedule:
            yield self.until(day, FUNDING)
            if amount > 0:
                line = self.lines[name]
                line.balance += amount
                line.daily["funds_received"][day] += amount
                self.log(day, "tranche", name, cost_usd=amount)

    def disruption(self, d):
        """A road closure: routes of its commodities are closed for its days."""
        first = d.start_day(self.s.start)
        affected = [self.lines[n] for n in (d.commodities or self.lines)]
        yield self.until(first, ROADS)
        for line in affected:
            line.closures += 1
            self.log(first, "disruption", line.name, note=d.reason)
        yield self.until(first + d.days, ROADS)
        for line in affected:
            line.closures -= 1

    def delivery(self, line: SupplyLine, day_due: int, quantity: float, ordered_on: int):
        """An order in transit: reaches the gate on its due day, or the first open day after it."""
        yield self.until(day_due, GATE)
        while line.closures:
            yield self.env.timeout(TICKS_PER_DAY)
        line.at_gate.append((ordered_on, quantity))

    def donation(self, line: SupplyLine, index: int, day_due: int, quantity: float):
        """A free delivery: reaches the gate on its day, or the first open day after it."""
        yield self.until(day_due, GATE)
        while line.closures:
            yield self.env.timeout(TICKS_PER_DAY)
        line.donated.append((index, quantity))

    def receipts(self):
        """Each day, what reached the gate goes on the shelf: deliveries first, then donations.

        Receipts of one kind are summed in a fixed order (order day; scenario order) and
        received as one, so the result does not depend on which postponed delivery SimPy
        happens to wake first, and the batch engine can add them up the same way.
        """
        for day in range(self.days):
            yield self.until(day, RECEIPTS)
            for line in self.lines.values():
                if line.at_gate:
                    delivered = 0.0
                    for ordered_on, quantity in sorted(line.at_gate):
                        delivered += quantity
                        self.log(day, "delivery", line.name, quantity, note=f"ordered on day {ordered_on}")
                    line.open_orders -= len(line.at_gate)
                    line.at_gate.clear()
                    line.pipeline = line.pipeline - delivered if line.open_orders else 0.0
                    overflow = line.receive(day, delivered)
                    if overflow > 0:
                        self.log(day, "overflow", line.name, overflow, note="deliveries above capacity")
                if line.donated:
                    donated = 0.0
                    for _, quantity in sorted(line.donated):
                        donated += quantity
                        self.log(day, "donation", line.name, quantity)
                    line.donated.clear()
                    overflow = line.receive(day, donated)
                    if overflow > 0:
                        self.log(day, "overflow", line.name, overflow, note="donations above capacity")

    def distribution(self):
        """Each day every commodity is handed out against need, rationed by days of cover."""
        size = self.s.population.household_size
        for day in range(self.days):
            yield self.until(day, DISTRIBUTION)
            people = float(self.population[day])
            for line in self.lines.values():
                spec, rec = line.spec, line.daily
                if line.kits:
                    new_need = daymath.kits_for_arrivals(float(self.inputs.arrivals[day]), size, spec.per_new_household)
                    need = new_need + line.backlog
                    line.new_need_window.append(new_need)
                else:
                    new_need = need = people * spec.per_person_day
                stock = line.stock.total
                if need > 0:
                    cover = stock / need
                    level = _ration_level(line.steps, cover)
                    planned = need * level
                    distributed = line.stock.take(min(stock, planned))
                    broken = distributed < daymath.shortage_threshold(planned)
                else:
                    cover, level, planned, distributed, broken = np.nan, 1.0, 0.0, 0.0, False
                shortfall = need - distributed
                if line.kits:
                    line.backlog = shortfall
                rec["need"][day] = need
                rec["new_need"][day] = new_need
                rec["distributed"][day] = distributed
                rec["shortfall"][day] = shortfall
                rec["ration"][day] = distributed / need if need > 0 else 1.0
                rec["ration_level"][day] = level
                # a need so small that cover overflows to infinity is recorded like no need
                rec["days_of_cover"][day] = cover if cover < np.inf else np.nan
                rec["stockout"][day] = broken
                if level != line.level:
                    self.log(day, "ration_change", line.name, level)
                    line.level = level
                if broken and not line.broken:
                    self.log(day, "stockout", line.name, planned - distributed, note="pipeline break")
                elif line.broken and not broken:
                    self.log(day, "restock", line.name, stock)
                line.broken = broken

    def spoilage(self):
        """Stock past its shelf life at the end of the day is thrown away."""
        perishable = [line for line in self.lines.values() if line.spec.shelf_life_days]
        if not perishable:
            return
        for day in range(self.days):
            yield self.until(day, SPOILAGE)
            for line in perishable:
                spoiled = line.stock.expire(day - line.spec.shelf_life_days + 1)
                if spoiled > 0:
                    line.daily["spoiled"][day] = spoiled
                    self.log(day, "spoilage", line.name, spoiled)

    def review(self, line: SupplyLine):
        """Periodic order-up-to review: order what lifts stock + pipeline to the target."""
        rule = line.spec.ordering
        cost = line.spec.unit_cost_usd
        lead_times = self.inputs.lead_times_days[line.name]
        for day in range(0, self.days, rule.review_every_days):
            yield self.until(day, REVIEW)
            if line.kits:
                window_sum = 0.0
                for new_need in line.new_need_window:  # a plain loop: sum() may compensate rounding
                    window_sum += new_need
                target = daymath.kit_order_target(
                    rule.order_up_to_days, window_sum, len(line.new_need_window), line.backlog
                )
            else:
                target = rule.order_up_to_days * line.daily["need"][day]
            position = line.stock.total + line.pipeline
            quantity = target - position
            if line.spec.capacity is not None:
                quantity = min(quantity, line.spec.capacity - position)
            if rule.max_order is not None:
                quantity = min(quantity, rule.max_order)
            paid = quantity * cost
            if cost > 0 and quantity * cost >= line.balance:
                # capped by the money on hand: spend exactly the balance, no rounding dust
                quantity, paid = line.balance / cost, line.balance
            if quantity <= standards.SHORTAGE_RTOL * target or quantity <= 0:
                continue
            line.balance -= paid
            line.pipeline += quantity
            line.open_orders += 1
            line.daily["ordered"][day] += quantity
            line.daily["spent"][day] += paid
            lead = int(lead_times[day])
            self.log(day, "order", line.name, quantity, paid, note=f"lead time {lead} days")
            self.env.process(self.delivery(line, day + lead, quantity, day))

    def record(self):
        """End-of-day stock, pipeline and balance."""
        for day in range(self.days):
            yield self.until(day, RECORD)
            for line in self.lines.values():
                line.daily["stock"][day] = line.stock.total
                line.daily["pipeline"][day] = line.pipeline
                line.daily["balance"][day] = line.balance


def _ration_level(steps: list[tuple[float, float]], cover_days: float) -> float:
    """The ration of the lowest threshold (below_days_of_cover, ration) that cover is strictly below; 1 if none."""
    level, lowest = 1.0, np.inf
    for below, ration in steps:
        if cover_days < below < lowest:
            level, lowest = ration, below
    return level


def simulate(scenario: Scenario, inputs: RandomInputs) -> EngineResult:
    """Run one replication of a scenario on given random inputs."""
    return CampModel(scenario, inputs).run()
