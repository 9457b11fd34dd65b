"""The batch engine: the documented day, stepped once for many replications at a time.

Every quantity of the SimPy engine becomes an array ``[line, replication]`` and the day is
stepped with numpy: each phase (model/day.py) runs across all lines and replications
before the next, and each rule (model/rules.py) is the same function the SimPy engine
calls, so the two engines agree to the last bit on the same draws, and so do their
threshold decisions; tests/test_batch.py checks it on the shipped scenarios and
generated ones. The SimPy engine stays the reference (it writes the event log and single
runs); this one gives the same daily values and summaries for replications, sweeps and
the solver, orders of magnitude faster.

The layouts that replace SimPy's processes:

- stock: a total per line and replication, and for a perishable line one column per
  receipt day (``batches[day, replication]``), taken oldest first by a running sum (see
  stock.py);
- pipeline: ``landing[day, line, replication]``, the sum of the orders that will land on a
  day, added in the order they were placed, with ``landing_count`` for the open orders;
- road closures: the plan's ``land_day[line, t]``, the first day on or after t that the
  line's route is open (closures do not depend on replications);
- funding and donations: the plan's per-day amounts, applied in the SimPy engine's order.
"""

from __future__ import annotations

import numpy as np

from campsim.model import rules, standards
from campsim.model.day import PHASES
from campsim.model.outputs import DAILY_FIELDS, RunArrays
from campsim.plan.compile import Plan
from campsim.plan.draw import Draws


