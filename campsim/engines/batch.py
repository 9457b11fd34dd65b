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

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from campsim.model import rules as daymath
from campsim.model import standards
from campsim.engines.des import DAILY_FIELDS, EngineResult, LineResult
from campsim.plan.draw import (
    RandomInputs,
    arrival_means,
    draw_inputs,
    requirements_usd,
    scheduled_departures,
    tranches,
)
from campsim.model.schema import Commodity, Scenario


@dataclass(frozen=True)
class BatchInputs:
    """Random inputs of many replications, stacked day-major: arrays [days, replications]."""

    arrivals: np.ndarray
    departures: np.ndarray
    lead_times_days: dict[str, np.ndarray]

    @classmethod
    def stack(cls, draws: list[RandomInputs]) -> BatchInputs:
        return cls(
            arrivals=np.stack([d.arrivals for d in draws], axis=1).astype(float),
            departures=np.stack([d.departures for d in draws], axis=1).astype(float),
            lead_times_days={
                n: np.stack([d.lead_times_days[n] for d in draws], axis=1) for n in draws[0].lead_times_days
            },
        )


# Recently drawn inputs, by what determines them. A funding sweep or a solve runs the same
# replications on scenarios that differ only in money, so (common random numbers) every
# point has the same inputs: drawing them once per worker instead of once per point saves
# most of the drawing, which costs more than the stepping.
_DRAWN: OrderedDict[tuple, BatchInputs] = OrderedDict()
DRAWN_ENTRIES = 4
_DRAWN_LOCK = threading.Lock()


def draw_key(s: Scenario, seed: int, first: int, stop: int, means: np.ndarray) -> tuple:
    """Everything the draws of replications first..stop-1 depend on (see inputs.draw_inputs)."""
    leads = tuple(
        (name, c.ordering.lead_time_days.model_dump_json())
        for name, c in s.commodities.items()
        if c.ordering is not None
    )
    means_digest = hashlib.blake2b(means.tobytes(), digest_size=16).hexdigest()
    leaving_digest = hashlib.blake2b(scheduled_departures(s).tobytes(), digest_size=16).hexdigest()
    people = (s.population.initial, s.population.departures_per_day, leaving_digest)
    return (seed, first, stop, s.deterministic, s.days, means_digest, people, leads)


def draw_batch(s: Scenario, seed: int, first: int, stop: int) -> BatchInputs:
    """The inputs of replications first..stop-1, each drawn exactly as for the SimPy engine.

    Inputs are read-only to the engine, so a repeat request returns the same arrays.
    """
    means = arrival_means(s)
    key = draw_key(s, seed, first, stop, means)
    with _DRAWN_LOCK:  # Dask workers may run several chunks at once, in threads
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    drawn = _draw(s, seed, first, stop, means)
    with _DRAWN_LOCK:
        _DRAWN[key] = drawn
        while len(_DRAWN) > DRAWN_ENTRIES:
            _DRAWN.popitem(last=False)
    return drawn


def _draw(s: Scenario, seed: int, first: int, stop: int, means: np.ndarray) -> BatchInputs:
    if s.deterministic:  # every replication is the expected path: draw once, repeat
        one = draw_inputs(s, seed, first, means)
        n = stop - first
        drawn = BatchInputs(
            arrivals=np.tile(one.arrivals[:, None], (1, n)),
            departures=np.tile(one.departures[:, None], (1, n)),
            lead_times_days={k: np.tile(v[:, None], (1, n)) for k, v in one.lead_times_days.items()},
        )
    else:
        drawn = BatchInputs.stack([draw_inputs(s, seed, i, means) for i in range(first, stop)])
    for array in (drawn.arrivals, drawn.departures, *drawn.lead_times_days.values()):
        array.setflags(write=False)  # shared by later runs (see draw_batch): nobody may write to them
    return drawn


@dataclass
class BatchLine:
    """One commodity's daily record for every replication: field -> [days, replications]."""

    daily: dict[str, np.ndarray]
    requirement_usd: float
    initial_stock: float
    end_pipeline: np.ndarray  # [replications]


