"""The SimPy cohort model of a camp: people as counts, stocks as FIFO batches.

The cost of a run grows with days x lines, never with the number of people. The engine
is a deterministic function of a Plan and its Draws (plan/); it reads no scenario, does
no file I/O, no plotting and no pandas.

Each phase of the day (model/day.py) is a SimPy process waking at its tick; the actors
that come and go (tranches, road closures, deliveries in transit, donations) are
processes of their own. A phase applies each rule (model/rules.py) to all lines at once:
one numpy call per rule per day, not one per line. Events at the same tick run in the
order they were scheduled (SimPy's rule), so a run is reproducible to the last bit.
"""

from __future__ import annotations

import numpy as np
import simpy

from campsim.engines.stock import Stock
from campsim.model import rules, standards
from campsim.model.day import GATE_TICK, PHASES, ROADS_TICK, TICKS_PER_DAY
from campsim.model.outputs import DAILY_FIELDS, EventRow, RunArrays
from campsim.plan.compile import Plan
from campsim.plan.draw import Draws

# recorded every day (appended as one [line] row); the other fields only on some days
EVERY_DAY = ("need", "new_need", "distributed", "shortfall", "ration", "ration_level", "days_of_cover", "stockout",
             "stock", "pipeline", "balance")  # fmt: skip
SOME_DAYS = tuple(f for f in DAILY_FIELDS if f not in EVERY_DAY)


