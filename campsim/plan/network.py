"""A network scenario's plan: camps, their lines, warehouses and routes as arrays and index maps.

Compiled once from a validated network scenario (``camps:``); see docs/semantics.md,
"Camp networks". Camps, warehouses and routes are numbered in file order; a camp line
is one commodity at one camp (camps in file order, each camp's commodities in the file
order of ``commodities:``), a warehouse line one commodity at one warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from campsim.model import rules
from campsim.model.scenario import Scenario
from campsim.model.series import arrival_series
from campsim.plan.compile import LeadTimePlan, lead_time_plan


@dataclass(frozen=True)
class CampsPlan:
    """The camps' people: one column per camp."""

    names: tuple[str, ...]
    order: tuple[int, ...]  # the population phase's order: a camp after every camp that overflows into it
    initial_people: np.ndarray  # [camp]
    household_size: np.ndarray  # [camp]
    departures_per_day: np.ndarray  # [camp]
    max_population: np.ndarray  # [camp] inf where unlimited
    overflow_to: np.ndarray  # [camp] int, -1 where the overflow is turned away
    arrival_means: np.ndarray  # [day, camp] the camp's own expected arrivals (people/day)
    scheduled_departures: np.ndarray  # [day, camp] departures a population series schedules
    locations: tuple[tuple[float, float] | None, ...]


@dataclass(frozen=True)
class PopulationPath:
    """The population phase's outcome by day and camp (people)."""

    own_arrivals: np.ndarray  # [day, camp] the camp's own arrivals, before any overflow
    departures: np.ndarray  # [day, camp]
    incoming: np.ndarray  # [day, camp] own arrivals + overflow sent to the camp
    accepted: np.ndarray  # [day, camp] the camp's arrivals for every later step
    overflow_in: np.ndarray  # [day, camp] everyone sent to the camp by others (kept or passed on)
    overflow_out: np.ndarray  # [day, camp] everyone the camp sends on
    turned_away: np.ndarray  # [day, camp]
    population: np.ndarray  # [day, camp] P(d)


def overflow_order(names: list[str], overflow_to: list[str | None]) -> tuple[int, ...]:
    """Camps ordered so that a camp comes after every camp whose overflow_to leads to it; else file order.

    The loader has refused cycles, so repeatedly taking the first camp (in file order) that
    no unplaced camp overflows into always finds one.
    """
    index = {n: i for i, n in enumerate(names)}
    feeds: dict[int, set[int]] = {i: set() for i in range(len(names))}  # camp -> camps that overflow into it
    for i, target in enumerate(overflow_to):
        if target is not None:
            feeds[index[target]].add(i)
    placed: list[int] = []
    left = list(range(len(names)))
    while left:
        ready = next(i for i in left if not (feeds[i] & set(left)))
        placed.append(ready)
        left.remove(ready)
    return tuple(placed)


def population_path(camps: CampsPlan, own_arrivals: np.ndarray, leave) -> PopulationPath:
    """Step the population phase over the horizon for given arrivals, camps in overflow order.

    ``leave(day, before, scheduled)`` gives each camp's departures from P(d-1) (``before``,
    [camp]) and its scheduled departures ([camp]): expected values, or draws. The arithmetic
    is rules.admit and rules.population_today, as the engines step it.
    """
    days, width = own_arrivals.shape
    out = {k: np.zeros((days, width)) for k in ("departures", "incoming", "accepted", "overflow_in", "overflow_out",
                                                 "turned_away", "population")}  # fmt: skip
    before = camps.initial_people.astype(float)
    for day in range(days):
        departures = leave(day, before, camps.scheduled_departures[day])
        incoming = own_arrivals[day].astype(float)
        sent = np.zeros(width)
        accepted = np.zeros(width)
        for c in camps.order:
            incoming[c] = incoming[c] + sent[c]
            accepted[c] = rules.admit(before[c], departures[c], incoming[c], camps.max_population[c])
            rest = incoming[c] - accepted[c]
            target = camps.overflow_to[c]
            if target >= 0:
                sent[target] = sent[target] + rest
                out["overflow_out"][day, c] = rest
            else:
                out["turned_away"][day, c] = rest
        out["overflow_in"][day] = sent
        before = rules.population_today(before, accepted, departures)
        out["departures"][day], out["incoming"][day], out["accepted"][day] = departures, incoming, accepted
        out["population"][day] = before
    return PopulationPath(own_arrivals=own_arrivals.astype(float), **out)


