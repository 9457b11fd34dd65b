"""The batch engine: the documented day, stepped once for many replications at a time.

Every quantity of engine.py becomes an array with one value per replication, and the day
is stepped with numpy: ``people[r]``, ``stock[r]``, ``balance[r]``... The SimPy engine stays
the reference (it writes the event log and single runs); this one gives the same daily
values and summaries for replications, sweeps and the solver, orders of magnitude faster.

The layouts that replace SimPy's processes:

- stock: a scalar per replication, and for a perishable commodity one column per receipt
  day (``batches[r, day]``), taken oldest first by a running sum (see stock.py);
- pipeline: ``landing[r, day]``, the sum of the orders that will land on a day, added in
  the order they were placed, with ``landing_count`` for the open-order count;
- disruptions: a deterministic map ``land_day[t]`` from a due day to the first day the
  commodity's route is open (the road closures do not depend on replications);
- funding and donations: deterministic per-day amounts, applied in the SimPy engine's order.

Every step uses the same floating-point operations in the same order as engine.py and
stock.py (shared through daymath.py where it is more than one operation), so the two
engines agree to the last bit on the same random inputs, and so do their threshold
decisions; tests/test_batch.py checks it on the shipped scenarios and generated ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from campsim import daymath, standards
from campsim.engine import DAILY_FIELDS, EngineResult, LineResult
from campsim.inputs import RandomInputs, draw_inputs, requirements_usd, tranches
from campsim.scenario import Commodity, Scenario


@dataclass(frozen=True)
class BatchInputs:
    """Random inputs of many replications, stacked: arrays [replications, days]."""

    arrivals: np.ndarray
    departures: np.ndarray
    lead_times_days: dict[str, np.ndarray]

    @classmethod
    def stack(cls, draws: list[RandomInputs]) -> BatchInputs:
        return cls(
            arrivals=np.stack([d.arrivals for d in draws]).astype(float),
            departures=np.stack([d.departures for d in draws]).astype(float),
            lead_times_days={n: np.stack([d.lead_times_days[n] for d in draws]) for n in draws[0].lead_times_days},
        )


def draw_batch(s: Scenario, seed: int, first: int, stop: int) -> BatchInputs:
    """The inputs of replications first..stop-1, each drawn exactly as for the SimPy engine."""
    if s.deterministic:  # every replication is the expected path: draw once, repeat
        one = draw_inputs(s, seed, first)
        n = stop - first
        return BatchInputs(
            arrivals=np.tile(one.arrivals, (n, 1)),
            departures=np.tile(one.departures, (n, 1)),
            lead_times_days={k: np.tile(v, (n, 1)) for k, v in one.lead_times_days.items()},
        )
    return BatchInputs.stack([draw_inputs(s, seed, i) for i in range(first, stop)])


@dataclass
class BatchLine:
    """One commodity's daily record for every replication: field -> [replications, days]."""

    daily: dict[str, np.ndarray]
    requirement_usd: float
    initial_stock: float
    end_pipeline: np.ndarray  # [replications]


@dataclass
class BatchResult:
    """Plain arrays out of a batch of replications."""

    arrivals: np.ndarray  # [replications, days]
    departures: np.ndarray
    population: np.ndarray
    lines: dict[str, BatchLine]

    @property
    def replications(self) -> int:
        return self.population.shape[0]

    def replication(self, r: int) -> EngineResult:
        """One replication's arrays, shaped as the SimPy engine's result (no event log)."""
        return EngineResult(
            arrivals=self.arrivals[r],
            departures=self.departures[r],
            population=self.population[r],
            lines={
                name: LineResult(
                    daily={k: v[r] for k, v in line.daily.items()},
                    requirement_usd=line.requirement_usd,
                    initial_stock=line.initial_stock,
                    end_pipeline=float(line.end_pipeline[r]),
                )
                for name, line in self.lines.items()
            },
        )


def land_days(s: Scenario, name: str) -> np.ndarray:
    """For each due day t (and t = days), the first day >= t the route is open; days = never."""
    closed = np.zeros(s.days, dtype=int)
    for d in s.disruptions:
        if d.commodities is None or name in d.commodities:
            first = d.start_day(s.start)
            closed[max(first, 0) : max(min(first + d.days, s.days), 0)] += 1
    land = np.empty(s.days + 1, dtype=np.int64)
    land[s.days] = s.days
    for t in range(s.days - 1, -1, -1):
        land[t] = land[t + 1] if closed[t] else t
    return land