class CampModel:
    """One camp over one horizon: a SimPy Environment, its phase processes and its actors."""

    def __init__(self, plan: Plan, draws: Draws, replication: int = 0) -> None:
        self.plan = plan
        r = replication - draws.first
        self.arrivals = draws.arrivals[:, r].tolist()
        self.departures = draws.departures[:, r].tolist()
        self.lead_times = draws.lead_times_days[:, :, r]
        self.days = plan.days
        self.env = simpy.Environment()
        self.events: list[EventRow] = []
        width = len(plan.lines)
        self.names = plan.lines
        self.people = float(plan.initial_people)
        self.population_path = [0.0] * self.days
        self.stocks = [Stock(perishable=bool(p)) for p in plan.perishable]
        for stock, quantity in zip(self.stocks, plan.initial_stock.tolist(), strict=True):
            stock.add(0, quantity)
        self.pipeline = np.zeros(width)
        self.open_orders = [0] * width
        self.balance = np.zeros(width)
        self.backlog = np.zeros(width)  # kits owed to households that arrived earlier (0 for other lines)
        self.level = np.ones(width)  # yesterday's rationing level
        self.broken = np.zeros(width, dtype=bool)  # inside a pipeline break
        self.closures = [0] * width  # closures currently in force on each line's route
        self.at_gate: list[list[tuple[int, float]]] = [[] for _ in range(width)]  # (day ordered, quantity)
        self.donated: list[list[tuple[int, float]]] = [[] for _ in range(width)]  # (index in the list, quantity)
        self.new_need_history = np.zeros((self.days, width))  # for the kit review's 7-day window
        # Python lists of [line] rows while running, arrays once at the end
        self.rows: dict[str, list] = {f: [] for f in EVERY_DAY}
        self.sparse = {f: np.zeros((self.days, width)) for f in SOME_DAYS}
        for phase in PHASES:
            self.env.process(getattr(self, phase.name)(phase.tick))
        for closure in plan.closures:
            self.env.process(self.road_closure(closure))
        for line, index, due, quantity in plan.donations:
            self.env.process(self.donation(line, index, due, quantity))

    def run(self) -> RunArrays:
        """Run the horizon; orders due on or after it stay in the pipeline."""
        # zero needs give infinite or undefined cover, and tiny ones overflow it: both are expected
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            self.env.run(until=self.days * TICKS_PER_DAY)
        daily = {f: np.array(rows, dtype=float)[:, :, None] for f, rows in self.rows.items()}
        daily.update({f: values[:, :, None] for f, values in self.sparse.items()})
        return RunArrays(
            arrivals=np.array(self.arrivals, dtype=float)[:, None],
            departures=np.array(self.departures, dtype=float)[:, None],
            population=np.array(self.population_path, dtype=float)[:, None],
            daily={f: daily[f] for f in DAILY_FIELDS},
            end_pipeline=self.pipeline.copy()[:, None],
            events=self.events,
        )

    def until(self, day: int, tick: int) -> simpy.Timeout:
        """Wait until a given tick of a given day."""
        return self.env.timeout(day * TICKS_PER_DAY + tick - self.env.now)

    def log(self, day: int, kind: str, line: int, quantity=None, cost_usd=None, note="") -> None:
        self.events.append(EventRow(day, kind, self.names[line], quantity, cost_usd, note))

    def stock_on_hand(self) -> np.ndarray:
        return np.array([s.total for s in self.stocks])

    # --- the day's phases (model/day.py), in order ---------------------------------------

    def population(self, tick: int):
        """People leave (a share of yesterday's population) and arrive, once a day."""
        for day in range(self.days):
            yield self.until(day, tick)
            self.people = rules.population_today(self.people, self.arrivals[day], self.departures[day])
            self.population_path[day] = self.people

    def funding(self, tick: int):
        """Tranches of each line's funded requirement arrive on their days."""
        for day, line, amount in self.plan.tranches:
            yield self.until(day, tick)
            self.balance[line] += amount
            self.sparse["funds_received"][day, line] += amount
            self.log(day, "tranche", line, cost_usd=amount)

    def receipts(self, tick: int):
        """Each day, what reached the gate goes on the shelf: deliveries first, then donations.

        Receipts of one kind are summed in a fixed order (order day; scenario order) and
        received as one, so the result does not depend on which postponed delivery SimPy
        happens to wake first, and the batch engine can add them up the same way.
        """
        capacity = self.plan.capacity
        for day in range(self.days):
            yield self.until(day, tick)
            arriving = [i for i in range(len(self.names)) if self.at_gate[i] or self.donated[i]]
            if not arriving:
                continue
            delivered = np.zeros(len(self.names))
            for i in arriving:
                total = 0.0
                for _, quantity in sorted(self.at_gate[i]):
                    total += quantity
                delivered[i] = total
                if self.at_gate[i]:
                    self.open_orders[i] -= len(self.at_gate[i])
            has_delivery = np.array([bool(self.at_gate[i]) for i in range(len(self.names))])
            left = np.array(self.open_orders)
            self.pipeline = np.where(has_delivery, rules.pipeline_after_receipt(self.pipeline, delivered, left),
                                     self.pipeline)  # fmt: skip
            kept, overflow = rules.shelve(delivered, self.stock_on_hand(), capacity)
            self._shelve(day, has_delivery, delivered, kept, overflow)
            donated = np.zeros(len(self.names))
            for i in arriving:
                total = 0.0
                for _, quantity in sorted(self.donated[i]):
                    total += quantity
                donated[i] = total
            has_donation = np.array([bool(self.donated[i]) for i in range(len(self.names))])
            kept_d, overflow_d = rules.shelve(donated, self.stock_on_hand(), capacity)
            self._shelve(day, has_donation, donated, kept_d, overflow_d)
            for i in arriving:  # the event log, line by line as things reached the shelf
                for ordered_on, quantity in sorted(self.at_gate[i]):
                    self.log(day, "delivery", i, quantity, note=f"ordered on day {ordered_on}")
                if has_delivery[i] and overflow[i] > 0:
                    self.log(day, "overflow", i, float(overflow[i]), note="deliveries above capacity")
                for _, quantity in sorted(self.donated[i]):
                    self.log(day, "donation", i, quantity)
                if has_donation[i] and overflow_d[i] > 0:
                    self.log(day, "overflow", i, float(overflow_d[i]), note="donations above capacity")
                self.at_gate[i].clear()
                self.donated[i].clear()

    def _shelve(self, day: int, arrived: np.ndarray, quantity: np.ndarray, kept: np.ndarray, overflow) -> None:
        for i in np.flatnonzero(arrived).tolist():
            self.stocks[i].add(day, float(kept[i]))
            self.sparse["received"][day, i] += quantity[i]
            self.sparse["overflow"][day, i] += overflow[i]

    def distribution(self, tick: int):
        """Each day every line is handed out against need, rationed by days of cover."""
        plan = self.plan
        size = plan.household_size
        rows = self.rows
        for day in range(self.days):
            yield self.until(day, tick)
            new_need = rules.new_need(self.people, self.arrivals[day], size, plan.per_person_day,
                                      plan.per_new_household)  # fmt: skip
            need = new_need + self.backlog
            self.new_need_history[day] = new_need
            stock = self.stock_on_hand()
            cover = stock / need
            level = rules.ration_level(cover, plan.ration_below_days, plan.ration_levels)
            planned, distributed, broken = rules.distribute(stock, need, level)
            for i, quantity in enumerate(distributed.tolist()):
                if quantity > 0:
                    self.stocks[i].take(quantity)
            shortfall = need - distributed
            self.backlog = shortfall * plan.kits
            rows["need"].append(need)
            rows["new_need"].append(new_need)
            rows["distributed"].append(distributed)
            rows["shortfall"].append(shortfall)
            rows["ration"].append(rules.ration_received(distributed, need))
            rows["ration_level"].append(level)
            rows["days_of_cover"].append(rules.days_of_cover_recorded(cover))
            rows["stockout"].append(broken)
            changed = (level != self.level) | (broken != self.broken)
            if changed.any():
                for i in np.flatnonzero(changed).tolist():
                    if level[i] != self.level[i]:
                        self.log(day, "ration_change", i, float(level[i]))
                    if broken[i] and not self.broken[i]:
                        self.log(day, "stockout", i, float(planned[i] - distributed[i]), note="pipeline break")
                    elif self.broken[i] and not broken[i]:
                        self.log(day, "restock", i, float(stock[i]))
                self.level, self.broken = level, broken

    def spoilage(self, tick: int):
        """Stock past its shelf life at the end of the day is thrown away."""
        perishable = np.flatnonzero(self.plan.perishable).tolist()
        if not perishable:
            return
        life = self.plan.shelf_life_days.tolist()
        for day in range(self.days):
            yield self.until(day, tick)
            for i in perishable:
                spoiled = self.stocks[i].expire(day - life[i] + 1)
                if spoiled > 0:
                    self.sparse["spoiled"][day, i] = spoiled
                    self.log(day, "spoilage", i, spoiled)

    def review(self, tick: int):
        """Periodic order-up-to review: order what lifts stock + pipeline to the target.

        Lines due the same day are reviewed in the order a process per line would wake:
        the line that reviewed longest ago first, ties in the order they ran that day.
        """
        plan = self.plan
        every = plan.review_every_days.tolist()
        ordered = np.flatnonzero(plan.ordered).tolist()
        if not ordered:
            return
        last = {i: (-1, i) for i in ordered}  # line -> (day it last reviewed, its place that day)
        for day in range(self.days):
            due = [i for i in ordered if day % every[i] == 0]
            if not due:
                continue
            yield self.until(day, tick)
            first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
            window_sum = 0.0
            for d in range(first, day + 1):  # a running sum, as the batch engine adds it
                window_sum = window_sum + self.new_need_history[d]
            need = self.rows["need"][day]
            target = rules.order_target(plan.kits, plan.order_up_to_days, need, window_sum, day - first + 1,
                                        self.backlog)  # fmt: skip
            quantity, paid, place = rules.order_quantity(
                target, self.stock_on_hand() + self.pipeline, plan.capacity, plan.max_order, self.balance,
                plan.unit_cost_usd,
            )  # fmt: skip
            due.sort(key=last.__getitem__)
            for rank, i in enumerate(due):
                last[i] = (day, rank)
                if not place[i]:
                    continue
                q, usd = float(quantity[i]), float(paid[i])
                self.balance[i] -= usd
                self.pipeline[i] += q
                self.open_orders[i] += 1
                self.sparse["ordered"][day, i] += q
                self.sparse["spent"][day, i] += usd
                lead = int(self.lead_times[day, i])
                self.log(day, "order", i, q, usd, note=f"lead time {lead} days")
                self.env.process(self.delivery(i, day + lead, q, day))

    def record(self, tick: int):
        """End-of-day stock, pipeline and balance."""
        for day in range(self.days):
            yield self.until(day, tick)
            self.rows["stock"].append(self.stock_on_hand())
            self.rows["pipeline"].append(self.pipeline.copy())
            self.rows["balance"].append(self.balance.copy())

    # --- the actors that come and go -------------------------------------------------------

    def road_closure(self, closure):
        """A road closure: routes of its lines are closed for its days."""
        yield self.until(closure.first_day, ROADS_TICK)
        for i in closure.lines:
            self.closures[i] += 1
            self.log(closure.first_day, "disruption", i, note=closure.reason)
        yield self.until(closure.first_day + closure.days, ROADS_TICK)
        for i in closure.lines:
            self.closures[i] -= 1

    def delivery(self, line: int, day_due: int, quantity: float, ordered_on: int):
        """An order in transit: reaches the gate on its due day, or the first open day after it."""
        yield self.until(day_due, GATE_TICK)
        while self.closures[line]:
            yield self.env.timeout(TICKS_PER_DAY)
        self.at_gate[line].append((ordered_on, quantity))

    def donation(self, line: int, index: int, day_due: int, quantity: float):
        """A free delivery: reaches the gate on its day, or the first open day after it."""
        yield self.until(day_due, GATE_TICK)
        while self.closures[line]:
            yield self.env.timeout(TICKS_PER_DAY)
        self.donated[line].append((index, quantity))


def simulate(plan: Plan, draws: Draws, replication: int | None = None) -> RunArrays:
    """Run one replication (default: the draws' first) of a plan through the SimPy engine."""
    replication = draws.first if replication is None else replication
    result = CampModel(plan, draws, replication).run()
    result.first = replication
    return result
