"""Many allocations of one budget stepped as one batch: allocations x replications are the columns.

An allocation is a funded share per commodity. Every allocation runs the same replications
(common random numbers): the draws are made once and tiled, so column ``k x R + r`` is
allocation k's replication r, and only the money differs between columns. The engines are
the batch engines themselves (engines/batch.py, engines/batch_network.py), with three
changes made here, outside them, for speed: each column gets its own tranches; the
objective's sums (person-days short, person-days below the critical level) are added up
day by day as the day is stepped; and the daily records nobody reads back are written to
one day's worth of memory (a view with stride 0 over days) instead of the whole horizon.
The per-day arithmetic is the engine's own, so a column gives the same figures as the
allocation run on its own (tests/test_allocate_columns.py checks it against summary.json).
"""

from __future__ import annotations

import math
import multiprocessing
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, replace

import numpy as np

from campsim.engines.batch import BatchModel
from campsim.engines.batch_network import BatchNetwork
from campsim.model import standards
from campsim.model.day import PHASES
from campsim.model.scenario import Scenario
from campsim.plan.arrays import Plan
from campsim.plan.draw import Draws, NetworkDraws, draw, draw_network
from campsim.runs.executors import default_jobs
from campsim.runs.signals import held_signals, stop_pool, submit_all, worker_setup

# Columns stepped at once: big enough that numpy's per-call cost is small, small enough that
# the arrays kept whole ([day, line, column]: landing orders, kits' new need) stay ~12 MB each and in cache.
CHUNK_COLUMNS = 2000


@dataclass(frozen=True)
class Budgeted:
    """What money means for a scenario: each commodity's requirement and how its funding is paid."""

    commodities: tuple[str, ...]
    requirement_usd: np.ndarray  # [commodity]
    schedule: tuple[tuple[int, str, float], ...]  # (day, how, weight): "share" x total, "split" total / weight
    days: int

    def tranches(self, shares: np.ndarray, replications: int = 1) -> dict[int, list[tuple[int, np.ndarray]]]:
        """day -> [(commodity, USD per column)] for ``shares`` [allocation, commodity], each repeated for
        its ``replications``, in the order plan/money.tranche_schedule pays them (day, commodity, amount)."""
        out: dict[int, list[tuple[int, np.ndarray]]] = {}
        totals = shares * self.requirement_usd[None, :]  # funded_fraction x requirement, as money.py
        order = sorted(
            ((day, c, weight, how) for c in range(len(self.commodities)) for day, how, weight in self.schedule),
            key=lambda t: (t[0], t[1], t[2] if t[3] == "share" else 1 / t[2]),
        )
        for day, c, weight, how in order:
            if 0 <= day < self.days:
                paid = weight * totals[:, c] if how == "share" else totals[:, c] / weight
                out.setdefault(day, []).append((c, np.repeat(paid, replications)))
        return out


def budgeted(s: Scenario, plan: Plan) -> Budgeted:
    """A scenario's requirements (per commodity; a network's are network-wide) and its disbursement."""
    plan_money = plan.network if plan.network is not None else plan
    disbursement = s.funding.disbursement
    if disbursement.mode == "upfront":
        schedule = ((0, "share", 1.0),)
    elif disbursement.mode == "monthly":
        days = list(range(0, s.days, standards.MONTHLY_TRANCHE_INTERVAL_DAYS))
        schedule = tuple((d, "split", float(len(days))) for d in days)
    else:
        schedule = tuple((t.day_index(s.start), "share", t.share) for t in disbursement.tranches)
    return Budgeted(tuple(s.commodities), np.asarray(plan_money.requirement_usd, dtype=float), schedule, s.days)


def delivered_usd(money: Budgeted, shares: np.ndarray) -> float:
    """What the tranches of one allocation pay within the horizon (the default budget)."""
    return math.fsum(float(a[0]) for today in money.tranches(shares[None, :]).values() for _, a in today)


# --- the engines, column-funded and summing the objective as they go ---------------------------


