"""The SimPy engine for a network: camps fed from warehouses by trucks, sharing one budget.

It is the camp engine (des.py) with the network's phases added: per-camp population with
overflow, one balance per commodity, warehouse receipts, requests from camps, dispatch
(sharing scarce stock, truck capacity, shipments as timed events) and warehouse ordering.
A camp line's daily record, distribution and spoilage are the camp engine's. The order of
the day is model/day.py's; docs/semantics.md, "Camp networks", states every step.
"""

from __future__ import annotations

import numpy as np

from campsim.engines.des import CampModel, funds_note
from campsim.model import rules, standards
from campsim.model.day import GATE_TICK, TICKS_PER_DAY
from campsim.model.outputs import POPULATION_FIELDS, WAREHOUSE_FIELDS, EventRow, NetworkArrays
from campsim.plan.arrays import Plan
from campsim.plan.draw import NetworkDraws


def loads_by_route(share: dict, line_route) -> dict[int, list[tuple[int, int, int]]]:
    """Each route's loads (warehouse line, its camp's place, camp line), in warehouse-line then camp order."""
    by_route: dict[int, list] = {}
    for j, (lines, _) in share.items():
        for n, i in enumerate(lines):
            by_route.setdefault(int(line_route[i]), []).append((j, n, i))
    return by_route