def expected_leave(camps: CampsPlan):
    """Expected departures: departures_per_day x P(d-1), plus the scheduled ones capped by the people left."""

    def leave(day: int, before: np.ndarray, scheduled: np.ndarray) -> np.ndarray:
        leaving = camps.departures_per_day * before
        # the sum can round above P(d-1); capped, P(d) never falls below 0 (as for the single camp)
        return np.minimum(leaving + np.minimum(scheduled, before - leaving), before)

    return leave


def compile_camps(s: Scenario) -> CampsPlan:
    """The camps of a network scenario as arrays."""
    names = list(s.camps)
    days = s.days
    means = np.zeros((days, len(names)))
    scheduled = np.zeros((days, len(names)))
    for c, camp in enumerate(s.camps.values()):
        pop = camp.population
        for comp in pop.arrivals:
            if comp.rate is not None:
                steps = sorted(((when - s.start).days, rate) for when, rate in comp.rate.items())
                ends = [first for first, _ in steps[1:]] + [days]
                for (first, rate), end in zip(steps, ends, strict=True):
                    means[max(first, 0) : max(min(end, days), 0), c] += rate
            elif comp.surge is not None:
                first = (comp.surge.start - s.start).days
                means[first : min(first + comp.surge.days, days), c] += comp.surge.total / comp.surge.days
            elif comp.data is not None:
                series = arrival_series(comp.data, pop.household_size)
                for when, count in series.arrivals.items():
                    if 0 <= (when - s.start).days < days:
                        means[(when - s.start).days, c] += count
                for when, count in series.departures.items():
                    if 0 <= (when - s.start).days < days:
                        scheduled[(when - s.start).days, c] += count
    camps = list(s.camps.values())
    return CampsPlan(
        names=tuple(names),
        order=overflow_order(names, [c.population.overflow_to for c in camps]),
        initial_people=np.array([c.population.initial for c in camps], dtype=float),
        household_size=np.array([c.population.household_size for c in camps], dtype=float),
        departures_per_day=np.array([c.population.departures_per_day for c in camps], dtype=float),
        max_population=np.array(
            [np.inf if c.population.max_population is None else c.population.max_population for c in camps]
        ),
        overflow_to=np.array(
            [-1 if c.population.overflow_to is None else names.index(c.population.overflow_to) for c in camps],
            dtype=np.int64,
        ),
        arrival_means=means,
        scheduled_departures=scheduled,
        locations=tuple(None if c.location is None else (c.location[0], c.location[1]) for c in camps),
    )


@dataclass(frozen=True)
class RoutesPlan:
    """The roads from warehouses to camps."""

    names: tuple[str, ...]
    origin: np.ndarray  # [route] warehouse index
    to: np.ndarray  # [route] camp index
    transit: tuple[LeadTimePlan, ...]
    capacity_kg_per_day: np.ndarray  # [route] inf where unlimited
    cost_usd_per_kg: np.ndarray  # [route]


def compile_routes(s: Scenario) -> RoutesPlan:
    """The routes of a network scenario as arrays."""
    warehouses, camps = list(s.warehouses), list(s.camps)
    routes = list(s.routes.values())
    return RoutesPlan(
        names=tuple(s.routes),
        origin=np.array([warehouses.index(r.origin) for r in routes], dtype=np.int64),
        to=np.array([camps.index(r.to) for r in routes], dtype=np.int64),
        transit=tuple(lead_time_plan(r.transit_days) for r in routes),
        capacity_kg_per_day=np.array(
            [np.inf if r.capacity_kg_per_day is None else r.capacity_kg_per_day for r in routes]
        ),  # fmt: skip
        cost_usd_per_kg=np.array([r.cost_usd_per_kg for r in routes], dtype=float),
    )


