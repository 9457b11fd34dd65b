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


def funds_note(balance_usd: float) -> str:
    """The note of a funds_exhausted event: what the buying line had before the order."""
    return f"balance {balance_usd:.2f} USD before the order"


class CampModel:
    """One camp over one horizon: a SimPy Environment, its phase processes and its actors."""

    first = 0  # the first day stepped: a restart from a state begins later (engines/state.py)

    def __init__(self, plan: Plan, draws: Draws, replication: int = 0) -> None:
        self.plan = plan
        r = replication - draws.first
        self.arrivals = draws.arrivals[:, r].tolist()
        self.departures = draws.departures[:, r].tolist()
        self.lead_times = draws.lead_times_days[:, :, r].tolist()
        self.days = plan.days
        self.env = simpy.Environment()
        self._clock: dict[int, simpy.Timeout] = {}  # the shared event of each tick (see clock)
        self.events: list[EventRow] = []
        width = len(plan.lines)
        self.names = plan.lines
        self.people = float(plan.initial_people)
        self.population_path = [0.0] * self.days
        # each line's stock on hand; a perishable line also keeps its batches by receipt day (FIFO),
        # whose recounted total is then the line's (one batch needs no bookkeeping: adding and
        # taking it are the same + and - as on the total)
        self.total = plan.initial_stock.astype(float)
        self.batches = {i: Stock() for i in np.flatnonzero(plan.perishable).tolist()}
        for i, stock in self.batches.items():
            stock.add(0, float(plan.initial_stock[i]))
        self.pipeline = np.zeros(width)
        self.open_orders = [0] * width
        self.balance = np.zeros(width)
        self.backlog = np.zeros(width)  # kits owed to households that arrived earlier (0 for other lines)
        self.level = [1.0] * width  # yesterday's rationing level
        self.broken = [False] * width  # inside a pipeline break
        self.cut = [False] * width  # the line's last review was cut by money (funds_exhausted events)
        self.closures = [0] * width  # closures currently in force on each line's route
        self.at_gate: list[list[tuple[int, float]]] = [[] for _ in range(width)]  # (day ordered, quantity)
        self.donated: list[list[tuple[int, float]]] = [[] for _ in range(width)]  # (index in the list, quantity)
        # Python lists of [line] rows while running, arrays once at the end
        self.rows: dict[str, list] = {f: [] for f in EVERY_DAY}
        self.sparse = {f: np.zeros((self.days, width)) for f in SOME_DAYS}  # written on the days they happen
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
        daily = {f: np.array(rows, dtype=float)[:, :, None] for f, rows in self.rows.items() if f != "ration"}
        daily.update({f: values[:, :, None] for f, values in self.sparse.items()})
        with np.errstate(divide="ignore", invalid="ignore"):  # the day-by-day rules, applied to every day at once
            daily["ration"] = rules.ration_received(daily["distributed"], daily["need"])
            daily["days_of_cover"] = rules.days_of_cover_recorded(daily["days_of_cover"])
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

    def clock(self, day: int, tick: int) -> simpy.Timeout:
        """The one event of a tick of a day that every phase at that tick waits on.

        SimPy resumes an event's waiting processes in the order they began to wait, so phases
        that share a tick and wait on it every day run in the order of model/day.py: one
        event a day for all of them instead of one each.
        """
        when = day * TICKS_PER_DAY + tick
        event = self._clock.get(when)
        if event is None:
            event = self._clock[when] = self.env.timeout(when - self.env.now)
            event.callbacks.append(lambda _event: self._clock.pop(when))
        return event

    def log(self, day: int, kind: str, line: int, quantity=None, cost_usd=None, note="") -> None:
        self.events.append(EventRow(day, kind, self.names[line], quantity, cost_usd, note))

    # --- the day's phases (model/day.py), in order ---------------------------------------

    def population(self, tick: int):
        """People leave (a share of yesterday's population) and arrive, once a day."""
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            self.people = rules.population_today(self.people, self.arrivals[day], self.departures[day])
            self.population_path[day] = self.people

    def funding(self, tick: int):
        """Tranches of each line's funded requirement arrive on their days."""
        for day, line, amount in self.plan.tranches:
            yield self.clock(day, tick)
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
        width = len(self.names)
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            arriving = [i for i in range(width) if self.at_gate[i] or self.donated[i]]
            if not arriving:
                continue
            delivered, donated = [0.0] * width, [0.0] * width
            delivering, donating = [False] * width, [False] * width
            for i in arriving:
                gate, gifts = sorted(self.at_gate[i]), sorted(self.donated[i])
                self.at_gate[i], self.donated[i] = gate, gifts
                total = 0.0
                for _, quantity in gate:
                    total += quantity
                delivered[i], delivering[i] = total, bool(gate)
                self.open_orders[i] -= len(gate)
                total = 0.0
                for _, quantity in gifts:
                    total += quantity
                donated[i], donating[i] = total, bool(gifts)
            if any(delivering):
                quantity = np.array(delivered)
                # a line without a delivery keeps its pipeline: it subtracts 0.0, or is 0.0 with no open order
                self.pipeline = rules.pipeline_after_receipt(self.pipeline, quantity, np.array(self.open_orders))
                kept, overflow = rules.shelve(quantity, self.total, capacity)
                self._shelve(day, delivering, quantity, kept, overflow)
            else:
                overflow = None
            if any(donating):
                quantity = np.array(donated)
                kept_d, overflow_d = rules.shelve(quantity, self.total, capacity)
                self._shelve(day, donating, quantity, kept_d, overflow_d)
            for i in arriving:  # the event log, line by line as things reached the shelf
                kind, words = self.arrival_words(i)
                for ordered_on, quantity in self.at_gate[i]:
                    self.log(day, kind, i, quantity, note=f"{words} {ordered_on}")
                if delivering[i] and overflow[i] > 0:
                    self.log(day, "overflow", i, float(overflow[i]), note="deliveries above capacity")
                for _, quantity in self.donated[i]:
                    self.log(day, "donation", i, quantity)
                if donating[i] and overflow_d[i] > 0:
                    self.log(day, "overflow", i, float(overflow_d[i]), note="donations above capacity")
                self.at_gate[i], self.donated[i] = [], []

    def _shelve(self, day: int, arrived: list[bool], quantity: np.ndarray, kept: np.ndarray, overflow) -> None:
        received, lost = self.sparse["received"], self.sparse["overflow"]
        self.total = self.total + kept  # + 0.0 where nothing arrived
        for i, (here, q, o) in enumerate(zip(arrived, quantity.tolist(), overflow.tolist(), strict=True)):
            if here:
                received[day, i] += q
                lost[day, i] += o
                if i in self.batches:
                    self.batches[i].add(day, float(kept[i]))

    def distribution(self, tick: int):
        """Each day every line is handed out against need, rationed by days of cover."""
        plan = self.plan
        rows = self.rows
        per_person_day, per_new_household, kits = plan.per_person_day, plan.per_new_household, plan.kits
        steps = plan.ration_steps
        batches = self.batches
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            people, arrivals, size = self.need_inputs(day)
            new_need = rules.new_need(people, arrivals, size, per_person_day, per_new_household)
            need = new_need + self.backlog
            stock = self.total
            cover = stock / need
            level = rules.ration_level(cover, steps)
            planned, distributed, broken = rules.distribute(stock, need, level)
            total = stock - distributed  # Stock.take on one batch: exactly this, 0.0 when all is taken
            for i, stock_i in batches.items():
                stock_i.take(float(distributed[i]))
                total[i] = stock_i.total  # FIFO batches: the recounted sum
            self.total = total
            shortfall = need - distributed
            self.backlog = shortfall * kits
            rows["need"].append(need)
            rows["new_need"].append(new_need)
            rows["distributed"].append(distributed)
            rows["shortfall"].append(shortfall)
            rows["ration_level"].append(level)
            rows["days_of_cover"].append(cover)  # as computed; recorded at the end (see run)
            rows["stockout"].append(broken)
            levels_now, broken_now = level.tolist(), broken.tolist()
            if levels_now != self.level or broken_now != self.broken:
                for i, (was, now) in enumerate(zip(self.level, levels_now, strict=True)):
                    if now != was:
                        self.log(day, "ration_change", i, now)
                    if broken_now[i] and not self.broken[i]:
                        self.log(day, "stockout", i, float(planned[i] - distributed[i]), note="pipeline break")
                    elif self.broken[i] and not broken_now[i]:
                        self.log(day, "restock", i, float(stock[i]))
                self.level, self.broken = levels_now, broken_now

    def arrival_words(self, line: int) -> tuple[str, str]:
        """The event kind of what reaches a line's gate, and how its note dates it."""
        return "delivery", "ordered on day"

    def is_closed(self, line: int) -> bool:
        """Whether deliveries and donations to a line must wait at the gate now."""
        return self.closures[line] > 0

    def need_inputs(self, day: int):
        """(people, arrivals, household size) that today's needs are for: the camp's, for every line."""
        return self.people, self.arrivals[day], self.plan.household_size

    def spoilage(self, tick: int):
        """Stock past its shelf life at the end of the day is thrown away."""
        perishable = np.flatnonzero(self.plan.perishable).tolist()
        if not perishable:
            return
        life = self.plan.shelf_life_days.tolist()
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            for i in perishable:
                spoiled = self.batches[i].expire(day - life[i] + 1)
                if spoiled > 0:
                    self.total = self.total.copy()  # the recorded rows keep their own arrays
                    self.total[i] = self.batches[i].total
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
        kit_lines = plan.kits.tolist()
        for day in range(self.first, self.days):
            yield self.clock(day, tick)  # every day, to keep its place among the phases of its tick
            due = [i for i in ordered if day % every[i] == 0]
            if not due:
                continue
            window_sum, window_days = 0.0, 0
            if any(kit_lines[i] for i in due):  # the kits' 7-day mean new-household need
                first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
                for d in range(first, day + 1):  # a running sum, as the batch engine adds it
                    window_sum = window_sum + self.rows["new_need"][d]
                window_days = day - first + 1
            need = self.rows["need"][day]
            target = rules.order_target(plan.kits, plan.order_up_to_days, need, window_sum, window_days, self.backlog)
            position = self.total + self.pipeline
            quantity, paid, place = rules.order_quantity(
                target, position, plan.capacity, plan.max_order, self.balance, plan.unit_cost_usd
            )
            asked = rules.asked_quantity(target, position, plan.capacity, plan.max_order)
            cut = rules.funds_cut(asked, target, np.where(place, quantity, 0.0)).tolist()
            place = place.tolist()
            due.sort(key=last.__getitem__)
            for rank, i in enumerate(due):
                last[i] = (day, rank)
                balance = float(self.balance[i])
                if place[i]:
                    q, usd = float(quantity[i]), float(paid[i])
                    self.balance[i] -= usd
                    self.place_order(day, i, q, usd)
                self.money_cut(day, i, cut[i], balance)

    def money_cut(self, day: int, i: int, cut: float, balance_usd: float) -> None:
        """Record what money took off line i's order today; log the first review of a run of cut ones."""
        self.sparse["funds_cut"][day, i] = cut
        if cut > 0 and not self.cut[i]:
            self.log(day, "funds_exhausted", i, cut, note=funds_note(balance_usd))
        self.cut[i] = cut > 0

    def place_order(self, day: int, i: int, quantity: float, paid_usd: float) -> None:
        """An order of line i, paid: into the pipeline, the record and the log, and on its way."""
        self.pipeline[i] += quantity
        self.open_orders[i] += 1
        self.sparse["ordered"][day, i] += quantity
        self.sparse["spent"][day, i] += paid_usd
        lead = self.lead_times[day][i]
        self.log(day, "order", i, quantity, paid_usd, note=f"lead time {lead} days")
        self.ship(i, day + lead, quantity, day)

    def dispatch(self, tick: int):
        """A single camp has no warehouse to dispatch from (see engines/network.py)."""
        return
        yield

    def restock(self, tick: int):
        """A single camp has no warehouse to restock (see engines/network.py)."""
        return
        yield

    def record(self, tick: int):
        """End-of-day stock, pipeline and balance."""
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            self.rows["stock"].append(self.total)
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

    def ship(self, line: int, day_due: int, quantity: float, ordered_on: int) -> None:
        """An order in transit, a timed event: it reaches the gate on its due day, or the first open day after it."""
        if day_due >= self.days:
            return  # due on or after the horizon: it stays in the pipeline
        arrival = self.env.timeout(day_due * TICKS_PER_DAY + GATE_TICK - self.env.now)
        arrival.callbacks.append(lambda _event: self._at_gate(line, ordered_on, quantity))

    def _at_gate(self, line: int, ordered_on: int, quantity: float) -> None:
        if self.is_closed(line):  # the route is closed: try again tomorrow
            self.env.timeout(TICKS_PER_DAY).callbacks.append(lambda _event: self._at_gate(line, ordered_on, quantity))
        else:
            self.at_gate[line].append((ordered_on, quantity))

    def donation(self, line: int, index: int, day_due: int, quantity: float):
        """A free delivery: reaches the gate on its day, or the first open day after it."""
        yield self.until(day_due, GATE_TICK)
        while self.is_closed(line):
            yield self.env.timeout(TICKS_PER_DAY)
        self.donated[line].append((index, quantity))


def simulate(plan: Plan, draws: Draws, replication: int | None = None) -> RunArrays:
    """Run one replication (default: the draws' first) of a plan through the SimPy engine."""
    replication = draws.first if replication is None else replication
    result = CampModel(plan, draws, replication).run()
    result.first = replication
    return result