class NetworkModel(CampModel):
    """A network over one horizon: the camp lines of CampModel, plus warehouses and routes."""

    def __init__(self, plan: Plan, draws: NetworkDraws, replication: int = 0) -> None:
        net = self.net = plan.network
        r = replication - draws.first
        self.path = draws.path_of(replication)
        self.w_lead = draws.w_lead_times_days[:, :, r].tolist()
        self.transit = draws.transit_days[:, :, r].tolist()
        sites = net.sites
        self.camp_of = sites.line_camp.tolist()
        self.camp_names, self.commodity_names = net.camps.names, sites.commodities
        self.commodity_of = sites.line_commodity.tolist()
        width_w, width_c = len(sites.wline_warehouse), len(sites.commodities)
        self.w_total = sites.w_initial_stock.astype(float)
        self.w_pipeline = np.zeros(width_w)
        self.w_open = [0] * width_w
        self.w_cut = [False] * width_w  # the warehouse line's last review was cut by money
        self.w_gate: list[list[tuple[int, float]]] = [[] for _ in range(width_w)]
        self.w_donated: list[list[tuple[int, float]]] = [[] for _ in range(width_w)]
        self.money = np.zeros(width_c)  # one balance per commodity, for the whole network
        self.requests = np.zeros(len(sites.line_camp))  # today's requests by camp line
        days = plan.days
        self.w_daily = {f: np.zeros((days, width_w)) for f in WAREHOUSE_FIELDS}
        self.route_kg = np.zeros((days, len(net.routes.names)))
        self.route_full = np.zeros((days, len(net.routes.names)))
        self.shipped_in = np.zeros((days, len(sites.line_camp)))  # shipments reaching each camp line, by day
        self.money_daily = np.zeros((days, width_c))
        self.funds_daily = np.zeros((days, width_c))
        super().__init__(plan, draws, replication)
        self.balance = self.money[sites.line_commodity]  # a camp line's view of its commodity's money
        for j, index, due, quantity in sites.w_donations:
            self.env.process(self.warehouse_donation(j, index, due, quantity))
        for closure in net.closures:
            self.env.process(self.disruption(*closure))

    # --- helpers ---------------------------------------------------------------------------

    def site_log(self, day: int, kind: str, site: str, commodity: int, quantity=None, cost_usd=None, note="") -> None:
        self.events.append(EventRow(day, kind, self.commodity_names[commodity], quantity, cost_usd, note, site))

    def log(self, day: int, kind: str, line: int, quantity=None, cost_usd=None, note="") -> None:
        """A camp line's event, named by its camp and commodity."""
        self.site_log(day, kind, self.camp_names[self.camp_of[line]], self.commodity_of[line], quantity, cost_usd,
                      note)  # fmt: skip

    def arrival_words(self, line: int) -> tuple[str, str]:
        return ("shipment", "dispatched on day") if self.net.sites.supplied[line] else ("delivery", "ordered on day")

    def is_closed(self, line: int) -> bool:
        """Direct deliveries and donations wait while a disruption of the line's commodity holds at its camp."""
        day = int(self.env.now // TICKS_PER_DAY)
        return day < self.days and self.plan.closed[day, line] > 0

    def need_inputs(self, day: int):
        camps = self.plan.network.camps
        k = self.plan.network.sites.line_camp
        return self.path.population[day][k], self.path.accepted[day][k], camps.household_size[k]

    def run(self) -> NetworkArrays:
        base = super().run()
        reps = (slice(None), slice(None), None)
        return NetworkArrays(
            **base.__dict__,
            camp_population={name: getattr(self.path, name)[:, :, None] for name in POPULATION_FIELDS},
            warehouses={f: values[reps] for f, values in self.w_daily.items()},
            route_kg=self.route_kg[reps],
            route_at_capacity=self.route_full[reps],
            money=self.money_daily[reps],
            funds=self.funds_daily[reps],
            end_warehouse_pipeline=self.w_pipeline.copy()[:, None],
            shipped_in=self.shipped_in[reps],
        )

    # --- the day's phases, where a network differs from the single camp ----------------------

    def population(self, tick: int):
        """Each camp's people, from the population phase stepped when the inputs were drawn (plan/camps.py)."""
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            self.population_path[day] = float(rules.total_requested(self.path.population[day]))  # camps in file order
            for k in np.flatnonzero(self.path.turned_away[day]).tolist():
                before = self.path.turned_away[day - 1, k] if day else 0.0
                if not before:  # the first day of a run of days with people turned away
                    self.events.append(EventRow(day, "turned_away", "", float(self.path.turned_away[day, k]),
                                                note="camp full", site=self.net.camps.names[k]))  # fmt: skip

    def funding(self, tick: int):
        """Tranches of each commodity's funded requirement go into its one balance."""
        for day, c, amount in self.net.tranches:
            yield self.until(day, tick)
            self.money[c] += amount
            self.funds_daily[day, c] += amount
            self.events.append(EventRow(day, "tranche", self.net.sites.commodities[c], cost_usd=amount))
            self.balance = self.money[self.net.sites.line_commodity]
            self.sparse["funds_received"][day] += np.where(self.net.sites.line_commodity == c, amount, 0.0)

    def receipts(self, tick: int):
        """Warehouses receive (supplier deliveries, then donations), then the camps, as the single camp does."""
        camp_receipts = super().receipts(tick)
        event = next(camp_receipts)
        for day in range(self.first, self.days):
            yield event
            self.warehouse_receipts(day)
            try:
                event = camp_receipts.send(None)  # the camps' receipts of the same day
            except StopIteration:
                return

    def warehouse_receipts(self, day: int) -> None:
        """Supplier deliveries due today (in the order they were ordered), then donations; overflow above capacity."""
        sites = self.net.sites
        for j in range(len(self.w_total)):
            if not (self.w_gate[j] or self.w_donated[j]):
                continue
            site, c = sites.warehouses[sites.wline_warehouse[j]], int(sites.wline_commodity[j])
            for kind, plural, arrived in (("delivery", "deliveries", sorted(self.w_gate[j])),
                                          ("donation", "donations", sorted(self.w_donated[j]))):  # fmt: skip
                if not arrived:
                    continue
                quantity = 0.0
                for _, q in arrived:
                    quantity += q
                if kind == "delivery":
                    self.w_open[j] -= len(arrived)
                    self.w_pipeline[j] = self.w_pipeline[j] - quantity if self.w_open[j] else 0.0
                kept, overflow = rules.shelve(quantity, self.w_total[j], sites.w_capacity[j])
                self.w_total[j] += kept
                self.w_daily["received"][day, j] += quantity
                self.w_daily["overflow"][day, j] += overflow
                for when, q in arrived:
                    note = f"ordered on day {when}" if kind == "delivery" else ""
                    self.site_log(day, kind, site, c, q, note=note)
                if overflow > 0:
                    self.site_log(day, "overflow", site, c, float(overflow), note=f"{plural} above capacity")
            self.w_gate[j], self.w_donated[j] = [], []

    def review(self, tick: int):
        """Camps in file order: direct orders (paid from the commodity's balance) and requests to warehouses."""
        plan, sites, net = self.plan, self.net.sites, self.net
        every = plan.review_every_days.tolist()
        direct = plan.ordered.tolist()
        supplied = sites.supplied.tolist()
        route = sites.line_route.tolist()
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            self.requests = np.zeros(len(every))
            due = [i for i in range(len(every)) if every[i] and day % every[i] == 0]
            if not due:
                continue
            need = self.rows["need"][day]
            window_sum, window_days = self.kit_window(day, due)
            target = rules.order_target(plan.kits, plan.order_up_to_days, need, window_sum, window_days, self.backlog)
            position = self.total + self.pipeline
            # requests: free, no lead time; a camp whose road is closed today asks for nothing
            asked, _, place = rules.order_quantity(target, position, plan.capacity, np.inf, np.inf, 0.0)
            for i in due:
                if supplied[i] and place[i] and not net.route_closed[day, route[i]]:
                    self.requests[i] = asked[i]
                    self.sparse["ordered"][day, i] += float(asked[i])
            # direct orders, camps in file order: each pays from the balance the camps before it left
            lines = sorted((i for i in due if direct[i]), key=lambda i: (self.camp_of[i], i))
            if lines:
                # all at once as if money were no limit; a line whose cost reaches what is left is redone
                # with that balance (below it, an order does not depend on the balance)
                caps = (plan.capacity[lines], plan.max_order[lines])
                quantity, paid, place = rules.order_quantity(target[lines], position[lines], *caps, np.inf,
                                                             plan.unit_cost_usd[lines])  # fmt: skip
                for n, i in enumerate(lines):
                    c = self.commodity_of[i]
                    balance = float(self.money[c])
                    if rules.balance_binds(paid[n], self.money[c], plan.unit_cost_usd[i]):
                        q, usd, ok = rules.order_quantity(target[i], position[i], plan.capacity[i], plan.max_order[i],
                                                          self.money[c], plan.unit_cost_usd[i])  # fmt: skip
                    else:
                        q, usd, ok = quantity[n], paid[n], place[n]
                    if ok:
                        self.money[c] -= float(usd)
                        self.place_order(day, i, float(q), float(usd))
                    # the order as if money were no limit is what the rule asked for
                    self.money_cut(day, i, float(rules.funds_cut(quantity[n], target[i], q if ok else 0.0)), balance)
            self.balance = self.money[sites.line_commodity]

    def kit_window(self, day: int, due: list[int]):
        """The kits' 7-day window sum and length, where a kit line reviews today (else 0.0, 0)."""
        if not any(self.plan.kits[i] for i in due):
            return 0.0, 0
        first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
        window_sum = 0.0
        for d in range(first, day + 1):
            window_sum = window_sum + self.rows["new_need"][d]
        return window_sum, day - first + 1

    def dispatch(self, tick: int):
        """Warehouses in file order share each commodity's stock among the requests; trucks carry what fits."""
        net, sites, routes = self.net, self.net.sites, self.net.routes
        kg = net.kg_per_unit
        held = [np.flatnonzero(sites.wline_warehouse == w).tolist() for w in range(len(sites.warehouses))]
        supplies = [list(lines) for lines in sites.w_supplies]
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            if not self.requests.any():
                continue
            for w, wlines in enumerate(held):
                share = {}
                for j in wlines:
                    lines = supplies[j]
                    asked = self.requests[lines]
                    if not asked.any():
                        continue
                    available = self.w_total[j]
                    total = float(rules.total_requested(asked))
                    self.w_daily["requested"][day, j] = total
                    self.w_daily["short"][day, j] = float(total > available)
                    if total > available and not (day and self.w_daily["short"][day - 1, j]):
                        self.site_log(day, "warehouse_short", sites.warehouses[w], int(sites.wline_commodity[j]),
                                      total - available)  # fmt: skip
                    # every rule gives each camp its request when all fit (asked is a fresh copy)
                    share[j] = (lines, asked if total <= available else self.allocate(available, asked, lines))
                self.load_trucks(day, w, share, kg, routes)

    def allocate(self, available: float, asked: np.ndarray, lines: list[int]) -> np.ndarray:
        """One warehouse line's stock shared among its camps' requests by the scenario's rule."""
        net = self.net
        column = asked[:, None]
        if net.allocation == "priority":
            camps = [self.camp_of[i] for i in lines]
            order = [camps.index(k) for k in net.priority if k in camps]
            return rules.share_by_priority(np.array([available]), column, order)[:, 0]
        if net.allocation == "equal_cover":
            need = self.rows["need"][-1][lines][:, None]
            position = (self.total[lines] + self.pipeline[lines])[:, None]
            return rules.share_equal_cover(np.array([available]), column, need, position)[:, 0]
        return rules.share_proportional(np.array([available]), column)[:, 0]

    def load_trucks(self, day: int, w: int, share: dict, kg: np.ndarray, routes) -> None:
        """Scale each route's load to its capacity, then send the shipments (camps in file order)."""
        sites = self.net.sites
        by_route = loads_by_route(share, sites.line_route)
        for route in np.flatnonzero(routes.origin == w).tolist():
            loads = by_route.get(route)
            if not loads:
                continue
            weight = 0.0
            for j, n, i in loads:
                weight += share[j][1][n] * kg[self.commodity_of[i]]
            factor = float(rules.truck_scale(np.array([weight]), routes.capacity_kg_per_day[route])[0])
            shipped_kg = 0.0
            for j, n, i in loads:
                if factor < 1 and kg[self.commodity_of[i]] > 0:
                    share[j][1][n] = share[j][1][n] * factor
                shipped_kg += share[j][1][n] * kg[self.commodity_of[i]]
            self.route_kg[day, route] = shipped_kg
            cap = routes.capacity_kg_per_day[route]
            self.route_full[day, route] = float(rules.at_capacity(shipped_kg, cap))
        for j, (lines, sent) in share.items():
            for n, i in enumerate(lines):
                quantity = float(sent[n])
                if quantity <= 0:
                    continue
                self.w_total[j] = max(self.w_total[j] - quantity, 0.0)  # rounding never leaves less than nothing
                self.w_daily["dispatched"][day, j] += quantity
                route = int(sites.line_route[i])
                lands = int(self.net.route_land_day[route, min(day + self.transit[day][route], self.days)])
                self.pipeline[i] += quantity
                self.open_orders[i] += 1
                note = f"{self.net.routes.names[route]}, arrives day {lands}"
                self.site_log(day, "dispatch", sites.warehouses[w], self.commodity_of[i], quantity, note=note)
                if lands < self.days:
                    self.shipped_in[lands, i] += quantity
                    arrival = self.env.timeout(lands * TICKS_PER_DAY + GATE_TICK - self.env.now)
                    arrival.callbacks.append(lambda _e, i=i, q=quantity, d=day: self.at_gate[i].append((d, q)))

    def restock(self, tick: int):
        """Warehouses in file order, commodities in file order: order up to the camps' demand from suppliers."""
        net, sites = self.net, self.net.sites
        every = sites.w_review_every_days.tolist()
        for day in range(self.first, self.days):
            yield self.clock(day, tick)
            need = self.rows["need"][day]
            for j in range(len(every)):
                if not every[j] or day % every[j]:
                    continue
                c = int(sites.wline_commodity[j])
                demand = rules.total_requested(need[list(sites.w_supplies[j])]) if sites.w_supplies[j] else 0.0
                target = sites.w_order_up_to_days[j] * demand
                position = np.array([self.w_total[j] + self.w_pipeline[j]])
                balance = float(self.money[c])
                quantity, paid, place = rules.order_quantity(np.array([target]), position, sites.w_capacity[j],
                                                             sites.w_max_order[j], np.array([balance]),
                                                             net.unit_cost_usd[c])  # fmt: skip
                asked = rules.asked_quantity(target, position, sites.w_capacity[j], sites.w_max_order[j])
                if place[0]:
                    self.warehouse_order(day, j, c, float(quantity[0]), float(paid[0]))
                self.w_money_cut(day, j, float(rules.funds_cut(asked, target, np.where(place, quantity, 0.0))[0]),
                                 balance)  # fmt: skip
            self.balance = self.money[sites.line_commodity]

    def warehouse_order(self, day: int, j: int, c: int, q: float, usd: float) -> None:
        """A warehouse line's supplier order, paid from its commodity's balance, on its way."""
        self.money[c] -= usd
        self.w_pipeline[j] += q
        self.w_open[j] += 1
        self.w_daily["ordered"][day, j] += q
        self.w_daily["spent"][day, j] += usd
        lead = self.w_lead[day][j]
        self.site_log(day, "order", self.net.sites.warehouses[self.net.sites.wline_warehouse[j]], c, q, usd,
                      note=f"lead time {lead} days")  # fmt: skip
        self.warehouse_ship(j, day + lead, q, day)

    def w_money_cut(self, day: int, j: int, cut: float, balance_usd: float) -> None:
        """A warehouse line's money cut, as CampModel.money_cut."""
        self.w_daily["funds_cut"][day, j] = cut
        if cut > 0 and not self.w_cut[j]:
            site, c = self.net.sites.warehouses[self.net.sites.wline_warehouse[j]], self.net.sites.wline_commodity[j]
            self.site_log(day, "funds_exhausted", site, int(c), cut, note=funds_note(balance_usd))
        self.w_cut[j] = cut > 0

    def record(self, tick: int):
        """End of day: the camp lines as the single camp, the warehouses and the money."""
        camp_record = super().record(tick)
        event = next(camp_record)
        for day in range(self.first, self.days):
            yield event
            self.w_daily["stock"][day] = self.w_total
            self.w_daily["pipeline"][day] = self.w_pipeline
            self.w_daily["balance"][day] = self.money[self.net.sites.wline_commodity]
            self.money_daily[day] = self.money
            try:
                event = camp_record.send(None)
            except StopIteration:
                return

    # --- the actors a network adds -------------------------------------------------------------

    def warehouse_ship(self, j: int, day_due: int, quantity: float, ordered_on: int) -> None:
        """A supplier delivery to a warehouse: it reaches the gate on its due day or the first open day after."""
        day = int(self.net.w_land_day[j, min(day_due, self.days)])
        if day < self.days:
            arrival = self.env.timeout(day * TICKS_PER_DAY + GATE_TICK - self.env.now)
            arrival.callbacks.append(lambda _e: self.w_gate[j].append((ordered_on, quantity)))

    def warehouse_donation(self, j: int, index: int, day_due: int, quantity: float):
        """A free delivery to a warehouse, on its day or the first open day after."""
        day = int(self.net.w_land_day[j, min(day_due, self.days)])
        if day < self.days:
            yield self.until(day, GATE_TICK)
            self.w_donated[j].append((index, quantity))

    def disruption(self, first: int, length: int, routes, wlines, lines, reason: str):
        """A disruption, for the event log (the plan's closures and landing days do the rest)."""
        yield self.until(first, GATE_TICK - 1)
        sites = self.net.sites
        for r in routes:
            self.events.append(EventRow(first, "route_closed", "", note=f"{reason} ({length} days)",
                                        site=self.net.routes.names[r]))  # fmt: skip
        for j in wlines:
            self.site_log(first, "disruption", sites.warehouses[sites.wline_warehouse[j]],
                          int(sites.wline_commodity[j]), note=reason)  # fmt: skip
        for i in lines:
            self.log(first, "disruption", i, note=reason)


def simulate_network(plan: Plan, draws: NetworkDraws, replication: int | None = None) -> NetworkArrays:
    """Run one replication of a network plan through the SimPy engine."""
    replication = draws.first if replication is None else replication
    result = NetworkModel(plan, draws, replication).run()
    result.first = replication
    return result