@dataclass(frozen=True)
class SitesPlan:
    """The stock-holding lines of a network: camp lines and warehouse lines, with what feeds them."""

    commodities: tuple[str, ...]  # the items, in the file order of commodities:
    # camp lines: one commodity at one camp (camps in file order, commodities in file order)
    line_camp: np.ndarray  # [line] camp index
    line_commodity: np.ndarray  # [line] commodity index
    supplied: np.ndarray  # [line] bool: requisitions from a warehouse (supply:)
    supply_wline: np.ndarray  # [line] the warehouse line it requests from (-1: none)
    line_route: np.ndarray  # [line] the route its shipments take (-1: none)
    # warehouse lines: one commodity at one warehouse
    warehouses: tuple[str, ...]
    warehouse_locations: tuple[tuple[float, float] | None, ...]
    wline_warehouse: np.ndarray  # [wline]
    wline_commodity: np.ndarray  # [wline]
    w_initial_stock: np.ndarray  # [wline]
    w_capacity: np.ndarray  # [wline] inf where unlimited
    w_ordered: np.ndarray  # [wline] bool
    w_review_every_days: np.ndarray  # [wline] int, 0 where not ordered
    w_order_up_to_days: np.ndarray  # [wline]
    w_max_order: np.ndarray  # [wline] inf where uncapped
    w_lead_times: tuple[LeadTimePlan | None, ...]
    w_donations: tuple[tuple[int, int, int, float], ...]  # (wline, index in its list, due day, quantity)
    w_supplies: tuple[tuple[int, ...], ...]  # [wline] the camp lines it supplies, camps in file order


def compile_sites(s: Scenario) -> SitesPlan:
    """Camp lines and warehouse lines of a network scenario, and the links between them."""
    commodities = list(s.commodities)
    warehouses, routes = list(s.warehouses), s.routes
    route_of = {(r.origin, r.to): i for i, r in enumerate(routes.values())}
    wlines = [(w, c) for w, site in s.warehouses.items() for c in commodities if c in site.commodities]
    line_camp, line_commodity, supply_wline, line_route = [], [], [], []
    for k, (name, camp) in enumerate(s.camps.items()):
        for c, item in enumerate(commodities):
            stock = camp.commodities.get(item)
            if stock is None:
                continue  # a camp that does not list a commodity neither needs nor receives it
            line_camp.append(k)
            line_commodity.append(c)
            if stock.supply is not None:
                supply_wline.append(wlines.index((stock.supply.warehouse, item)))
                line_route.append(route_of[(stock.supply.warehouse, name)])
            else:
                supply_wline.append(-1)
                line_route.append(-1)
    stocks = [s.warehouses[w].commodities[c] for w, c in wlines]
    supplies = tuple(
        tuple(i for i, w in enumerate(supply_wline) if w == j) for j in range(len(wlines))
    )  # line order is camp file order
    return SitesPlan(
        commodities=tuple(commodities),
        line_camp=np.array(line_camp, dtype=np.int64),
        line_commodity=np.array(line_commodity, dtype=np.int64),
        supplied=np.array([w >= 0 for w in supply_wline], dtype=bool),
        supply_wline=np.array(supply_wline, dtype=np.int64),
        line_route=np.array(line_route, dtype=np.int64),
        warehouses=tuple(warehouses),
        warehouse_locations=tuple(
            None if w.location is None else (w.location[0], w.location[1]) for w in s.warehouses.values()
        ),
        wline_warehouse=np.array([warehouses.index(w) for w, _ in wlines], dtype=np.int64),
        wline_commodity=np.array([commodities.index(c) for _, c in wlines], dtype=np.int64),
        w_initial_stock=np.array([st.initial_stock for st in stocks], dtype=float),
        w_capacity=np.array([np.inf if st.capacity is None else st.capacity for st in stocks]),
        w_ordered=np.array([st.ordering is not None for st in stocks], dtype=bool),
        w_review_every_days=np.array(
            [st.ordering.review_every_days if st.ordering else 0 for st in stocks], dtype=np.int64
        ),  # fmt: skip
        w_order_up_to_days=np.array([st.ordering.order_up_to_days if st.ordering else 0.0 for st in stocks]),
        w_max_order=np.array(
            [np.inf if st.ordering is None or st.ordering.max_order is None else st.ordering.max_order for st in stocks]
        ),  # fmt: skip
        w_lead_times=tuple(
            None if st.ordering is None else lead_time_plan(st.ordering.lead_time_days) for st in stocks
        ),
        w_donations=tuple(
            (j, index, donation.day_index(s.start), donation.quantity)
            for j, st in enumerate(stocks)
            for index, donation in enumerate(st.donations)
        ),
        w_supplies=supplies,
    )


