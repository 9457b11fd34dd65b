"""Comparison model for a camp network, whole job: a plain scalar day loop doing what ``campsim.simulate`` does.

``run_network(scenario, seed)`` returns what ``campsim.simulate(network_scenario, seed)``
returns, as ``(summary, daily, warehouses, events)``. It is the yardstick of the issue's
performance bar ("one DES run through the API ... <= 2x a plain scalar network day loop kept
in benchmarks/ that does the same job, drawing and summary included"), and a second,
independent implementation of docs/semantics.md, "Camp networks":

- it draws its own inputs from the same named streams as campsim/plan/draw.py
  (``arrivals/<camp>``, ``departures``, ``departures/data/<camp>``,
  ``lead_time/<camp>/<commodity>``, ``lead_time/<warehouse>/<commodity>``,
  ``transit/<route>``): a stream that does not depend on the path is drawn for the whole
  horizon in one generator call, as the streams are defined; departures, which depend on
  yesterday's population, are drawn inside the day loop, one scalar Binomial call per camp
  (numpy's Generator gives the same numbers as campsim's one call a day for all camps);
- it walks the network day (population with overflow, funding, warehouse receipts, camp
  receipts, distribution, spoilage, camp reviews, dispatch with the allocation rules and
  truck capacity, warehouse ordering) as a plain Python loop over floats, lists and dicts,
  one object per camp line, warehouse line and route; no numpy inside the loop;
- it records every daily field the engines record, and the same event log, and only then
  hands the records, as NetworkArrays, to campsim's own result code (summary.json, daily,
  warehouses and events tables).

It reads the Scenario, never campsim's compiled plan (which only the result builders get):
a loop that read the plan would share the plan's reading of the scenario (line order,
closures, landing days, requirements, tranches), so it could neither check that reading nor
show what a plain implementation of the whole job costs. Floating-point operations are
written in the engines' order (the rules of campsim/model/rules.py, one line at a time;
totals added left to right; stock as engines/stock.py keeps it), so threshold decisions (a
ration step, an order too small to place, a short warehouse) come out the same, and results
agree to 1e-9 or better (tests/test_network_loop.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from benchmarks.inputs import tranches
from benchmarks.scalar_loop import KIT_NEED_WINDOW_DAYS, SHORTAGE_RTOL
from campsim.model.outputs import DAILY_FIELDS, EventRow, NetworkArrays
from campsim.model.scenario import Scenario
from campsim.model.schema import LeadTime
from campsim.model.series import arrival_series
from campsim.model.standards import MAX_QUANTITY
from campsim.plan.compile import compile
from campsim.plan.streams import stream
from campsim.results.network import network_daily_frame, network_events_frame, summarize_network, warehouses_frame

WAREHOUSE_FIELDS = ("stock", "pipeline", "received", "overflow", "requested", "dispatched", "ordered", "spent",
                    "balance", "short")  # fmt: skip
POPULATION_FIELDS = ("own_arrivals", "accepted", "departures", "overflow_in", "overflow_out", "turned_away",
                     "population")  # fmt: skip
INF = math.inf
KEEP = 1 - SHORTAGE_RTOL  # a distribution below planned x KEEP fell short; a road at capacity x KEEP is full


# --- reading the scenario -----------------------------------------------------------------------


def mean_days(lead: LeadTime) -> int:
    """The deterministic-mode lead (or transit) time: the mean rounded up, at least 1."""
    return max(1, math.ceil(round(lead.mean_days, 9)))  # round first: (1 + 2 + 3) / 3 stays 2


def draw_days(lead: LeadTime, rng: np.random.Generator | None, days: int) -> list[int]:
    """One lead time a day of the horizon, in whole days: drawn (one call), rounded up, at least 1."""
    if rng is None or lead.fixed is not None:
        return [mean_days(lead)] * days
    if lead.triangular is not None:
        drawn = rng.triangular(*lead.triangular, size=days)
    elif lead.uniform is not None:
        drawn = rng.uniform(*lead.uniform, size=days)
    else:
        mean, sd = lead.lognormal.mean, lead.lognormal.sd
        sigma2 = math.log1p((sd / mean) ** 2)
        drawn = rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size=days)
    return [int(min(max(math.ceil(x), 1), MAX_QUANTITY)) for x in drawn.tolist()]


def landing(closed: list[int], due: int, days: int) -> int:
    """The first day on or after ``due`` that is not closed (``days`` or later: never)."""
    while due < days and closed[due]:
        due += 1
    return due


def rowsum(values) -> float:
    """Left to right from 0.0, as the engines add camps (rules.total_requested)."""
    total = 0.0
    for v in values:
        total = total + v
    return total


class Camp:
    """A camp's people: its population rules and, day by day, its population path."""

    def __init__(self, index: int, name: str, camp, s: Scenario) -> None:
        pop = camp.population
        self.index, self.name = index, name
        self.initial = float(pop.initial)
        self.household_size = float(pop.household_size)
        self.rate = float(pop.departures_per_day)
        self.room = INF if pop.max_population is None else float(pop.max_population)
        self.overflow_to = pop.overflow_to  # a camp name, or None: turned away
        self.target = None if pop.overflow_to is None else list(s.camps).index(pop.overflow_to)
        self.path: dict[str, list[float]] = {}  # the run's population path (POPULATION_FIELDS), filled day by day
        days = s.days
        self.means = [0.0] * days  # expected own arrivals by day, every component added
        self.scheduled = [0.0] * days  # departures a population series schedules
        for comp in pop.arrivals:
            if comp.rate is not None:
                steps = sorted(((when - s.start).days, rate) for when, rate in comp.rate.items())
                ends = [first for first, _ in steps[1:]] + [days]
                for (first, rate), end in zip(steps, ends, strict=True):
                    for d in range(max(first, 0), min(end, days)):
                        self.means[d] += rate
            elif comp.surge is not None:
                first = (comp.surge.start - s.start).days
                for d in range(first, min(first + comp.surge.days, days)):
                    self.means[d] += comp.surge.total / comp.surge.days
            elif comp.data is not None:
                series = arrival_series(comp.data, pop.household_size)
                for when, count in series.arrivals.items():
                    if 0 <= (when - s.start).days < days:
                        self.means[(when - s.start).days] += count
                for when, count in series.departures.items():
                    if 0 <= (when - s.start).days < days:
                        self.scheduled[(when - s.start).days] += count