class _Line:
    """One commodity's state across replications, stepped a day at a time."""

    def __init__(self, s: Scenario, name: str, spec: Commodity, reps: int, requirement: float) -> None:
        days = s.days
        self.spec = spec
        self.reps = reps
        self.requirement_usd = requirement
        self.daily = {f: np.zeros((reps, days)) for f in DAILY_FIELDS}
        self.kits = spec.per_household
        self.steps = sorted(((r.below_days_of_cover, r.ration) for r in spec.rationing), reverse=True)
        self.capacity = spec.capacity
        self.total = np.full(reps, float(spec.initial_stock)) if spec.initial_stock > 0 else np.zeros(reps)
        self.life = spec.shelf_life_days
        if self.life is not None:
            self.batches = np.zeros((reps, days))  # stock on hand by receipt day
            self.batches[:, 0] = self.total
            self.oldest = 0  # no replication has stock received before this day
        self.backlog = np.zeros(reps)
        self.balance = np.zeros(reps)
        self.pipeline = np.zeros(reps)
        self.open_orders = np.zeros(reps, dtype=np.int64)
        self.land = land_days(s, name)
        self.funds: dict[int, list[float]] = {}
        for day, amount in sorted(tranches(s, name, requirement)):
            if amount > 0 and 0 <= day < days:
                self.funds.setdefault(day, []).append(amount)
        self.donations = np.zeros(days)
        self.donation_days = np.zeros(days, dtype=bool)
        for donation in spec.donations:
            day = int(self.land[donation.day_index(s.start)])
            if day < days:
                self.donations[day] += donation.quantity
                self.donation_days[day] = True
        self.rule = spec.ordering
        self.new_need = None  # kits: each day's new-household need, for the review's window
        if self.rule is not None:
            self.landing = np.zeros((reps, days))
            self.landing_count = np.zeros((reps, days), dtype=np.int64)
            self.new_need = np.zeros((reps, days)) if self.kits else None

    # --- stock (stock.py, column-wise) -------------------------------------------------

    def _live(self, day: int) -> np.ndarray:
        return self.batches[:, self.oldest : day + 1]

    def _recount(self, day: int) -> np.ndarray:
        live = self._live(day)
        return np.cumsum(live, axis=1)[:, -1] if live.shape[1] else np.zeros(self.reps)

    def _add(self, day: int, kept: np.ndarray) -> None:
        self.total = self.total + kept  # + 0.0 is exact: no mask needed
        if self.life is not None:
            self.batches[:, day] += kept

    def _take(self, day: int, quantity: np.ndarray) -> np.ndarray:
        """Take up to quantity oldest first; returns what was taken (Stock.take)."""
        total = self.total
        full = (quantity > 0) & (quantity >= total)
        part = (quantity > 0) & (quantity < total)
        taken = np.where(full, total, np.where(part, quantity, 0.0))
        if self.life is None:
            self.total = np.where(full, 0.0, np.where(part, total - quantity, total))
            return taken
        live = self._live(day)
        if part.any() and live.shape[1]:
            rows = np.flatnonzero(part)
            block = live[rows]
            cum = np.cumsum(block, axis=1)
            consumed = cum <= quantity[rows, None]
            gone = consumed.sum(axis=1)  # consumed batches are a prefix: cum never falls
            block[consumed] = 0.0
            left = gone < block.shape[1]
            block[left, gone[left]] = cum[left, gone[left]] - quantity[rows[left]]
            live[rows] = block
            recount = np.cumsum(block, axis=1)[:, -1]
            self.total = total.copy()
            self.total[rows] = recount
        if full.any():
            live[full] = 0.0
            self.total = np.where(full, 0.0, self.total)
        return taken

    def _receive(self, day: int, quantity: np.ndarray | float) -> None:
        room = np.inf if self.capacity is None else np.maximum(self.capacity - self.total, 0.0)
        kept = np.minimum(quantity, room)
        self._add(day, kept)
        self.daily["received"][:, day] += quantity
        self.daily["overflow"][:, day] += quantity - kept

    # --- the day's steps ---------------------------------------------------------------

    def fund(self, day: int) -> None:
        for amount in self.funds.get(day, ()):
            self.balance = self.balance + amount
            self.daily["funds_received"][:, day] += amount

    def receive(self, day: int) -> None:
        if self.rule is not None:
            count = self.landing_count[:, day]
            landed = count > 0
            if landed.any():
                quantity = self.landing[:, day]
                self.open_orders = self.open_orders - count
                self.pipeline = np.where(
                    landed, np.where(self.open_orders > 0, self.pipeline - quantity, 0.0), self.pipeline
                )
                self._receive(day, quantity)
        if self.donation_days[day]:
            self._receive(day, self.donations[day])

    def distribute(self, day: int, people: np.ndarray, arrivals: np.ndarray, household_size: float) -> None:
        spec, rec = self.spec, self.daily
        if self.kits:
            new_need = daymath.kits_for_arrivals(arrivals, household_size, spec.per_new_household)
            need = new_need + self.backlog
            if self.new_need is not None:
                self.new_need[:, day] = new_need
        else:
            new_need = need = people * spec.per_person_day
        stock = self.total
        some = need > 0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # tiny needs: infinite cover
            cover = np.where(some, stock / need, np.nan)
        level = np.ones(self.reps)
        for below, ration in self.steps:  # highest threshold first: the lowest one met wins
            level = np.where(cover < below, ration, level)
        planned = np.where(some, need * level, 0.0)
        distributed = self._take(day, np.minimum(stock, planned))
        broken = some & (distributed < daymath.shortage_threshold(planned))
        shortfall = need - distributed
        if self.kits:
            self.backlog = shortfall
        rec["need"][:, day] = need
        rec["new_need"][:, day] = new_need
        rec["distributed"][:, day] = distributed
        rec["shortfall"][:, day] = shortfall
        with np.errstate(divide="ignore", invalid="ignore"):
            rec["ration"][:, day] = np.where(some, distributed / need, 1.0)
        rec["ration_level"][:, day] = level
        rec["days_of_cover"][:, day] = np.where(cover < np.inf, cover, np.nan)
        rec["stockout"][:, day] = broken

    def spoil(self, day: int) -> None:
        if self.life is None:
            return
        expiring = day - self.life + 1
        if expiring >= self.oldest:
            spoiled = self.batches[:, expiring].copy()
            gone = spoiled > 0
            if gone.any():
                self.batches[:, expiring] = 0.0
                self.total = np.where(gone, self._recount(day), self.total)
                self.daily["spoiled"][:, day] = spoiled
        while self.oldest <= day and not self.batches[:, self.oldest].any():
            self.oldest += 1

    def review(self, day: int, lead_days: np.ndarray) -> None:
        rule, cost = self.rule, self.spec.unit_cost_usd
        if self.kits:
            first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
            window_sum = np.zeros(self.reps)
            for d in range(first, day + 1):
                window_sum = window_sum + self.new_need[:, d]
            target = daymath.kit_order_target(rule.order_up_to_days, window_sum, day - first + 1, self.backlog)
        else:
            target = rule.order_up_to_days * self.daily["need"][:, day]
        position = self.total + self.pipeline
        quantity = target - position
        if self.capacity is not None:
            quantity = np.minimum(quantity, self.capacity - position)
        if rule.max_order is not None:
            quantity = np.minimum(quantity, rule.max_order)
        paid = quantity * cost
        if cost > 0:
            capped = quantity * cost >= self.balance
            quantity = np.where(capped, self.balance / cost, quantity)
            paid = np.where(capped, self.balance, paid)
        place = ~((quantity <= standards.SHORTAGE_RTOL * target) | (quantity <= 0))
        if not place.any():
            return
        self.balance = np.where(place, self.balance - paid, self.balance)
        self.pipeline = np.where(place, self.pipeline + quantity, self.pipeline)
        self.open_orders = self.open_orders + place
        self.daily["ordered"][:, day] = np.where(place, quantity, 0.0)
        self.daily["spent"][:, day] = np.where(place, paid, 0.0)
        days = self.landing.shape[1]
        due = np.minimum(day + lead_days, days)  # due on or after the horizon: never lands
        lands = self.land[due]
        rows = np.flatnonzero(place & (lands < days))
        # one order per replication per day: no (row, day) pair repeats within this call
        self.landing[rows, lands[rows]] += quantity[rows]
        self.landing_count[rows, lands[rows]] += 1

    def record(self, day: int) -> None:
        self.daily["stock"][:, day] = self.total
        self.daily["pipeline"][:, day] = self.pipeline
        self.daily["balance"][:, day] = self.balance