class PerishableStock:
    """One perishable line's stock by receipt day, across replications (stock.py, column-wise)."""

    def __init__(self, days: int, initial: np.ndarray, origin: int = 0) -> None:
        # stock on hand by receipt day from ``origin`` on: a restart's stock may be older than day 0 (origin < 0)
        self.origin = origin
        self.rows = np.zeros((days - origin, initial.shape[0]))
        self.batches = self.rows[-origin:]  # the same rows from day 0 on, indexed by day
        self.batches[0] = initial
        self.oldest = origin  # no replication has stock received before this day

    @staticmethod
    def recount(live: np.ndarray) -> np.ndarray:
        """Left-to-right sum of each replication's batches (oldest first), as Stock._recount."""
        return np.cumsum(live, axis=0)[-1] if live.shape[0] else np.zeros(live.shape[1])

    def take(self, day: int, quantity: np.ndarray, total: np.ndarray) -> np.ndarray:
        """Take 0 <= quantity <= total, oldest first (Stock.take); return the new total."""
        live = self.rows[self.oldest - self.origin : day + 1 - self.origin]
        part = (quantity > 0) & (quantity < total)
        full = (quantity > 0) & (quantity >= total)
        if part.any() and live.shape[0]:
            cols = np.flatnonzero(part)
            block = live[:, cols]
            cum = np.cumsum(block, axis=0)
            consumed = cum <= quantity[cols]
            gone = consumed.sum(axis=0)  # consumed batches are a prefix: the running sum never falls
            block[consumed] = 0.0
            left = np.flatnonzero(gone < block.shape[0])
            block[gone[left], left] = cum[gone[left], left] - quantity[cols[left]]
            live[:, cols] = block
            total = total.copy()
            total[cols] = self.recount(block)
        if full.any():
            live[:, full] = 0.0
            total = np.where(full, 0.0, total)
        return total

    def expire(self, day: int, received_on_or_before: int, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Remove the batch of one receipt day; return (spoiled, new total)."""
        spoiled = np.zeros_like(total)
        if received_on_or_before >= self.oldest:
            spoiled = self.rows[received_on_or_before - self.origin].copy()
            gone = spoiled > 0
            if gone.any():
                self.rows[received_on_or_before - self.origin] = 0.0
                total = np.where(
                    gone, self.recount(self.rows[self.oldest - self.origin : day + 1 - self.origin]), total
                )
        while self.oldest <= day and not self.rows[self.oldest - self.origin].any():
            self.oldest += 1
        return spoiled, total


class BatchModel:
    """Every line of a plan across R replications, stepped a phase at a time.

    Everything is day-major (``[day, line, replication]``) so that each day's reads and
    writes are contiguous blocks.
    """

    first = 0  # the first day stepped: a restart from a state begins later (engines/state.py)

    def __init__(self, plan: Plan, draws: Draws) -> None:
        self.plan, self.draws = plan, draws
        days, reps, width = plan.days, draws.replications, len(plan.lines)
        self.width, self.reps = width, reps
        column = (width, 1)  # per-line parameters broadcast over replications
        self.per_person_day = plan.per_person_day.reshape(column)
        self.per_new_household = plan.per_new_household.reshape(column)
        self.kits = plan.kits.reshape(column)
        self.capacity = plan.capacity.reshape(column)
        self.max_order = plan.max_order.reshape(column)
        self.unit_cost = plan.unit_cost_usd.reshape(column)
        self.order_up_to_days = plan.order_up_to_days.reshape(column)
        self.ration_steps = tuple(
            (below.reshape(column), ration.reshape(column)) for below, ration in plan.ration_steps
        )
        self.daily = {f: np.zeros((days, width, reps)) for f in DAILY_FIELDS}
        self.population_path = np.empty((days, reps))
        self.people = np.full(reps, float(plan.initial_people))
        self.total = np.repeat(plan.initial_stock[:, None], reps, axis=1).astype(float)
        self.perishable = {
            i: PerishableStock(days, self.total[i].copy()) for i in np.flatnonzero(plan.perishable).tolist()
        }
        self.backlog = np.zeros((width, reps))
        self.balance = np.zeros((width, reps))
        self.pipeline = np.zeros((width, reps))
        self.open_orders = np.zeros((width, reps), dtype=np.int64)
        self.landing = np.zeros((days, width, reps))  # orders landing on a day, summed as placed
        self.landing_count = np.zeros((days, width, reps), dtype=np.int64)
        self.landing_lines = np.zeros((days, width), dtype=bool)  # lines with orders landing that day
        self.funds: dict[int, list[tuple[int, float]]] = {}
        for day, line, amount in plan.tranches:
            self.funds.setdefault(day, []).append((line, amount))
        self.donated: dict[int, dict[int, float]] = {}  # day -> line -> donations landing, summed in scenario order
        for line, _, due, quantity in plan.donations:
            day = int(plan.land_day[line, due])
            if day < days:
                today = self.donated.setdefault(day, {})
                today[line] = today.get(line, 0.0) + quantity
        self.ordered_lines = np.flatnonzero(plan.ordered)
        self.kit_lines = plan.kits.tolist()

    def run(self) -> RunArrays:
        steps = [getattr(self, phase.name) for phase in PHASES]
        # zero needs give infinite or undefined cover, and tiny ones overflow it: both are expected
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for day in range(self.first, self.plan.days):
                for step in steps:
                    step(day)
            # the day-by-day rules, applied to every day at once
            self.daily["ration"] = rules.ration_received(self.daily["distributed"], self.daily["need"])
            self.daily["days_of_cover"] = rules.days_of_cover_recorded(self.daily["days_of_cover"])
        return RunArrays(
            arrivals=self.draws.arrivals,
            departures=self.draws.departures,
            population=self.population_path,
            daily=self.daily,
            end_pipeline=self.pipeline,
            first=self.draws.first,
        )

    # --- stock -------------------------------------------------------------------------

    def _shelve(self, day: int, lines: list[int], quantity: np.ndarray) -> None:
        """Receive ``quantity`` [lines, replication] at those lines, up to capacity."""
        kept, overflow = rules.shelve(quantity, self.total[lines], self.capacity[lines])
        self.total[lines] = self.total[lines] + kept
        for k, i in enumerate(lines):
            if i in self.perishable:
                self.perishable[i].batches[day] += kept[k]
        self.daily["received"][day, lines] += quantity
        self.daily["overflow"][day, lines] += overflow

    # --- the day's phases (model/day.py), in order ---------------------------------------

    def population(self, day: int) -> None:
        self.people = rules.population_today(self.people, self.draws.arrivals[day], self.draws.departures[day])
        self.population_path[day] = self.people

    def funding(self, day: int) -> None:
        for line, amount in self.funds.get(day, ()):
            self.balance[line] = self.balance[line] + amount
            self.daily["funds_received"][day, line] += amount

    def receipts(self, day: int) -> None:
        # only the lines that receive something today: the others would add 0.0 (exact, and wasted)
        landing = np.flatnonzero(self.landing_lines[day]).tolist()
        if landing:
            count = self.landing_count[day, landing]
            quantity = self.landing[day, landing]
            self.open_orders[landing] = self.open_orders[landing] - count
            # a replication without a delivery keeps its pipeline: it subtracts 0.0, or is 0.0 with no open order
            self.pipeline[landing] = rules.pipeline_after_receipt(
                self.pipeline[landing], quantity, self.open_orders[landing]
            )
            self._shelve(day, landing, quantity)
        donated = self.donated.get(day)
        if donated:
            lines = sorted(donated)
            # a restart's donations may land on different days by replication ([rep] arrays)
            quantity = np.array([np.broadcast_to(donated[i], (self.reps,)) for i in lines], dtype=float)
            self._shelve(day, lines, quantity)

    def distribution(self, day: int) -> None:
        rec = self.daily
        people, arrivals, size = self.need_inputs(day)
        new_need = rules.new_need(people, arrivals, size, self.per_person_day, self.per_new_household)
        need = new_need + self.backlog
        stock = self.total
        cover = stock / need
        level = rules.ration_level(cover, self.ration_steps)
        _, distributed, broken = rules.distribute(stock, need, level)
        if self.perishable:
            total = stock - distributed
            for i, line_stock in self.perishable.items():
                total[i] = line_stock.take(day, distributed[i], stock[i])
            self.total = total
        else:
            # one batch per line: Stock.take leaves total - quantity (exactly 0.0 when all is taken)
            self.total = stock - distributed
        shortfall = need - distributed
        self.backlog = shortfall * self.kits
        rec["stockout"][day] = broken
        rec["need"][day] = need
        rec["new_need"][day] = new_need
        rec["distributed"][day] = distributed
        rec["shortfall"][day] = shortfall
        rec["ration_level"][day] = level
        rec["days_of_cover"][day] = cover  # as computed; recorded at the end (see run)

    def need_inputs(self, day: int):
        """(people, arrivals, household size) that today's needs are for: the camp's, for every line."""
        return self.people, self.draws.arrivals[day], self.plan.household_size

    def spoilage(self, day: int) -> None:
        life = self.plan.shelf_life_days
        for i, stock in self.perishable.items():
            spoiled, self.total[i] = stock.expire(day, day - int(life[i]) + 1, self.total[i])
            self.daily["spoiled"][day, i] = spoiled

    def review(self, day: int) -> None:
        plan = self.plan
        due = [i for i in self.ordered_lines.tolist() if day % int(plan.review_every_days[i]) == 0]
        if not due:
            return
        window_sum, window_days = 0.0, 0
        if any(self.kit_lines[i] for i in due):  # the kits' 7-day mean new-household need
            first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
            for d in range(first, day + 1):  # a running sum, as the SimPy engine adds it
                window_sum = window_sum + self.daily["new_need"][d, due]
            window_days = day - first + 1
        # the lines reviewing today, [due, replication]
        target = rules.order_target(self.kits[due], self.order_up_to_days[due], self.daily["need"][day, due],
                                    window_sum, window_days, self.backlog[due])  # fmt: skip
        position = self.total[due] + self.pipeline[due]
        quantity, paid, place = rules.order_quantity(
            target, position, self.capacity[due], self.max_order[due], self.balance[due], self.unit_cost[due],
        )  # fmt: skip
        asked = rules.asked_quantity(target, position, self.capacity[due], self.max_order[due])
        self.daily["funds_cut"][day, due] = rules.funds_cut(asked, target, np.where(place, quantity, 0.0))
        if not place.any():
            return
        quantity = np.where(place, quantity, 0.0)
        paid = np.where(place, paid, 0.0)
        self.balance[due] = self.balance[due] - paid  # - 0.0 and + 0.0 are exact where nothing is ordered
        self.pipeline[due] = self.pipeline[due] + quantity
        self.open_orders[due] = self.open_orders[due] + place
        self.daily["ordered"][day, due] = quantity
        self.daily["spent"][day, due] = paid
        days = plan.days
        lead = self.draws.lead_times_days[day]  # [line, replication]
        for k, i in enumerate(due):
            lands = plan.land_day[i, np.minimum(day + lead[i], days)]  # due on or after the horizon: never lands
            rows = np.flatnonzero(place[k] & (lands < days))
            # one order per line and replication per day: no (day, replication) pair repeats here
            self.landing[lands[rows], i, rows] += quantity[k, rows]
            self.landing_count[lands[rows], i, rows] += 1
            self.landing_lines[lands[rows], i] = True

    def dispatch(self, day: int) -> None:
        """A single camp has no warehouse to dispatch from."""

    def restock(self, day: int) -> None:
        """A single camp has no warehouse to restock."""

    def record(self, day: int) -> None:
        self.daily["stock"][day] = self.total
        self.daily["pipeline"][day] = self.pipeline
        self.daily["balance"][day] = self.balance


def simulate_batch(plan: Plan, draws: Draws) -> RunArrays:
    """Run every replication of ``draws`` through the documented day at once."""
    return BatchModel(plan, draws).run()