def overflow_order(camps: list[Camp]) -> list[Camp]:
    """Camps so that each comes after every camp whose overflow leads to it; otherwise file order."""
    left, placed = list(camps), []
    while left:
        feeding = {c.overflow_to for c in left}
        ready = next(c for c in left if c.name not in feeding)
        placed.append(ready)
        left.remove(ready)
    return placed


def population_day(day: int, order: list[Camp], paths: list[dict], before: list[float], own: list[float],
                   departures: list[float]) -> None:  # fmt: skip
    """Step 1 of one day, camps in overflow order: each takes in what it has room for, the rest overflows on
    or is turned away. Writes the day into ``paths`` (one dict of POPULATION_FIELDS a camp)."""
    sent = [0.0] * len(paths)
    for camp in order:
        k = camp.index
        path = paths[k]
        incoming = own[k] + sent[k]
        accepted = min(incoming, max(camp.room - (before[k] - departures[k]), 0.0))
        rest = incoming - accepted
        if camp.target is not None:
            sent[camp.target] = sent[camp.target] + rest
            path["overflow_out"][day] = rest
        else:
            path["turned_away"][day] = rest
        path["own_arrivals"][day], path["departures"][day], path["accepted"][day] = own[k], departures[k], accepted
        path["population"][day] = before[k] + (accepted - departures[k])
    for k, path in enumerate(paths):
        path["overflow_in"][day] = sent[k]


def new_paths(camps: list[Camp], days: int) -> list[dict[str, list[float]]]:
    return [{f: [0.0] * days for f in POPULATION_FIELDS} for _ in camps]


def expected_leave(camp: Camp, day: int, before: float) -> float:
    """Expected departures: departures_per_day x P(d-1), plus the scheduled ones capped by the people left."""
    leaving = camp.rate * before
    return min(leaving + min(camp.scheduled[day], before - leaving), before)


def expected_path(camps: list[Camp], days: int) -> list[dict[str, list[float]]]:
    """Every camp's path with every random input at its expected value."""
    order, paths = overflow_order(camps), new_paths(camps, days)
    before = [c.initial for c in camps]
    for day in range(days):
        departures = [expected_leave(c, day, before[c.index]) for c in camps]
        population_day(day, order, paths, before, [c.means[day] for c in camps], departures)
        before = [path["population"][day] for path in paths]
    return paths


def requirements(s: Scenario, camps: list[Camp]) -> list[float]:
    """Each commodity's requirement: its own, or its takers' full need on the expected path x unit cost."""
    paths = expected_path(camps, s.days)
    # each camp's column summed as numpy sums it (pairwise), as campsim does: tranches to the last bit
    people_days = [float(np.sum(np.array(path["population"]))) for path in paths]
    households = [
        float(np.sum(np.array(path["accepted"]))) / c.household_size for c, path in zip(camps, paths, strict=True)
    ]
    out = []
    for name, item in s.commodities.items():
        takers = [k for k, camp in enumerate(s.camps.values()) if name in camp.commodities]
        if item.requirement_usd is not None:
            out.append(item.requirement_usd)
        elif item.unit_cost_usd == 0 or not takers:
            out.append(0.0)
        elif item.per_household:
            out.append(float(sum(households[k] for k in takers)) * item.per_new_household * item.unit_cost_usd)
        else:
            out.append(float(sum(people_days[k] for k in takers)) * item.per_person_day * item.unit_cost_usd)
    return out