def _one_day(days: int, like: np.ndarray) -> np.ndarray:
    """A [day, ...] array whose days all share one day's memory (written, never read back)."""
    buffer = np.zeros(like.shape[1:], dtype=like.dtype)
    return np.lib.stride_tricks.as_strided(buffer, shape=like.shape, strides=(0, *buffer.strides), writeable=True)


class _Objective:
    """Sums, per line and column, person-days short and person-days below the critical level."""

    KEEP = ("new_need",)  # read back on later days (the kits' 7-day window); the rest is today's only

    def _columns(self, funds: dict) -> None:
        plan, days = self.plan, self.plan.days
        self.daily = {f: a if f in self.KEEP else _one_day(days, a) for f, a in self.daily.items()}
        self.column_funds = funds
        self.person_days = np.zeros((self.width, self.reps))
        self.critical_days = np.zeros((self.width, self.reps))
        self.kit_rows = plan.kits.reshape(-1, 1)
        self.kits_per_household = plan.per_new_household.reshape(-1, 1)
        self.critical_level = (plan.critical_per_person_day * (1 - standards.SHORTAGE_RTOL)).reshape(-1, 1)

    def household_sizes(self):
        return self.plan.household_size

    def distribution(self, day: int) -> None:
        super().distribution(day)
        need, given = self.daily["need"][day], self.daily["distributed"][day]
        people = self.people if np.ndim(self.people) == 2 else self.people[None, :]
        # results/metrics.commodity_metrics, one day at a time: person-days short of the standard
        unmet = np.where(need > 0, 1 - given / need, 0.0)
        waiting = np.where(self.kits_per_household > 0, self.daily["shortfall"][day] / self.kits_per_household, 0.0)
        self.person_days = self.person_days + np.where(self.kit_rows, waiting * self.household_sizes(), people * unmet)
        # ... and person-days below the critical level (metrics.critical_mask; NaN levels: never)
        per_person = np.where(people > 0, given / people, np.inf)
        below = (need > 0) & (per_person < self.critical_level)
        self.critical_days = self.critical_days + np.where(below, people, 0.0)

    def run(self):
        steps = [getattr(self, phase.name) for phase in PHASES]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for day in range(self.plan.days):
                for step in steps:
                    step(day)
        return self.person_days, self.critical_days


class ObjectiveBatch(_Objective, BatchModel):
    """A single camp's batch engine, each column funded by its own allocation."""

    def __init__(self, plan: Plan, draws: Draws, funds: dict) -> None:
        super().__init__(plan, draws)
        self._columns(funds)
        self.funds = funds  # BatchModel.funding adds each (line, amount): amount is now one per column


class ObjectiveNetwork(_Objective, BatchNetwork):
    """A network's batch engine, each column funded by its own allocation (one budget per commodity)."""

    def __init__(self, plan: Plan, draws: NetworkDraws, funds: dict) -> None:
        super().__init__(plan, draws)
        self._columns(funds)
        days = plan.days
        self.w_daily = {f: _one_day(days, a) for f, a in self.w_daily.items()}
        for name in ("money_daily", "funds_daily", "route_kg", "route_full", "shipped_in"):
            setattr(self, name, _one_day(days, getattr(self, name)))

    def household_sizes(self):
        return self.household

    def funding(self, day: int) -> None:
        for c, amount in self.column_funds.get(day, ()):
            self.money[c] = self.money[c] + amount  # BatchNetwork.funding's sum, one amount per column
        self._sync_balance()


# --- many allocations ------------------------------------------------------------------------


def _tile(array: np.ndarray, times: int) -> np.ndarray:
    return np.tile(array, (1,) * (array.ndim - 1) + (times,))


def tiled(drawn: Draws, times: int) -> Draws:
    """The same replications ``times`` over, side by side (allocation-major columns)."""
    if isinstance(drawn, NetworkDraws):
        path = type(drawn.path)(**{k: _tile(v, times) for k, v in drawn.path.__dict__.items()})
        tiles = {f.name: _tile(getattr(drawn, f.name), times) for f in fields(drawn)
                 if f.name not in ("first", "path")}  # fmt: skip
        return replace(drawn, path=path, **tiles)
    return Draws(drawn.first, _tile(drawn.arrivals, times), _tile(drawn.departures, times),
                 _tile(drawn.lead_times_days, times))  # fmt: skip


