"""A state as the engines read it: rows turned into line indices and day numbers.

``start_of`` maps a checked State (load/state.py) onto a compiled plan; ``restart`` adds,
for a chunk of replications, the day each pipeline row lands (its date plus any
--delay-risk delay, moved past closures as the scenario's disruptions move deliveries);
``truncate`` cuts a plan at the forecast's last day and ``forecast_view`` dates the
forecast's days from the day after as_of for the results. docs/semantics.md, "State and
forecast", states what each row means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from campsim.model.rules import kits_for_arrivals
from campsim.model.standards import KIT_NEED_WINDOW_DAYS
from campsim.model.state import State
from campsim.plan.arrays import LeadTimePlan, Plan, land_days
from campsim.plan.draw import draw_days
from campsim.plan.streams import stream

CAMP, WAREHOUSE = "camp", "warehouse"  # where a pipeline row arrives
MAX_DELAY_DAYS = 1_000_000  # a delay beyond any horizon only means "never arrives": capped to stay an integer


@dataclass(frozen=True)
class Arrival:
    """One pipeline row: ``quantity`` of a camp line or warehouse line (``index``), due on day ``due``."""

    site: str  # CAMP or WAREHOUSE
    index: int
    quantity: float
    what: str  # order, shipment or donation
    due: int  # the row's date as a day number of the scenario
    route: int = -1  # a shipment's route


@dataclass(frozen=True)
class Start:
    """The state at the end of day ``day - 1``, by line index (a network's camp lines, then warehouse lines)."""

    day: int  # the first day stepped (as_of + 1)
    people: np.ndarray  # [camp] (a single camp: one)
    stock: np.ndarray  # [line] on hand
    # [line] a perishable line's batches (receipt day, quantity), oldest first; () for the others
    batches: tuple[tuple[tuple[int, float], ...], ...]
    backlog: np.ndarray  # [line] kits owed to households that arrived earlier
    money: np.ndarray  # [commodity] US$ left (a single camp: one per line)
    kit_need: dict[int, np.ndarray]  # day -> [line] new-household kit need of the days before ``day``
    w_stock: np.ndarray  # [warehouse line]
    pipeline: tuple[Arrival, ...]


@dataclass(frozen=True)
class Restart:
    """A Start for replications first..first+R-1: each pipeline row's landing day ([row, rep]; plan.days: never)."""

    start: Start
    first: int
    land: np.ndarray


def _site(plan: Plan, name: str) -> str:
    return "" if plan.network is None and name == plan.name else name


def start_of(plan: Plan, state: State) -> Start:
    """The engines' view of a checked state of ``plan``'s scenario."""
    net = plan.network
    day = state.day_index(plan.start) + 1
    if net is None:
        camps, line_of = [""], {("", name): i for i, name in enumerate(plan.lines)}
        wline_of: dict = {}
        items = list(plan.lines)
    else:
        sites = net.sites
        camps, items = list(net.camps.names), list(sites.commodities)
        line_of = {
            (camps[k], items[c]): i for i, (k, c) in enumerate(zip(sites.line_camp, sites.line_commodity, strict=True))
        }
        wline_of = {
            (sites.warehouses[w], items[c]): j
            for j, (w, c) in enumerate(zip(sites.wline_warehouse, sites.wline_commodity, strict=True))
        }
    width, width_w = len(plan.lines), len(wline_of)
    people, backlog = np.zeros(len(camps)), np.zeros(width)
    stock, w_stock = np.zeros(width), np.zeros(width_w)
    batches: list[list[tuple[int, float]]] = [[] for _ in range(width)]
    money = np.zeros(len(items))
    kit_need: dict[int, np.ndarray] = {}
    pipeline = []
    routes = {} if net is None else {f"shipment {name}": r for r, name in enumerate(net.routes.names)}
    given: set[tuple[int, int]] = set()  # (day, line) of the kit_need rows
    for row in state.rows:
        site = _site(plan, row.site)
        when = None if row.date is None else (row.date - plan.start).days
        if row.kind == "population":
            if row.commodity:
                i = line_of[(site, row.commodity)]
                backlog[i] += row.quantity * plan.per_new_household[i]
            else:
                people[camps.index(site)] += row.quantity
        elif row.kind == "balance":
            money[items.index(row.commodity)] += row.quantity
        elif row.kind == "stock":
            if (site, row.commodity) in wline_of:
                w_stock[wline_of[(site, row.commodity)]] += row.quantity
            else:
                i = line_of[(site, row.commodity)]
                if plan.perishable[i]:
                    if when is not None:  # the loader lets a perishable line's undated row hold only 0
                        batches[i].append((when, row.quantity))
                else:
                    stock[i] += row.quantity
        elif row.kind == "kit_need":
            kit_need.setdefault(when, np.zeros(width))[line_of[(site, row.commodity)]] += row.quantity
            given.add((when, line_of[(site, row.commodity)]))
        elif row.kind == "pipeline":
            what = "shipment" if row.note.startswith("shipment ") else row.note
            if (site, row.commodity) in wline_of:
                pipeline.append(Arrival(WAREHOUSE, wline_of[(site, row.commodity)], row.quantity, what, when))
            else:
                pipeline.append(
                    Arrival(CAMP, line_of[(site, row.commodity)], row.quantity, what, when, routes.get(row.note, -1))
                )
    _expected_kit_need(plan, day, kit_need, given)
    merged = []
    for i, rows in enumerate(batches):
        by_day: dict[int, float] = {}
        for when, quantity in sorted(rows, key=lambda b: b[0]):
            by_day[when] = by_day.get(when, 0.0) + quantity
        merged.append(tuple((d, q) for d, q in by_day.items() if q > 0))
        if rows:
            total = 0.0
            for _, quantity in merged[-1]:
                total += quantity  # as the stock's batches add up (engines/stock.py)
            stock[i] = total
    return Start(
        day=day,
        people=people,
        stock=stock,
        batches=tuple(merged),
        backlog=backlog,
        money=money,
        kit_need=kit_need,
        w_stock=w_stock,
        pipeline=tuple(pipeline),
    )


def _expected_kit_need(plan: Plan, day: int, kit_need: dict[int, np.ndarray], given: set) -> None:
    """The kits' need of the window's days a state does not give: the scenario's expected new households' kits
    (expected arrivals, a network camp's expected accepted ones, over its household size)."""
    net = plan.network
    for i in np.flatnonzero(plan.kits & (plan.review_every_days > 0)).tolist():
        for d in range(max(0, day - KIT_NEED_WINDOW_DAYS), day):
            if (d, i) in given:
                continue
            if net is None:
                arrived, size = plan.arrival_means[d], plan.household_size
            else:
                k = int(net.sites.line_camp[i])
                arrived, size = net.expected.accepted[d, k], net.camps.household_size[k]
            kit_need.setdefault(d, np.zeros(len(plan.lines)))[i] = kits_for_arrivals(
                float(arrived), float(size), float(plan.per_new_household[i])
            )


def delays(delay: LeadTimePlan | None, rows: int, seed: int, first: int, stop: int, deterministic: bool) -> np.ndarray:
    """[row, rep] whole days of delay (rounded up, at least 0) on each pipeline row; stream ``delay_risk``."""
    out = np.zeros((rows, stop - first), dtype=np.int64)
    if delay is None or rows == 0:
        return out
    if deterministic:
        mean = (sum(delay.params) / len(delay.params)) if delay.kind in ("triangular", "uniform") else delay.params[0]
        return out + max(0, math.ceil(round(mean, 9)))
    for r in range(first, stop):
        rng = stream(seed, r, "delay_risk")
        fixed = delay.kind == "fixed"
        drawn = np.full(rows, delay.params[0]) if fixed else draw_days(delay.kind, delay.params, rng, rows)
        out[:, r - first] = np.clip(np.ceil(drawn), 0, MAX_DELAY_DAYS)
    return out


def restart(plan: Plan, start: Start, seed: int, first: int, stop: int, delay: LeadTimePlan | None = None) -> Restart:
    """The landing day of each pipeline row in replications first..stop-1 of ``plan`` (truncated or not)."""
    days, net = plan.days, plan.network
    extra = delays(delay, len(start.pipeline), seed, first, stop, plan.deterministic)
    land = np.empty((len(start.pipeline), stop - first), dtype=np.int64)
    for k, row in enumerate(start.pipeline):
        due = np.minimum(np.maximum(row.due + extra[k], 0), days)
        if row.site == WAREHOUSE:
            table = net.w_land_day[row.index]
        elif row.what == "shipment":
            table = net.route_land_day[row.route]
        else:
            table = plan.land_day[row.index]
        land[k] = table[due]
    return Restart(start=start, first=first, land=land)


def truncate(plan: Plan, stop: int) -> Plan:
    """The plan's first ``stop`` days: what lands on or after ``stop`` never lands within it."""
    if stop == plan.days:
        return plan
    cut = {
        "days": stop,
        "arrival_means": plan.arrival_means[:stop],
        "scheduled_departures": plan.scheduled_departures[:stop],
        "expected_departures": plan.expected_departures[:stop],
        "expected_population": plan.expected_population[:stop],
        "closed": plan.closed[:stop],
        "land_day": land_days(plan.closed[:stop]),
        "tranches": tuple(t for t in plan.tranches if t[0] < stop),
        "donations": tuple(d for d in plan.donations if d[2] < stop),  # due after the end: never received
    }
    net = plan.network
    if net is not None:
        camps = replace(
            net.camps,
            arrival_means=net.camps.arrival_means[:stop],
            scheduled_departures=net.camps.scheduled_departures[:stop],
        )
        expected = type(net.expected)(**{k: v[:stop] for k, v in net.expected.__dict__.items()})
        cut["network"] = replace(
            net,
            camps=camps,
            expected=expected,
            route_closed=net.route_closed[:stop],
            route_land_day=land_days(net.route_closed[:stop]),
            w_closed=net.w_closed[:stop],
            w_land_day=land_days(net.w_closed[:stop]),
            line_closed=net.line_closed[:stop],
            tranches=tuple(t for t in net.tranches if t[0] < stop),
        )
    return replace(plan, **cut)


def restart_plan(plan: Plan, first: int, stop: int) -> Plan:
    """The plan the engines step from day ``first`` to ``stop``: tranches and donations due before ``first``
    gone (the state holds what they left), closures still in force shortened to start on ``first``."""
    from campsim.plan.arrays import Closure

    plan = truncate(plan, stop)
    closures = tuple(
        Closure(max(c.first_day, first), c.first_day + c.days - max(c.first_day, first), c.lines, c.reason)
        for c in plan.closures
        if c.first_day + c.days > first
    )
    cut = {
        "tranches": tuple(t for t in plan.tranches if t[0] >= first),
        "closures": closures,
        "donations": tuple(d for d in plan.donations if d[2] >= first),
    }
    net = plan.network
    if net is not None:
        sites = replace(net.sites, w_donations=tuple(d for d in net.sites.w_donations if d[2] >= first))
        held = tuple((max(f, first), f + n - max(f, first), *rest) for f, n, *rest in net.closures if f + n > first)
        cut["network"] = replace(
            net, sites=sites, closures=held, tranches=tuple(t for t in net.tranches if t[0] >= first)
        )
    return replace(plan, **cut)


def forecast_view(plan: Plan, start: Start) -> Plan:
    """A (truncated) plan's days from ``start.day`` on, dated from then: what results and reports read."""
    from datetime import timedelta

    first = start.day
    closed = plan.closed[first:]
    view = {
        "start": plan.start + timedelta(days=first),
        "days": plan.days - first,
        "first_day": first,
        "initial_people": float(start.people.sum()) if plan.network is not None else float(start.people[0]),
        "arrival_means": plan.arrival_means[first:],
        "scheduled_departures": plan.scheduled_departures[first:],
        "expected_departures": plan.expected_departures[first:],
        "expected_population": plan.expected_population[first:],
        "initial_stock": start.stock.copy(),
        "closed": closed,
        "land_day": land_days(closed),
        "tranches": tuple((d - first, i, usd) for d, i, usd in plan.tranches if d >= first),
        "donations": tuple((i, n, d - first, q) for i, n, d, q in plan.donations if d >= first),
    }
    net = plan.network
    if net is not None:
        camps = replace(
            net.camps,
            initial_people=start.people.copy(),
            arrival_means=net.camps.arrival_means[first:],
            scheduled_departures=net.camps.scheduled_departures[first:],
        )
        sites = replace(
            net.sites,
            w_initial_stock=start.w_stock.copy(),
            w_donations=tuple((j, n, d - first, q) for j, n, d, q in net.sites.w_donations if d >= first),
        )
        expected = type(net.expected)(**{k: v[first:] for k, v in net.expected.__dict__.items()})
        view["network"] = replace(
            net,
            camps=camps,
            sites=sites,
            expected=expected,
            route_closed=net.route_closed[first:],
            route_land_day=land_days(net.route_closed[first:]),
            w_closed=net.w_closed[first:],
            w_land_day=land_days(net.w_closed[first:]),
            line_closed=net.line_closed[first:],
            tranches=tuple((d - first, c, usd) for d, c, usd in net.tranches if d >= first),
        )
    return replace(plan, **view)


__all__ = [
    "CAMP",
    "WAREHOUSE",
    "Arrival",
    "Restart",
    "Start",
    "forecast_view",
    "restart",
    "start_of",
    "truncate",
]