# --- the stock-holding lines ----------------------------------------------------------------------


class Batches:
    """A perishable line's stock as [receipt day, quantity] batches, oldest first (engines/stock.py)."""

    def __init__(self, initial: float) -> None:
        self.batches: list[list[float]] = []
        self.total = 0.0
        self.add(0, initial)

    def add(self, day: int, quantity: float) -> None:
        if quantity <= 0:
            return
        if self.batches and self.batches[-1][0] == day:
            self.batches[-1][1] += quantity
        else:
            self.batches.append([day, quantity])
        self.total += quantity

    def take(self, quantity: float) -> None:
        """Oldest first, by the running sum of the batches; the total recounted left to right."""
        if quantity <= 0:
            return
        if quantity >= self.total:
            self.batches, self.total = [], 0.0
            return
        cum, gone = 0.0, 0
        for batch in self.batches:
            cum += batch[1]
            if cum > quantity:
                batch[1] = cum - quantity
                break
            gone += 1
        del self.batches[:gone]
        self.recount()

    def expire(self, received_on_or_before: int) -> float:
        removed, gone = 0.0, 0
        for day, quantity in self.batches:
            if day > received_on_or_before:
                break
            removed += quantity
            gone += 1
        if gone:
            del self.batches[:gone]
            self.recount()
        return removed

    def recount(self) -> None:
        total = 0.0
        for batch in self.batches:
            total += batch[1]
        self.total = total


class CampLine:
    """One commodity at one camp: stock, resupply (a request or a direct order), and its daily record."""

    def __init__(self, camp: Camp, c: int, item_name: str, item, spec, days: int) -> None:
        self.camp, self.c, self.item = camp, c, item_name
        self.kit = item.per_household
        self.per_person_day = item.per_person_day or 0.0
        self.per_new_household = item.per_new_household or 0.0
        policy = spec.rationing if spec.rationing is not None else item.rationing
        self.steps = sorted(((r.below_days_of_cover, r.ration) for r in policy), reverse=True)  # highest first
        self.capacity = INF if spec.capacity is None else spec.capacity
        self.stock = float(spec.initial_stock)
        self.batches = Batches(self.stock) if item.shelf_life_days else None
        self.shelf_life = item.shelf_life_days or 0
        self.pipeline = 0.0
        self.open = 0  # orders or shipments on their way
        self.backlog = 0.0  # kits owed to households that arrived earlier
        self.level, self.broken = 1.0, False  # yesterday's ration level and pipeline-break state
        self.supply, self.ordering = spec.supply, spec.ordering
        rule = spec.supply or spec.ordering
        self.every = rule.review_every_days if rule is not None else 0
        self.up_to = rule.order_up_to_days if rule is not None else 0.0
        self.max_order = INF if spec.ordering is None or spec.ordering.max_order is None else spec.ordering.max_order
        self.unit_cost = item.unit_cost_usd
        self.donation_list = spec.donations
        self.route: Route | None = None  # set for a supplied line
        self.lead: list[int] = []  # direct orders' lead times by order day
        self.closed = [0] * days  # closures delaying direct deliveries and donations here
        self.gate: dict[int, list[tuple[int, float]]] = {}  # landing day -> (order or dispatch day, quantity)
        self.donated: dict[int, list[float]] = {}  # landing day -> quantities, in file order
        self.request = 0.0  # today's request to the warehouse
        self.rec = {f: [0.0] * days for f in DAILY_FIELDS}


class WarehouseLine:
    """One commodity at one warehouse: stock, supplier orders, donations, the camp lines it supplies."""

    def __init__(self, name: str, c: int, item_name: str, spec, days: int) -> None:
        self.name, self.c, self.item = name, c, item_name
        self.stock = float(spec.initial_stock)
        self.capacity = INF if spec.capacity is None else spec.capacity
        self.ordering = spec.ordering
        self.max_order = INF if spec.ordering is None or spec.ordering.max_order is None else spec.ordering.max_order
        self.donation_list = spec.donations
        self.batches = None  # nothing spoils at a warehouse
        self.pipeline = 0.0
        self.open = 0
        self.lead: list[int] = []
        self.closed = [0] * days
        self.gate: dict[int, list[tuple[int, float]]] = {}
        self.donated: dict[int, list[float]] = {}
        self.supplies: list[CampLine] = []  # camps in file order
        self.rec = {f: [0.0] * days for f in WAREHOUSE_FIELDS}