@dataclass
class BatchResult:
    """Plain arrays out of a batch of replications."""

    arrivals: np.ndarray  # [days, replications]
    departures: np.ndarray
    population: np.ndarray
    lines: dict[str, BatchLine]

    @property
    def replications(self) -> int:
        return self.population.shape[1]

    def replication(self, r: int) -> EngineResult:
        """One replication's arrays, shaped as the SimPy engine's result (no event log)."""
        return EngineResult(
            arrivals=self.arrivals[:, r],
            departures=self.departures[:, r],
            population=self.population[:, r],
            lines={
                name: LineResult(
                    daily={k: v[:, r] for k, v in line.daily.items()},
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
        if not d.commodities or name in d.commodities:  # no list, or an empty one: all commodities
            first = d.start_day(s.start)
            closed[max(first, 0) : max(min(first + d.days, s.days), 0)] += 1
    land = np.empty(s.days + 1, dtype=np.int64)
    land[s.days] = s.days
    for t in range(s.days - 1, -1, -1):
        land[t] = land[t + 1] if closed[t] else t
    return land


class _Line:
    """One commodity's state across replications, stepped a day at a time.

    Everything is day-major ([days, replications]) so that each day's reads and writes
    are contiguous rows.
    """

    def __init__(self, s: Scenario, name: str, spec: Commodity, reps: int, requirement: float) -> None:
        days = s.days
        self.spec = spec
        self.reps = reps
        self.requirement_usd = requirement
        self.daily = {f: np.zeros((days, reps)) for f in DAILY_FIELDS}
        self.kits = spec.per_household
        self.steps = sorted(((r.below_days_of_cover, r.ration) for r in spec.rationing), reverse=True)
        self.capacity = spec.capacity
        self.total = np.full(reps, float(spec.initial_stock)) if spec.initial_stock > 0 else np.zeros(reps)
        self.life = spec.shelf_life_days
        if self.life is not None:
            self.batches = np.zeros((days, reps))  # stock on hand by receipt day
            self.batches[0] = self.total
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
        self.donations: dict[int, float] = {}
        for donation in spec.donations:  # in scenario order, as the SimPy engine sums them
            day = int(self.land[donation.day_index(s.start)])
            if day < days:
                self.donations[day] = self.donations.get(day, 0.0) + donation.quantity
        self.rule = spec.ordering
        self.new_need = None  # kits: each day's new-household need, for the review's window
        if self.rule is not None:
            self.landing = np.zeros((days, reps))  # orders landing on a day, summed as placed
            self.landing_count = np.zeros((days, reps), dtype=np.int64)
            self.landed_any = np.zeros(days, dtype=bool)
            if self.kits:
                self.new_need = np.zeros((days, reps))

    # --- stock (stock.py, column-wise) -------------------------------------------------

    def _recount(self, live: np.ndarray) -> np.ndarray:
        """Left-to-right sum of each replication's batches (oldest first), as Stock._recount."""
        return np.cumsum(live, axis=0)[-1] if live.shape[0] else np.zeros(self.reps)

    def _add(self, day: int, kept) -> None:
        self.total = self.total + kept  # + 0.0 is exact: no mask needed
        if self.life is not None:
            self.batches[day] += kept

    def _take(self, day: int, quantity: np.ndarray) -> None:
        """Take 0 <= quantity <= stock, oldest first (Stock.take)."""
        if self.life is None:
            # one batch: the running sum is the total, so Stock.take leaves total - quantity
            # (exactly 0.0 when all of it is taken)
            self.total = self.total - quantity
            return
        live = self.batches[self.oldest : day + 1]
        total = self.total
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
            total[cols] = self._recount(block)
        if full.any():
            live[:, full] = 0.0
            total = np.where(full, 0.0, total)
        self.total = total

    def _receive(self, day: int, quantity) -> None:
        if self.capacity is None:
            kept = quantity
        else:
            kept = np.minimum(quantity, np.maximum(self.capacity - self.total, 0.0))
        self._add(day, kept)
        self.daily["received"][day] += quantity
        if self.capacity is not None:
            self.daily["overflow"][day] += quantity - kept

    # --- the day's steps ---------------------------------------------------------------

    def fund(self, day: int) -> None:
        for amount in self.funds.get(day, ()):
            self.balance = self.balance + amount
            self.daily["funds_received"][day] += amount

    def receive(self, day: int) -> None:
        if self.rule is not None and self.landed_any[day]:
            count = self.landing_count[day]
            quantity = self.landing[day]
            self.open_orders = self.open_orders - count
            # rows without a delivery today keep their pipeline; with one, the last delivery
            # of all open orders resets it to exactly 0 (as in engine.py)
            self.pipeline = np.where(
                count > 0, np.where(self.open_orders > 0, self.pipeline - quantity, 0.0), self.pipeline
            )
            self._receive(day, quantity)
        donated = self.donations.get(day)
        if donated is not None:
            self._receive(day, donated)

    def distribute(self, day: int, people: np.ndarray, arrivals: np.ndarray, household_size: float) -> None:
        spec, rec = self.spec, self.daily
        if self.kits:
            new_need = daymath.kits_for_arrivals(arrivals, household_size, spec.per_new_household)
            need = new_need + self.backlog
            if self.new_need is not None:
                self.new_need[day] = new_need
        else:
            new_need = need = people * spec.per_person_day
        stock = self.total
        # need 0 gives cover inf or NaN: no threshold is met, the plan is 0, nothing is taken
        cover = stock / need
        level = 1.0
        for below, ration in self.steps:  # highest threshold first: the lowest one met wins
            level = np.where(cover < below, ration, level)
        planned = need * level
        distributed = np.minimum(stock, planned)
        self._take(day, distributed)
        rec["stockout"][day] = distributed < daymath.shortage_threshold(planned)
        shortfall = need - distributed
        if self.kits:
            self.backlog = shortfall
        rec["need"][day] = need
        rec["new_need"][day] = new_need
        rec["distributed"][day] = distributed
        rec["shortfall"][day] = shortfall
        rec["ration"][day] = np.where(need > 0, distributed / need, 1.0)
        rec["ration_level"][day] = level
        rec["days_of_cover"][day] = np.where(cover < np.inf, cover, np.nan)

    def spoil(self, day: int) -> None:
        if self.life is None:
            return
        expiring = day - self.life + 1
        if expiring >= self.oldest:
            spoiled = self.batches[expiring].copy()
            gone = spoiled > 0
            if gone.any():
                self.batches[expiring] = 0.0
                self.total = np.where(gone, self._recount(self.batches[self.oldest : day + 1]), self.total)
                self.daily["spoiled"][day] = spoiled
        while self.oldest <= day and not self.batches[self.oldest].any():
            self.oldest += 1

    def review(self, day: int, lead_days: np.ndarray) -> None:
        rule, cost = self.rule, self.spec.unit_cost_usd
        if self.kits:
            first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
            window_sum = 0.0
            for d in range(first, day + 1):
                window_sum = window_sum + self.new_need[d]
            target = daymath.kit_order_target(rule.order_up_to_days, window_sum, day - first + 1, self.backlog)
        else:
            target = rule.order_up_to_days * self.daily["need"][day]
        position = self.total + self.pipeline
        quantity = target - position
        if self.capacity is not None:
            quantity = np.minimum(quantity, self.capacity - position)
        if rule.max_order is not None:
            quantity = np.minimum(quantity, rule.max_order)
        paid = quantity * cost
        if cost > 0:
            capped = paid >= self.balance  # money on hand caps the order: spend exactly the balance
            quantity = np.where(capped, self.balance / cost, quantity)
            paid = np.where(capped, self.balance, paid)
        place = ~((quantity <= standards.SHORTAGE_RTOL * target) | (quantity <= 0))
        if not place.any():
            return
        quantity = np.where(place, quantity, 0.0)
        paid = np.where(place, paid, 0.0)
        self.balance = self.balance - paid  # - 0.0 and + 0.0 are exact where nothing is ordered
        self.pipeline = self.pipeline + quantity
        self.open_orders = self.open_orders + place
        self.daily["ordered"][day] = quantity
        self.daily["spent"][day] = paid
        days = self.landing.shape[0]
        lands = self.land[np.minimum(day + lead_days, days)]  # due on or after the horizon: never lands
        rows = np.flatnonzero(place & (lands < days))
        # one order per replication per day: no (day, replication) pair repeats within this call
        self.landing[lands[rows], rows] += quantity[rows]
        self.landing_count[lands[rows], rows] += 1
        self.landed_any[lands[rows]] = True

    def record(self, day: int) -> None:
        self.daily["stock"][day] = self.total
        self.daily["pipeline"][day] = self.pipeline
        self.daily["balance"][day] = self.balance


def simulate_batch(s: Scenario, inputs: BatchInputs) -> BatchResult:
    """Run every replication of ``inputs`` through the documented day at once."""
    days, reps = inputs.arrivals.shape
    requirements = requirements_usd(s)
    lines = {name: _Line(s, name, spec, reps, requirements[name]) for name, spec in s.commodities.items()}
    population = np.empty((days, reps))
    people = np.full(reps, float(s.population.initial))
    size = s.population.household_size
    reviewing = [(line, name, line.rule.review_every_days) for name, line in lines.items() if line.rule is not None]
    # zero needs give infinite or undefined cover, and tiny ones overflow it: both are expected
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for day in range(days):
            arrivals = inputs.arrivals[day]
            people = daymath.population_today(people, arrivals, inputs.departures[day])
            population[day] = people
            # the commodities never interact, so each runs its whole day in turn
            for line in lines.values():
                line.fund(day)
                line.receive(day)
                line.distribute(day, people, arrivals, size)
                line.spoil(day)
            for line, name, every in reviewing:
                if day % every == 0:
                    line.review(day, inputs.lead_times_days[name][day])
            for line in lines.values():
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