@dataclass(frozen=True)
class Evaluated:
    """Each allocation's mean over replications, per commodity: [allocation, commodity]."""

    person_days: np.ndarray
    critical_days: np.ndarray


def draws_for(plan: Plan, seed: int, replications: int) -> Draws:
    """The replications' draws, which every allocation shares (common random numbers)."""
    return (draw_network if plan.network is not None else draw)(plan, seed, 0, replications)


def evaluate(plan: Plan, money: Budgeted, shares: np.ndarray, seed: int, replications: int,
             jobs: int | None = 1, progress: Callable[[int], object] | None = None,
             drawn: Draws | None = None) -> Evaluated:  # fmt: skip
    """Step every allocation of ``shares`` [allocation, commodity] on the same replications.

    The allocations go in chunks of about CHUNK_COLUMNS columns, on ``jobs`` forked processes
    (None: every usable core); the figures do not depend on either. ``progress(k)`` is called
    as each chunk of k allocations is done (a progress bar's update). ``drawn``: the replications'
    draws (draws_for), made here if not given.
    """
    progress = progress or (lambda k: None)
    global _FORKED
    shares = np.atleast_2d(np.asarray(shares, dtype=float))
    drawn = draws_for(plan, seed, replications) if drawn is None else drawn
    per = max(1, CHUNK_COLUMNS // replications)
    blocks = [shares[first : first + per] for first in range(0, len(shares), per)]
    workers = min(len(blocks), default_jobs() if jobs is None else jobs)
    if workers > 1 and _fork_safe():
        _FORKED = (plan, money, drawn, replications)
        try:
            got = _in_pool(blocks, workers, progress)
        finally:
            _FORKED = None
    else:
        got = []
        for block in blocks:
            got.append(_chunk(plan, money, drawn, replications, block))
            progress(len(block))
    return Evaluated(np.concatenate([p for p, _ in got]), np.concatenate([c for _, c in got]))


def _fork_safe() -> bool:
    """Fork only on Linux (unsafe on macOS) and from a process without other threads (a Dask client's)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _chunk(plan: Plan, money: Budgeted, drawn: Draws, replications: int, block: np.ndarray):
    network = plan.network is not None
    model = (ObjectiveNetwork if network else ObjectiveBatch)(plan, tiled(drawn, len(block)),
                                                              money.tranches(block, replications))  # fmt: skip
    days_short, days_critical = model.run()
    return (_by_commodity(plan, days_short, len(block), replications),
            _by_commodity(plan, days_critical, len(block), replications))  # fmt: skip


_FORKED: tuple | None = None  # (plan, money, drawn, replications) for forked workers, set just before the fork


def _forked_chunk(block: np.ndarray):
    plan, money, drawn, replications = _FORKED
    return _chunk(plan, money, drawn, replications, block)


def _in_pool(blocks: list[np.ndarray], workers: int, progress: Callable[[int], object]) -> list:
    """The chunks on forked processes that die with this one (runs/signals.py), in order."""
    initializer, initargs = worker_setup()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=initializer,
                               initargs=initargs)  # fmt: skip
    try:
        futures = submit_all(pool, [(_forked_chunk, block) for block in blocks])
        got = []
        for block, future in zip(blocks, futures, strict=True):
            got.append(future.result())
            progress(len(block))
    except BaseException:
        stop_pool(pool)
        raise
    with held_signals():
        pool.shutdown()
    return got


def _by_commodity(plan: Plan, values: np.ndarray, allocations: int, replications: int) -> np.ndarray:
    """[line, column] sums -> [allocation, commodity] means over replications (a network adds its camps)."""
    if plan.network is not None:
        commodity = plan.network.sites.line_commodity
        width = len(plan.network.sites.commodities)
        totals = np.zeros((width, values.shape[1]))
        for i, c in enumerate(commodity.tolist()):
            totals[c] = totals[c] + values[i]
        values = totals
    return values.reshape(values.shape[0], allocations, replications).mean(axis=2).T