class Route:
    """One road from a warehouse to a camp: transit times, closures, capacity and what it carried."""

    def __init__(self, name: str, spec, days: int) -> None:
        self.name, self.origin, self.to = name, spec.origin, spec.to
        self.transit_spec = spec.transit_days
        self.capacity = INF if spec.capacity_kg_per_day is None else spec.capacity_kg_per_day
        self.transit: list[int] = []
        self.closed = [0] * days
        self.kg = [0.0] * days
        self.full = [0.0] * days


# --- the network's day ------------------------------------------------------------------------------


class Network:
    """A network scenario read into camps, lines and routes, and its day loop."""

    def __init__(self, s: Scenario) -> None:
        self.s, days = s, s.days
        self.days = days
        self.items = list(s.commodities)
        self.kg = [s.commodities[name].kg_per_unit for name in self.items]
        self.camps = [Camp(k, name, camp, s) for k, (name, camp) in enumerate(s.camps.items())]
        self.order = overflow_order(self.camps)
        self.paths = new_paths(self.camps, days)
        for camp, path in zip(self.camps, self.paths, strict=True):
            camp.path = path
        self.routes = {name: Route(name, spec, days) for name, spec in s.routes.items()}
        route_of = {(r.origin, r.to): r for r in self.routes.values()}
        self.wlines: list[WarehouseLine] = []
        wline_of: dict[tuple[str, str], WarehouseLine] = {}
        for name, site in s.warehouses.items():
            for c, item in enumerate(self.items):  # commodities in the file order of commodities:
                if item in site.commodities:
                    line = WarehouseLine(name, c, item, site.commodities[item], days)
                    self.wlines.append(line)
                    wline_of[(name, item)] = line
        self.lines: list[CampLine] = []
        for camp, spec in zip(self.camps, s.camps.values(), strict=True):
            for c, item in enumerate(self.items):
                stock = spec.commodities.get(item)
                if stock is None:
                    continue  # a camp that does not list a commodity neither needs nor receives it
                line = CampLine(camp, c, item, s.commodities[item], stock, days)
                if stock.supply is not None:
                    wline_of[(stock.supply.warehouse, item)].supplies.append(line)
                    line.route = route_of[(stock.supply.warehouse, camp.name)]
                self.lines.append(line)
        self.closures: dict[int, list[tuple]] = {}  # first day -> (reason, days, routes, warehouse lines, camp lines)
        for d in s.disruptions:
            first = d.start_day(s.start)
            span = range(max(first, 0), min(first + d.days, days))
            everything = d.routes is None and d.commodities is None and d.sites is None
            routes = list(self.routes.values()) if everything else [self.routes[r] for r in d.routes or []]
            for route in {id(r): r for r in routes}.values():
                for day in span:
                    route.closed[day] += 1
            wlines, lines = [], []
            if d.routes is None:
                items = set(d.commodities) if d.commodities else set(self.items)
                where = set(d.sites) if d.sites else set(s.camps) | set(s.warehouses)
                wlines = [w for w in self.wlines if w.name in where and w.item in items]
                lines = [x for x in self.lines if x.camp.name in where and x.item in items]
                for line in (*wlines, *lines):
                    for day in span:
                        line.closed[day] += 1
            self.closures.setdefault(first, []).append((d.reason, d.days, routes, wlines, lines))
        requirement = requirements(s, self.camps)
        self.funds: dict[int, list[tuple[int, int, float]]] = {}  # day -> (day, commodity, USD), paid in order
        paid = []
        for c, name in enumerate(self.items):
            paid += [(day, c, usd) for day, usd in tranches(s, name, requirement[c]) if usd > 0 and 0 <= day < days]
        for tranche in sorted(paid):
            self.funds.setdefault(tranche[0], []).append(tranche)
        for line in self.lines:
            for donation in line.donation_list:
                day = landing(line.closed, donation.day_index(s.start), days)
                if day < days:
                    line.donated.setdefault(day, []).append(donation.quantity)
        for w in self.wlines:
            for donation in w.donation_list:
                day = landing(w.closed, donation.day_index(s.start), days)
                if day < days:
                    w.donated.setdefault(day, []).append(donation.quantity)
        self.money = [0.0] * len(self.items)  # one balance per commodity, for the whole network
        self.money_daily = [[0.0] * len(self.items) for _ in range(days)]
        self.funds_daily = [[0.0] * len(self.items) for _ in range(days)]
        self.shipped_in = {id(line): [0.0] * days for line in self.lines}
        self.events: list[EventRow] = []

    # --- inputs ------------------------------------------------------------------------------

    def draw(self, seed: int, replication: int) -> None:
        """Every input that does not depend on the path, from campsim's named streams (see the module doc)."""
        s, days = self.s, self.days
        drawn = not s.deterministic

        def rng(name: str) -> np.random.Generator | None:
            return stream(seed, replication, name) if drawn else None

        for line in self.lines:
            if line.ordering is not None:
                line.lead = draw_days(line.ordering.lead_time_days, rng(f"lead_time/{line.camp.name}/{line.item}"),
                                      days)  # fmt: skip
        for w in self.wlines:
            if w.ordering is not None:
                w.lead = draw_days(w.ordering.lead_time_days, rng(f"lead_time/{w.name}/{w.item}"), days)
        for route in self.routes.values():
            route.transit = draw_days(route.transit_spec, rng(f"transit/{route.name}"), days)
        if drawn:
            self.own = [stream(seed, replication, f"arrivals/{c.name}").poisson(c.means).tolist() for c in self.camps]
            self.extra = [
                stream(seed, replication, f"departures/data/{c.name}").poisson(c.scheduled).tolist()
                if any(c.scheduled) else [0] * days
                for c in self.camps
            ]  # fmt: skip
            self.binomial = stream(seed, replication, "departures").binomial

    def log(self, day: int, kind: str, item: str, site: str, quantity=None, cost_usd=None, note: str = "") -> None:
        self.events.append(EventRow(day, kind, item, quantity, cost_usd, note, site))

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> None:
        s, days, camps, lines, wlines = self.s, self.days, self.camps, self.lines, self.wlines
        money, items, log = self.money, self.items, self.log
        before = [c.initial for c in camps]
        by_warehouse = {name: [w for w in wlines if w.name == name] for name in s.warehouses}
        routes_from = {name: [r for r in self.routes.values() if r.origin == name] for name in s.warehouses}
        for day in range(days):
            # 1. population, camps in overflow order
            if s.deterministic:
                own = [c.means[day] for c in camps]
                departures = [expected_leave(c, day, before[c.index]) for c in camps]
            else:
                own = [float(self.own[c.index][day]) for c in camps]
                departures = []
                for c in camps:  # one Binomial draw a camp, in file order
                    gone = float(self.binomial(int(before[c.index]), c.rate))
                    departures.append(gone + min(float(self.extra[c.index][day]), before[c.index] - gone))
            population_day(day, self.order, self.paths, before, own, departures)
            before = [path["population"][day] for path in self.paths]
            for c in camps:
                away = c.path["turned_away"]
                if away[day] and not (day and away[day - 1]):
                    self.events.append(EventRow(day, "turned_away", "", away[day], note="camp full", site=c.name))
            # 2. funding: one balance per commodity
            for _, c, usd in self.funds.get(day, ()):
                money[c] += usd
                self.funds_daily[day][c] += usd
                self.events.append(EventRow(day, "tranche", items[c], cost_usd=usd))
                for line in lines:
                    if line.c == c:
                        line.rec["funds_received"][day] += usd
            for reason, length, routes, closed_w, closed_lines in self.closures.get(day, ()):
                for route in routes:
                    self.events.append(EventRow(day, "route_closed", "", note=f"{reason} ({length} days)",
                                                site=route.name))  # fmt: skip
                for w in closed_w:
                    log(day, "disruption", w.item, w.name, note=reason)
                for line in closed_lines:
                    log(day, "disruption", line.item, line.camp.name, note=reason)
            # 3. warehouse receipts: supplier deliveries (as ordered), then donations
            for w in wlines:
                landed, donated = w.gate.pop(day, None), w.donated.pop(day, None)
                if landed:
                    total = 0.0
                    for _, q in landed:
                        total += q
                    w.open -= len(landed)
                    w.pipeline = w.pipeline - total if w.open else 0.0
                    lost = self.shelve(w, total)
                    w.rec["received"][day] += total
                    w.rec["overflow"][day] += lost
                    for ordered_on, q in landed:
                        log(day, "delivery", w.item, w.name, q, note=f"ordered on day {ordered_on}")
                    if lost > 0:
                        log(day, "overflow", w.item, w.name, lost, note="deliveries above capacity")
                if donated:
                    total = 0.0
                    for q in donated:
                        total += q
                    lost = self.shelve(w, total)
                    w.rec["received"][day] += total
                    w.rec["overflow"][day] += lost
                    for q in donated:
                        log(day, "donation", w.item, w.name, q, note="")
                    if lost > 0:
                        log(day, "overflow", w.item, w.name, lost, note="donations above capacity")
            # 4. camp receipts: shipments (as dispatched) or direct deliveries (as ordered), then donations
            for line in lines:
                landed, donated = line.gate.pop(day, None), line.donated.pop(day, None)
                if landed is None and donated is None:
                    continue
                rec, site = line.rec, line.camp.name
                if landed:
                    total = 0.0
                    for _, q in landed:
                        total += q
                    line.open -= len(landed)
                    line.pipeline = line.pipeline - total if line.open else 0.0
                    lost = self.shelve(line, total, day)
                    rec["received"][day] += total
                    rec["overflow"][day] += lost
                    kind, words = ("shipment", "dispatched on day") if line.supply else ("delivery", "ordered on day")
                    for when, q in landed:
                        log(day, kind, line.item, site, q, note=f"{words} {when}")
                    if lost > 0:
                        log(day, "overflow", line.item, site, lost, note="deliveries above capacity")
                if donated:
                    total = 0.0
                    for q in donated:
                        total += q
                    lost = self.shelve(line, total, day)
                    rec["received"][day] += total
                    rec["overflow"][day] += lost
                    for q in donated:
                        log(day, "donation", line.item, site, q)
                    if lost > 0:
                        log(day, "overflow", line.item, site, lost, note="donations above capacity")
            # 5. distribution and 6. spoilage, at each camp
            for line in lines:
                self.distribute(line, day)
            for line in lines:
                if line.batches is not None:
                    spoiled = line.batches.expire(day - line.shelf_life + 1)
                    if spoiled > 0:
                        line.stock = line.batches.total
                        line.rec["spoiled"][day] = spoiled
                        log(day, "spoilage", line.item, line.camp.name, spoiled)
            # 7. camp reviews, camps and commodities in file order
            for line in lines:
                line.request = 0.0
                if line.every and day % line.every == 0:
                    self.review(line, day)
            # 8. dispatch, warehouses in file order
            if any(line.request for line in lines):
                for name, held in by_warehouse.items():
                    self.dispatch(day, held, routes_from[name])
            # 9. warehouse ordering, warehouses and commodities in file order
            for w in wlines:
                rule = w.ordering
                if rule is not None and day % rule.review_every_days == 0:
                    self.restock(w, day)
            # end of day
            for line in lines:
                rec = line.rec
                rec["stock"][day], rec["pipeline"][day], rec["balance"][day] = line.stock, line.pipeline, money[line.c]
            for w in wlines:
                rec = w.rec
                rec["stock"][day], rec["pipeline"][day], rec["balance"][day] = w.stock, w.pipeline, money[w.c]
            self.money_daily[day] = list(money)

    def shelve(self, line, quantity: float, day: int = 0) -> float:
        """Put one receipt on the shelf up to capacity; return what is lost above it."""
        kept = min(quantity, max(line.capacity - line.stock, 0.0))
        line.stock = line.stock + kept
        if line.batches is not None:
            line.batches.add(day, kept)
        return quantity - kept

    def distribute(self, line: CampLine, day: int) -> None:
        """Need x ration (rationed by days of cover), capped by stock, oldest first; the kits' backlog."""
        camp, rec = line.camp, line.rec
        people, arrived = camp.path["population"][day], camp.path["accepted"][day]
        new_need = people * line.per_person_day + arrived / camp.household_size * line.per_new_household
        need = new_need + line.backlog
        stock = line.stock
        if need > 0:
            cover = stock / need
        else:
            cover = INF if stock > 0 else math.nan  # as numpy divides by 0: no threshold is met
        level = 1.0
        for below, ration in line.steps:  # highest threshold first: the lowest one met wins
            if cover < below:
                level = ration
        planned = need * level
        distributed = min(stock, planned)
        broken = distributed < planned * KEEP
        if line.batches is not None:
            line.batches.take(distributed)
            line.stock = line.batches.total
        else:
            line.stock = stock - distributed
        shortfall = need - distributed
        if line.kit:
            line.backlog = shortfall
        rec["need"][day], rec["new_need"][day], rec["distributed"][day] = need, new_need, distributed
        rec["shortfall"][day], rec["ration_level"][day], rec["stockout"][day] = shortfall, level, float(broken)
        rec["ration"][day] = distributed / need if need > 0 else 1.0
        rec["days_of_cover"][day] = cover if cover < INF else math.nan
        if level != line.level:
            self.log(day, "ration_change", line.item, camp.name, level)
        if broken and not line.broken:
            self.log(day, "stockout", line.item, camp.name, planned - distributed, note="pipeline break")
        elif line.broken and not broken:
            self.log(day, "restock", line.item, camp.name, stock)
        line.level, line.broken = level, broken

    def review(self, line: CampLine, day: int) -> None:
        """A request to the warehouse, or a direct order paid from the commodity's balance."""
        rec = line.rec
        if line.kit:  # mean new-household need of the last 7 days (those that exist) + backlog left today
            first = max(0, day - KIT_NEED_WINDOW_DAYS + 1)
            window = 0.0
            for d in range(first, day + 1):
                window = window + rec["new_need"][d]
            target = line.up_to * window / (day - first + 1) + line.backlog
        else:
            target = line.up_to * rec["need"][day]  # the full, unrationed need
        position = line.stock + line.pipeline
        quantity = min(target, line.capacity) - position
        dust = max(SHORTAGE_RTOL * target, 0.0)
        if line.supply is not None:  # free, no lead time; none over a closed road
            if quantity > dust and not line.route.closed[day]:
                line.request = quantity
                rec["ordered"][day] += quantity
            return
        quantity = min(quantity, line.max_order)
        paid = quantity * line.unit_cost
        balance = self.money[line.c]
        if paid >= balance and line.unit_cost > 0:  # money caps the order: spend exactly the balance
            quantity, paid = balance / line.unit_cost, balance
        if not quantity > dust:
            return
        self.money[line.c] -= paid
        line.pipeline += quantity
        line.open += 1
        rec["ordered"][day] += quantity
        rec["spent"][day] += paid
        lead = line.lead[day]
        self.log(day, "order", line.item, line.camp.name, quantity, paid, note=f"lead time {lead} days")
        if day + lead < self.days:
            lands = landing(line.closed, day + lead, self.days)
            if lands < self.days:
                line.gate.setdefault(lands, []).append((day, quantity))

    def dispatch(self, day: int, held: list[WarehouseLine], routes: list[Route]) -> None:
        """One warehouse: share each commodity's stock among the requests, then load the trucks."""
        shares: list[tuple[WarehouseLine, list[CampLine], list[float]]] = []
        for w in held:
            asked = [line.request for line in w.supplies]
            if not any(asked):
                continue
            available = w.stock
            total = rowsum(asked)
            short = total > available
            w.rec["requested"][day] = total
            w.rec["short"][day] = float(short)
            if short and not (day and w.rec["short"][day - 1]):
                self.log(day, "warehouse_short", w.item, w.name, total - available)
            if total <= available:
                sent = list(asked)
            elif self.s.allocation == "priority":
                sent = self.share_by_priority(available, w.supplies, asked)
            elif self.s.allocation == "equal_cover":
                sent = share_equal_cover(available, asked, [x.rec["need"][day] for x in w.supplies],
                                         [x.stock + x.pipeline for x in w.supplies])  # fmt: skip
            else:
                sent = [available * r / total for r in asked]
            shares.append((w, w.supplies, sent))
        kg = self.kg
        by_route: dict[str, list[tuple[list[float], int, CampLine]]] = {}  # loads in warehouse-line then camp order
        for _, supplies, sent in shares:
            for n, line in enumerate(supplies):
                by_route.setdefault(line.route.name, []).append((sent, n, line))
        for route in routes:  # truck capacity, per route
            loads = by_route.get(route.name)
            if not loads:
                continue
            weight = 0.0
            for sent, n, line in loads:
                weight += sent[n] * kg[line.c]
            factor = route.capacity / weight if weight > route.capacity else 1.0
            shipped = 0.0
            for sent, n, line in loads:
                if factor < 1 and kg[line.c] > 0:
                    sent[n] = sent[n] * factor
                shipped += sent[n] * kg[line.c]
            route.kg[day] = shipped
            route.full[day] = float(shipped > 0 and shipped >= route.capacity * KEEP)
        for w, supplies, sent in shares:  # the convoys leave, camps in file order
            for line, quantity in zip(supplies, sent, strict=True):
                if quantity <= 0:
                    continue
                w.stock = max(w.stock - quantity, 0.0)  # rounding never leaves less than nothing
                w.rec["dispatched"][day] += quantity
                route = line.route
                lands = landing(route.closed, min(day + route.transit[day], self.days), self.days)
                line.pipeline += quantity
                line.open += 1
                self.log(day, "dispatch", w.item, w.name, quantity, note=f"{route.name}, arrives day {lands}")
                if lands < self.days:
                    self.shipped_in[id(line)][lands] += quantity
                    line.gate.setdefault(lands, []).append((day, quantity))

    def share_by_priority(self, available: float, supplies: list[CampLine], asked: list[float]) -> list[float]:
        """Camps in priority: order (then the rest in file order), each min(r_i, what is left)."""
        s = self.s
        rank = {name: i for i, name in enumerate(s.priority)}
        order = sorted(range(len(supplies)), key=lambda n: (rank.get(supplies[n].camp.name, len(rank)),
                                                             supplies[n].camp.index))  # fmt: skip
        out = [0.0] * len(asked)
        left = available
        for n in order:
            out[n] = min(asked[n], left)
            left = left - out[n]
        return out

    def restock(self, w: WarehouseLine, day: int) -> None:
        """Order up to order_up_to_days x the camps' need today, capped by capacity, max_order and the balance."""
        demand = rowsum(line.rec["need"][day] for line in w.supplies)
        target = w.ordering.order_up_to_days * demand
        quantity = min(min(target, w.capacity) - (w.stock + w.pipeline), w.max_order)
        cost = self.s.commodities[w.item].unit_cost_usd
        paid = quantity * cost
        balance = self.money[w.c]
        if paid >= balance and cost > 0:
            quantity, paid = balance / cost, balance
        if not quantity > max(SHORTAGE_RTOL * target, 0.0):
            return
        self.money[w.c] -= paid
        w.pipeline += quantity
        w.open += 1
        w.rec["ordered"][day] += quantity
        w.rec["spent"][day] += paid
        lead = w.lead[day]
        self.log(day, "order", w.item, w.name, quantity, paid, note=f"lead time {lead} days")
        lands = landing(w.closed, min(day + lead, self.days), self.days)
        if lands < self.days:
            w.gate.setdefault(lands, []).append((day, quantity))

    # --- the records, for campsim's result code ------------------------------------------------

    def arrays(self, replication: int) -> NetworkArrays:
        days, camps, lines, wlines = self.days, self.camps, self.lines, self.wlines
        routes = list(self.routes.values())

        def by(rows: list[list[float]]) -> np.ndarray:  # [site][day] -> [day, site, 1]
            return np.array(rows, dtype=float).reshape(len(rows), days).T[:, :, None]

        def camp_total(field: str) -> np.ndarray:
            return np.array([rowsum(c.path[field][d] for c in camps) for d in range(days)])[:, None]

        return NetworkArrays(
            arrivals=camp_total("accepted"),
            departures=camp_total("departures"),
            population=camp_total("population"),
            daily={f: by([line.rec[f] for line in lines]) for f in DAILY_FIELDS},
            end_pipeline=np.array([[line.pipeline] for line in lines], dtype=float).reshape(len(lines), 1),
            events=self.events,
            first=replication,
            camp_population={f: by([c.path[f] for c in camps]) for f in POPULATION_FIELDS},
            warehouses={f: by([w.rec[f] for w in wlines]) for f in WAREHOUSE_FIELDS},
            route_kg=by([r.kg for r in routes]),
            route_at_capacity=by([r.full for r in routes]),
            money=np.array(self.money_daily, dtype=float).reshape(days, len(self.items))[:, :, None],
            funds=np.array(self.funds_daily, dtype=float).reshape(days, len(self.items))[:, :, None],
            end_warehouse_pipeline=np.array([[w.pipeline] for w in wlines], dtype=float).reshape(len(wlines), 1),
            shipped_in=by([self.shipped_in[id(line)] for line in lines]),
        )