def network_requirements_usd(s: Scenario, camps: CampsPlan, sites: SitesPlan, path: PopulationPath) -> np.ndarray:
    """Each commodity's requirement: its own figure, or the full need of every camp that takes it on the
    expected path (overflow between camps included) x unit cost."""
    # each camp's column summed on its own, as the single camp sums its one path (pairwise, contiguous)
    people_days = [float(np.sum(np.ascontiguousarray(path.population[:, k]))) for k in range(len(camps.names))]
    households = [
        float(np.sum(np.ascontiguousarray(path.accepted[:, k]))) / camps.household_size[k]
        for k in range(len(camps.names))
    ]
    out = []
    for c, item in enumerate(s.commodities.values()):
        takers = sorted({int(k) for k, cc in zip(sites.line_camp, sites.line_commodity, strict=True) if cc == c})
        if item.requirement_usd is not None:
            out.append(item.requirement_usd)
        elif item.unit_cost_usd == 0 or not takers:
            out.append(0.0)
        elif item.per_household:
            out.append(float(sum(households[k] for k in takers)) * item.per_new_household * item.unit_cost_usd)
        else:
            out.append(float(sum(people_days[k] for k in takers)) * item.per_person_day * item.unit_cost_usd)
    return np.array(out, dtype=float)


def drawn_population(camps: CampsPlan, seed: int, replication: int) -> PopulationPath:
    """One replication's population path, drawn from named streams.

    Each camp's own arrivals are one Poisson draw a day of its summed mean (stream
    ``arrivals/<camp>``), and its scheduled departures one Poisson draw a day (stream
    ``departures/data/<camp>``). Departures from P(d-1) are one Binomial call a day for all
    camps together (stream ``departures``): each depends on the path so far, so they are
    the one input drawn day by day, and one call a day keeps that cost flat in camps.
    """
    from campsim.plan.draw import stream

    own = np.stack(
        [stream(seed, replication, f"arrivals/{name}").poisson(camps.arrival_means[:, k]) for k, name in
         enumerate(camps.names)], axis=1,
    ).astype(float)  # fmt: skip
    extra = np.stack(
        [stream(seed, replication, f"departures/data/{name}").poisson(camps.scheduled_departures[:, k]) for k, name
         in enumerate(camps.names)], axis=1,
    ).astype(float)  # fmt: skip
    binomial = stream(seed, replication, "departures").binomial
    rates = camps.departures_per_day

    def leave(day: int, before: np.ndarray, _scheduled: np.ndarray) -> np.ndarray:
        gone = binomial(before.astype(np.int64), rates).astype(float)
        return gone + np.minimum(extra[day], before - gone)

    return population_path(camps, own, leave)
