"""The network loop's Network: the scenario read into sites, its drawn inputs, the day loop and its records."""

from __future__ import annotations

import numpy as np

from benchmarks.inputs import tranches
from benchmarks.network_loop.orders import Orders
from benchmarks.network_loop.population import expected_leave, new_paths, overflow_order, population_day, requirements
from benchmarks.network_loop.receipts import Receipts
from benchmarks.network_loop.sites import (
    POPULATION_FIELDS,
    WAREHOUSE_FIELDS,
    Camp,
    CampLine,
    Route,
    WarehouseLine,
    draw_days,
    landing,
    rowsum,
)
from campsim.model.outputs import DAILY_FIELDS, EventRow, NetworkArrays
from campsim.model.scenario import Scenario
from campsim.plan.streams import stream


class Network(Receipts, Orders):
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
        """Every input that does not depend on the path, from campsim's named streams (see the package doc)."""
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
            self.receive_at_warehouses(day)
            # 4. camp receipts: shipments (as dispatched) or direct deliveries (as ordered), then donations
            self.receive_at_camps(day)
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
