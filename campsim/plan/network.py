"""A network scenario's plan: camps, their lines, warehouses and routes as arrays and index maps.

Compiled once from a validated network scenario (``camps:``); see docs/semantics.md,
"Camp networks". Camps, warehouses and routes are numbered in file order; a camp line
is one commodity at one camp (camps in file order, each camp's commodities in the file
order of ``commodities:``), a warehouse line one commodity at one warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from campsim.model.scenario import Scenario
from campsim.plan.arrays import LeadTimePlan, lead_time_plan
from campsim.plan.camps import (
    CampsPlan,
    PopulationPath,
    compile_camps,
    drawn_population,
    expected_leave,
    overflow_order,
    population_path,
)

__all__ = [
    "CampsPlan", "NetworkPlan", "PopulationPath", "RoutesPlan", "SitesPlan", "compile_camps", "compile_routes",
    "compile_sites", "drawn_population", "expected_leave", "network_requirements_usd", "overflow_order",
    "population_path",
]  # fmt: skip


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


@dataclass(frozen=True)
class NetworkPlan:
    """What a network adds to the camp lines of a Plan."""

    camps: CampsPlan
    sites: SitesPlan
    routes: RoutesPlan
    expected: PopulationPath  # every random input at its expected value
    allocation: str  # proportional | equal_cover | priority
    priority: tuple[int, ...]  # camps for the priority rule: those listed, then the rest in file order
    unit_cost_usd: np.ndarray  # [commodity]
    kg_per_unit: np.ndarray  # [commodity]
    requirement_usd: np.ndarray  # [commodity]
    requirement_source: tuple[str, ...]  # [commodity] (plan/arrays.py)
    tranches: tuple[tuple[int, int, float], ...]  # (day, commodity, USD), in the order they are paid
    closures: tuple[tuple, ...]  # (first day, days, routes, warehouse lines, camp lines, reason)
    route_closed: np.ndarray  # [day, route] closures in force
    route_land_day: np.ndarray  # [route, t] first day >= t the route is open (days: never)
    w_closed: np.ndarray  # [day, wline] closures delaying supplier deliveries and donations at the warehouse
    w_land_day: np.ndarray  # [wline, t]
    line_closed: np.ndarray  # [day, line] the same at the camps (direct deliveries, donations)


def disruption_reach(s: Scenario, sites: SitesPlan) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """Which routes, warehouse lines and camp lines each disruption closes, day by day.

    ``routes:`` closes those routes; otherwise deliveries and donations of its commodities
    (default all) at its sites (default every camp and warehouse) wait; with none of the
    three keys it does both, everywhere.
    """
    days = s.days
    routes, camps, warehouses, commodities = list(s.routes), list(s.camps), list(s.warehouses), list(s.commodities)
    route_closed = np.zeros((days, len(routes)), dtype=np.int64)
    w_closed = np.zeros((days, len(sites.wline_warehouse)), dtype=np.int64)
    line_closed = np.zeros((days, len(sites.line_camp)), dtype=np.int64)
    closures = []
    for d in s.disruptions:
        first = d.start_day(s.start)
        span = slice(max(first, 0), max(min(first + d.days, days), 0))
        everything = d.routes is None and d.commodities is None and d.sites is None
        hit_routes = list(range(len(routes))) if everything else [routes.index(r) for r in d.routes or []]
        for r in sorted(set(hit_routes)):
            route_closed[span, r] += 1
        hit_wlines, hit_lines = [], []
        if d.routes is None:
            items = {commodities.index(c) for c in d.commodities} if d.commodities else set(range(len(commodities)))
            where = set(d.sites) if d.sites else set(camps) | set(warehouses)
            for j, (w, c) in enumerate(zip(sites.wline_warehouse, sites.wline_commodity, strict=True)):
                if warehouses[w] in where and c in items:
                    w_closed[span, j] += 1
                    hit_wlines.append(j)
            for i, (k, c) in enumerate(zip(sites.line_camp, sites.line_commodity, strict=True)):
                if camps[k] in where and c in items:
                    line_closed[span, i] += 1
                    hit_lines.append(i)
        closures.append((first, d.days, tuple(hit_routes), tuple(hit_wlines), tuple(hit_lines), d.reason))
    return closures, route_closed, w_closed, line_closed


def compile_network(s: Scenario):
    """Compile a validated network scenario: its camp lines as a Plan, the rest in ``plan.network``."""
    from campsim.plan.arrays import Plan, critical_levels, land_days, requirement_sources
    from campsim.plan.money import tranche_schedule

    camps, sites, routes = compile_camps(s), compile_sites(s), compile_routes(s)
    expected = population_path(camps, camps.arrival_means, expected_leave(camps))
    requirements = network_requirements_usd(s, camps, sites, expected)
    items = list(s.commodities.values())
    camp_list = list(s.camps.values())
    stocks = [camp_list[k].commodities[list(s.commodities)[c]] for k, c in zip(sites.line_camp, sites.line_commodity,
                                                                              strict=True)]  # fmt: skip
    specs = [items[c] for c in sites.line_commodity]
    policies = [
        st.rationing if st.rationing is not None else spec.rationing for st, spec in zip(stocks, specs, strict=True)
    ]
    width = len(stocks)
    steps = max((len(p) for p in policies), default=0)
    below, levels = np.full((width, steps), -np.inf), np.ones((width, steps))
    for i, policy in enumerate(policies):
        for k, (threshold, ration) in enumerate(sorted(((r.below_days_of_cover, r.ration) for r in policy),
                                                       reverse=True)):  # fmt: skip
            below[i, k], levels[i, k] = threshold, ration
    rule = [st.ordering if st.ordering is not None else st.supply for st in stocks]
    closures, route_closed, w_closed, line_closed = disruption_reach(s, sites)
    names = list(s.camps)
    listed = [names.index(c) for c in s.priority]
    network = NetworkPlan(
        camps=camps,
        sites=sites,
        routes=routes,
        expected=expected,
        allocation=s.allocation,
        priority=tuple(listed + [k for k in range(len(names)) if k not in listed]),
        unit_cost_usd=np.array([c.unit_cost_usd for c in items], dtype=float),
        kg_per_unit=np.array([c.kg_per_unit for c in items], dtype=float),
        requirement_usd=requirements,
        requirement_source=requirement_sources(items),
        tranches=tranche_schedule(s, requirements),
        closures=tuple(closures),
        route_closed=route_closed,
        route_land_day=land_days(route_closed),
        w_closed=w_closed,
        w_land_day=land_days(w_closed),
        line_closed=line_closed,
    )
    return Plan(
        name=s.name,
        start=s.start,
        days=s.days,
        seed=s.seed,
        replications=s.replications,
        deterministic=s.deterministic,
        initial_people=int(camps.initial_people.sum()),
        household_size=float("nan"),  # per camp: network.camps.household_size
        departures_per_day=float("nan"),
        arrival_means=camps.arrival_means.sum(axis=1),
        scheduled_departures=camps.scheduled_departures.sum(axis=1),
        expected_departures=expected.departures.sum(axis=1),
        expected_population=expected.population.sum(axis=1),  # the network's total, as calibrate compares it
        lines=tuple(
            f"{names[k]}/{list(s.commodities)[c]}" for k, c in zip(sites.line_camp, sites.line_commodity, strict=True)
        ),  # fmt: skip
        units=tuple(spec.unit for spec in specs),
        kits=np.array([spec.per_household for spec in specs], dtype=bool),
        per_person_day=np.array([spec.per_person_day or 0.0 for spec in specs], dtype=float),
        per_new_household=np.array([spec.per_new_household or 0.0 for spec in specs], dtype=float),
        critical_per_person_day=critical_levels([list(s.commodities)[c] for c in sites.line_commodity], specs),
        unit_cost_usd=np.array([spec.unit_cost_usd for spec in specs], dtype=float),
        initial_stock=np.array([st.initial_stock for st in stocks], dtype=float),
        capacity=np.array([np.inf if st.capacity is None else st.capacity for st in stocks]),
        shelf_life_days=np.array([spec.shelf_life_days or 0 for spec in specs], dtype=np.int64),
        ration_below_days=below,
        ration_levels=levels,
        ration_steps=tuple((below[:, k].copy(), levels[:, k].copy()) for k in range(steps)),
        ordered=np.array([st.ordering is not None for st in stocks], dtype=bool),
        review_every_days=np.array([0 if r is None else r.review_every_days for r in rule], dtype=np.int64),
        order_up_to_days=np.array([0.0 if r is None else r.order_up_to_days for r in rule], dtype=float),
        max_order=np.array(
            [np.inf if st.ordering is None or st.ordering.max_order is None else st.ordering.max_order for st in stocks]
        ),  # fmt: skip
        lead_times=tuple(None if st.ordering is None else lead_time_plan(st.ordering.lead_time_days) for st in stocks),
        requirement_usd=np.zeros(width),  # money is the commodity's: network.requirement_usd
        tranches=(),
        closures=(),
        closed=line_closed,
        land_day=land_days(line_closed),
        donations=tuple(
            (i, index, d.day_index(s.start), d.quantity)
            for i, st in enumerate(stocks)
            for index, d in enumerate(st.donations)
        ),  # fmt: skip
        network=network,
        requirement_source=tuple(network.requirement_source[c] for c in sites.line_commodity),
    )
