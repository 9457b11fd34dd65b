"""draw(plan, seed, first, stop) -> Draws: every random input of a run, drawn up front.

The engines are deterministic functions of (Plan, Draws). All randomness of one
replication comes from named streams of one ``numpy.random.SeedSequence``:

- ``arrivals``: one Poisson draw per day of the summed mean of all arrival components;
- ``departures``: one Binomial(P(d-1), departures_per_day) draw per day, along the
  population path (which never depends on stocks); ``departures/data``: one Poisson draw
  per day of the departures a population series schedules;
- ``lead_time/<commodity>``: one lead time for every day of the horizon; an engine uses
  the one of day d only if it places an order on day d.

Replication i uses ``SeedSequence(seed, spawn_key=(i, crc32(name)))``: the i-th child of
``SeedSequence(seed)``, each stream keyed by a CRC-32 of its name rather than its
position, so two scenarios share a stream wherever they share the process it drives
(common random numbers), whatever commodities they list and in whatever order.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from campsim.model import standards
from campsim.plan.compile import LeadTimePlan, Plan
from campsim.plan.streams import stream


@dataclass(frozen=True)
class Draws:
    """Random inputs of replications first..first+R-1, day-major."""

    first: int  # the replication index of column 0
    arrivals: np.ndarray  # [day, rep] people arriving
    departures: np.ndarray  # [day, rep] people leaving
    lead_times_days: np.ndarray  # [day, line, rep] whole days (0 for a line that never orders)

    @property
    def replications(self) -> int:
        return self.arrivals.shape[1]


def draw_days(kind: str, params: tuple, rng: np.random.Generator, n: int) -> np.ndarray:
    """n draws of a random duration written like lead_time_days (triangular, uniform or lognormal
    with its mean and sd), in days, not yet rounded."""
    if kind == "triangular":
        return rng.triangular(*params, size=n)
    if kind == "uniform":
        return rng.uniform(*params, size=n)
    mean, sd = params
    sigma2 = math.log1p((sd / mean) ** 2)
    return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size=n)


def draw_lead_times(lead: LeadTimePlan, rng: np.random.Generator, n: int) -> np.ndarray:
    """n lead times in whole days: drawn, rounded up, at least 1."""
    if lead.kind == "fixed":
        return np.full(n, lead.mean_days, dtype=np.int64)
    draws = draw_days(lead.kind, lead.params, rng, n)
    # a lead time beyond the horizon only means "never arrives": cap it so it fits an integer
    return np.clip(np.ceil(draws), 1, standards.MAX_QUANTITY).astype(np.int64)


def lead_days(leads, names: list[str], plan: Plan, seed: int, replication: int) -> np.ndarray:
    """[day, line] whole days of each line's lead (or transit) time, from the stream named
    ``names[line]``; the mean rounded up in a deterministic plan; 0 where a line has none."""
    out = np.zeros((plan.days, len(leads)), dtype=np.int64)
    for i, lead in enumerate(leads):
        if lead is None:
            continue
        out[:, i] = lead.mean_days if plan.deterministic else draw_lead_times(lead, stream(seed, replication, names[i]),
                                                                              plan.days)  # fmt: skip
    return out


def _draw_departures(
    rng: np.random.Generator | None, initial: int, rate: float, arrivals: np.ndarray, extra: np.ndarray | None = None
) -> np.ndarray:
    """One Binomial(P(d-1), rate) draw per day along the population path, plus ``extra[d]``
    scheduled departures capped by the people left.

    Each draw depends on the ones before, so this is the one input drawn a day at a time;
    plain Python ints keep the loop at the cost of the draws themselves.
    """
    binomial = rng.binomial if rng is not None else None
    people = int(initial)
    out = []
    scheduled = extra.tolist() if extra is not None else None
    for d, arrived in enumerate(arrivals.astype(np.int64).tolist()):
        gone = binomial(people, rate) if binomial is not None else 0
        if scheduled is not None:
            gone += min(scheduled[d], people - gone)
        out.append(gone)
        people = people - gone + arrived
    return np.array(out, dtype=float)


def _one(plan: Plan, seed: int, replication: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(arrivals [day], departures [day], lead times [day, line]) of one stochastic replication."""
    arrivals = stream(seed, replication, "arrivals").poisson(plan.arrival_means).astype(float)
    rate = plan.departures_per_day
    if plan.scheduled_departures.any():
        # one Poisson draw per day of the scheduled mean, capped by the people left (own stream:
        # scenarios without data departures keep their departures stream unchanged)
        extra = stream(seed, replication, "departures/data").poisson(plan.scheduled_departures).astype(np.int64)
        rng = stream(seed, replication, "departures") if rate > 0 else None
        departures = _draw_departures(rng, plan.initial_people, rate, arrivals, extra)
    elif rate > 0:
        departures = _draw_departures(stream(seed, replication, "departures"), plan.initial_people, rate, arrivals)
    else:
        departures = np.zeros(plan.days)
    leads = lead_days(plan.lead_times, [f"lead_time/{x}" for x in plan.lines], plan, seed, replication)
    return arrivals, departures, leads