def simulate_batch(s: Scenario, inputs: BatchInputs) -> BatchResult:
    """Run every replication of ``inputs`` through the documented day at once."""
    reps, days = inputs.arrivals.shape
    requirements = requirements_usd(s)
    lines = {name: _Line(s, name, spec, reps, requirements[name]) for name, spec in s.commodities.items()}
    population = np.empty((reps, days))
    people = np.full(reps, float(s.population.initial))
    size = s.population.household_size
    for day in range(days):
        arrivals = inputs.arrivals[:, day]
        people = daymath.population_today(people, arrivals, inputs.departures[:, day])
        population[:, day] = people
        for name, line in lines.items():
            # the commodities never interact, so each can run its whole day in turn
            line.fund(day)
            line.receive(day)
            line.distribute(day, people, arrivals, size)
            line.spoil(day)
            if line.rule is not None and day % line.rule.review_every_days == 0:
                line.review(day, inputs.lead_times_days[name][:, day])
            line.record(day)
    return BatchResult(
        arrivals=inputs.arrivals,
        departures=inputs.departures,
        population=population,
        lines={
            name: BatchLine(
                daily=line.daily,
                requirement_usd=line.requirement_usd,
                initial_stock=line.spec.initial_stock,
                end_pipeline=line.pipeline,
            )
            for name, line in lines.items()
        },
    )