def share_equal_cover(available: float, asked: list[float], need: list[float], position: list[float]) -> list[float]:
    """Water-filling of days of cover (some stock short): camps with need n_i > 0 get min(r_i, max(0, L n_i - p_i))
    with the level L that shares out all the stock; if they are all served, camps with no need share the rest
    in proportion to their requests. L is exact: the shared total is linear between the breakpoints p_i / n_i
    (a camp starts to receive) and (p_i + r_i) / n_i (it is served in full)."""
    needy = [(r, n, p) for r, n, p in zip(asked, need, position, strict=True) if n > 0]  # in file order

    def shared(level: float) -> float:
        total = 0.0
        for r, n, p in needy:
            total += min(r, max(0.0, level * n - p))
        return total

    points = []
    for r, n, p in needy:
        points += [p / n, (p + r) / n]
    points = sorted(x for x in points if x < INF)
    # the highest breakpoint whose shared total fits: the total never falls as the level rises, so bisect
    lo, hi = 0, len(points)
    while lo < hi:
        mid = (lo + hi) // 2
        if shared(points[mid]) <= available:
            lo = mid + 1
        else:
            hi = mid
    level = max(points[lo - 1], 0.0) if lo else 0.0
    slope = 0.0  # on the segment above it, camps that receive but are not full grow with their need
    for r, n, p in needy:
        if p / n <= level < (p + r) / n:
            slope += n
    if slope > 0:
        level = level + (available - shared(level)) / slope
    out, given, idle, needy_asked = [], 0.0, 0.0, 0.0
    for r, n, p in zip(asked, need, position, strict=True):
        if n > 0:
            x = min(r, max(0.0, level * n - p))
            given += x
            needy_asked += r
        else:
            x = 0.0
            idle += r
        out.append(x)
    if needy_asked <= available and idle > 0:  # every needy camp served: the rest to camps with no need
        left = available - given
        for i, (r, n) in enumerate(zip(asked, need, strict=True)):
            if not n > 0:
                out[i] = min(r, left * r / idle)
    return out


def run_network(
    scenario: Scenario, seed: int | None = None, replication: int = 0
) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What ``campsim.simulate(scenario, seed)`` returns for a network, as (summary, daily, warehouses, events)."""
    seed = scenario.seed if seed is None else seed
    network = Network(scenario)
    network.draw(seed, replication)
    network.run()
    arrays = network.arrays(replication)
    plan = compile(scenario)  # for the result builders only: dates, names, units, per-line metrics
    return (
        summarize_network(plan, arrays, seed)[0],
        network_daily_frame(plan, arrays, replication),
        warehouses_frame(plan, arrays, replication),
        network_events_frame(plan, arrays),
    )