def _expected(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deterministic mode: every input at its expected value (lead times: the mean rounded up)."""
    leads = np.zeros((plan.days, len(plan.lines)), dtype=np.int64)
    for line, lead in enumerate(plan.lead_times):
        if lead is not None:
            leads[:, line] = lead.mean_days
    return plan.arrival_means.astype(float), plan.expected_departures.astype(float), leads


def draw_fresh(plan: Plan, seed: int, first: int = 0, stop: int = 1) -> Draws:
    """The inputs of replications first..stop-1 (in deterministic mode, the expected path each time)."""
    n = stop - first
    if plan.deterministic:
        arrivals, departures, leads = _expected(plan)
        drawn = Draws(
            first=first,
            arrivals=np.tile(arrivals[:, None], (1, n)),
            departures=np.tile(departures[:, None], (1, n)),
            lead_times_days=np.tile(leads[:, :, None], (1, 1, n)),
        )
    else:
        got = [_one(plan, seed, i) for i in range(first, stop)]
        drawn = Draws(
            first=first,
            arrivals=np.stack([a for a, _, _ in got], axis=1),
            departures=np.stack([d for _, d, _ in got], axis=1),
            lead_times_days=np.stack([lt for _, _, lt in got], axis=2),
        )
    for array in (drawn.arrivals, drawn.departures, drawn.lead_times_days):
        array.setflags(write=False)  # shared by later runs (see draw): nobody may write to them
    return drawn


# Recently drawn inputs, by what determines them. A funding sweep or a solve runs the same
# replications on plans that differ only in money, so (common random numbers) every point
# has the same inputs: drawing them once per worker instead of once per point saves most
# of the drawing, which costs more than the stepping.
_DRAWN: OrderedDict[tuple, Draws] = OrderedDict()
DRAWN_ENTRIES = 4
_DRAWN_LOCK = threading.Lock()


def _digest(array: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(array).tobytes(), digest_size=16).hexdigest()


def draw_key(plan: Plan, seed: int, first: int, stop: int) -> tuple:
    """Everything the draws of replications first..stop-1 depend on."""
    leads = tuple((name, lead) for name, lead in zip(plan.lines, plan.lead_times, strict=True) if lead is not None)
    people = (plan.initial_people, plan.departures_per_day, _digest(plan.scheduled_departures))
    return (seed, first, stop, plan.deterministic, plan.days, _digest(plan.arrival_means), people, leads)


def draw(plan: Plan, seed: int | None = None, first: int = 0, stop: int = 1) -> Draws:
    """The random inputs of replications first..stop-1 of a plan (``seed``: the plan's own).

    Draws are read-only to the engines, so a repeat request returns the same arrays.
    """
    seed = plan.seed if seed is None else seed
    key = draw_key(plan, seed, first, stop)
    with _DRAWN_LOCK:  # Dask workers may run several chunks at once, in threads
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    drawn = draw_fresh(plan, seed, first, stop)
    with _DRAWN_LOCK:
        _DRAWN[key] = drawn
        while len(_DRAWN) > DRAWN_ENTRIES:
            _DRAWN.popitem(last=False)
    return drawn


@dataclass(frozen=True)
class NetworkDraws(Draws):
    """A network's random inputs: each replication's population path, and lead and transit times.

    ``arrivals``, ``departures`` are the network's totals by day; ``lead_times_days`` are the
    camp lines' (direct orders).
    """

    path: object = None  # plan.camps.PopulationPath, every array [day, camp, rep]
    w_lead_times_days: np.ndarray | None = None  # [day, warehouse line, rep]
    transit_days: np.ndarray | None = None  # [day, route, rep]

    def path_of(self, replication: int):
        """One replication's PopulationPath ([day, camp] views)."""
        r = replication - self.first
        return type(self.path)(**{name: array[:, :, r] for name, array in self.path.__dict__.items()})


def draw_network(plan: Plan, seed: int | None = None, first: int = 0, stop: int = 1) -> NetworkDraws:
    """The random inputs of replications first..stop-1 of a network plan (named streams, see module doc).

    Streams: ``arrivals/<camp>``, ``departures`` (all camps, one Binomial call a day),
    ``departures/data/<camp>``, ``lead_time/<camp>/<commodity>`` (direct orders),
    ``lead_time/<warehouse>/<commodity>`` and ``transit/<route>``; deterministic mode takes
    the expected path and each distribution's mean rounded up.
    """
    from campsim.plan.camps import drawn_population

    seed = plan.seed if seed is None else seed
    net = plan.network
    sites, routes = net.sites, net.routes
    camp_names, items = net.camps.names, sites.commodities
    w_names = [f"{sites.warehouses[w]}/{items[c]}" for w, c in zip(sites.wline_warehouse, sites.wline_commodity,
                                                                    strict=True)]  # fmt: skip
    line_names = [f"{camp_names[k]}/{items[c]}" for k, c in zip(sites.line_camp, sites.line_commodity, strict=True)]

    if plan.deterministic:  # the expected path, shared by every replication (read-only views)
        n = stop - first
        path = type(net.expected)(**{name: np.broadcast_to(array[:, :, None], (*array.shape, n))
                                     for name, array in net.expected.__dict__.items()})  # fmt: skip
    else:
        path = drawn_population(net.camps, seed, first, stop)
    lines, wlines, transit = [], [], []
    for r in range(first, stop):
        lines.append(lead_days(plan.lead_times, [f"lead_time/{n}" for n in line_names], plan, seed, r))
        wlines.append(lead_days(sites.w_lead_times, [f"lead_time/{n}" for n in w_names], plan, seed, r))
        transit.append(lead_days(routes.transit, [f"transit/{n}" for n in routes.names], plan, seed, r))
    return NetworkDraws(
        first=first,
        arrivals=path.accepted.sum(axis=1),
        departures=path.departures.sum(axis=1),
        lead_times_days=np.stack(lines, axis=2),
        path=path,
        w_lead_times_days=np.stack(wlines, axis=2),
        transit_days=np.stack(transit, axis=2),
    )
