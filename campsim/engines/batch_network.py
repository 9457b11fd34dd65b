"""The batch engine for a network: engines/network.py's day, for many replications at once.

Every step is the SimPy network engine's, on arrays ``[line, replication]``, with the same
rules (model/rules.py) and the same order of floating-point operations, so the two engines
agree to the last bit; tests/test_network_engine.py checks it.
"""

from __future__ import annotations

import numpy as np

from campsim.engines.batch import BatchModel
from campsim.engines.network import loads_by_route
from campsim.model import rules, standards
from campsim.model.outputs import WAREHOUSE_FIELDS, NetworkArrays
from campsim.plan.arrays import Plan
from campsim.plan.draw import NetworkDraws


class BatchNetwork(BatchModel):
    """A network's camp lines as BatchModel, plus per-camp population, warehouses, routes and one budget."""

    def __init__(self, plan: Plan, draws: NetworkDraws) -> None:
        super().__init__(plan, draws)
        net = self.net = plan.network
        sites, days, reps = net.sites, plan.days, self.reps
        # [day, camp, rep]
        self.review_every = [int(x) for x in plan.review_every_days.tolist()]  # 0: a line that never reviews
        self.paths = {name: array for name, array in draws.path.__dict__.items() if name != "incoming"}
        width_w = len(sites.wline_warehouse)
        self.w_total = np.repeat(sites.w_initial_stock[:, None], reps, axis=1).astype(float)
        self.w_pipeline = np.zeros((width_w, reps))
        self.w_open = np.zeros((width_w, reps), dtype=np.int64)
        self.w_landing = np.zeros((days, width_w, reps))  # supplier deliveries landing, summed as ordered
        self.w_landing_count = np.zeros((days, width_w, reps), dtype=np.int64)
        self.w_donated: dict[int, dict[int, float]] = {}
        for j, _, due, quantity in sites.w_donations:
            day = int(net.w_land_day[j, min(due, days)])
            if day < days:
                today = self.w_donated.setdefault(day, {})
                today[j] = today.get(j, 0.0) + quantity
        self.w_daily = {f: np.zeros((days, width_w, reps)) for f in WAREHOUSE_FIELDS}
        self.money = np.zeros((len(sites.commodities), reps))
        self.money_daily = np.zeros((days, len(sites.commodities), reps))
        self.funds_daily = np.zeros((days, len(sites.commodities), reps))
        self.route_kg = np.zeros((days, len(net.routes.names), reps))
        self.route_full = np.zeros((days, len(net.routes.names), reps))
        self.shipped_in = np.zeros((days, len(sites.line_camp), reps))
        self.requests = np.zeros((len(sites.line_camp), reps))
        self.household = net.camps.household_size[sites.line_camp].reshape(-1, 1)
        self.tranche_days: dict[int, list[tuple[int, float]]] = {}
        for day, c, amount in net.tranches:
            self.tranche_days.setdefault(day, []).append((c, amount))

    def run(self) -> NetworkArrays:
        base = super().run()
        return NetworkArrays(
            **base.__dict__,
            camp_population=self.paths,
            warehouses=self.w_daily,
            route_kg=self.route_kg,
            route_at_capacity=self.route_full,
            money=self.money_daily,
            funds=self.funds_daily,
            end_warehouse_pipeline=self.w_pipeline,
            shipped_in=self.shipped_in,
        )

    def _sync_balance(self) -> None:
        self.balance = self.money[self.net.sites.line_commodity]

    # --- the day's phases ----------------------------------------------------------------------

    def population(self, day: int) -> None:
        self.population_path[day] = rules.total_requested(self.paths["population"][day])  # camps in file order
        k = self.net.sites.line_camp
        self.people = self.paths["population"][day][k]  # [line, rep]: each line's camp
        self.arrived = self.paths["accepted"][day][k]

    def funding(self, day: int) -> None:
        for c, amount in self.tranche_days.get(day, ()):
            self.money[c] = self.money[c] + amount
            self.funds_daily[day, c] += amount
            self.daily["funds_received"][day] += np.where(self.net.sites.line_commodity == c, amount, 0.0)[:, None]
        self._sync_balance()

    def receipts(self, day: int) -> None:
        sites = self.net.sites
        for j in range(len(sites.wline_warehouse)):
            if self.w_landing_count[day, j].any():
                count, quantity = self.w_landing_count[day, j], self.w_landing[day, j]
                self.w_open[j] = self.w_open[j] - count
                landed = count > 0
                self.w_pipeline[j] = np.where(landed, np.where(self.w_open[j] > 0, self.w_pipeline[j] - quantity, 0.0),
                                              self.w_pipeline[j])  # fmt: skip
                self._w_shelve(day, j, np.where(landed, quantity, 0.0), landed)
            gift = self.w_donated.get(day, {}).get(j)
            if gift is not None:
                self._w_shelve(day, j, np.full(self.reps, gift), np.ones(self.reps, dtype=bool))
        super().receipts(day)

    def _w_shelve(self, day: int, j: int, quantity: np.ndarray, arrived: np.ndarray) -> None:
        kept, overflow = rules.shelve(quantity, self.w_total[j], self.net.sites.w_capacity[j])
        self.w_total[j] = np.where(arrived, self.w_total[j] + kept, self.w_total[j])
        self.w_daily["received"][day, j] += quantity
        self.w_daily["overflow"][day, j] += np.where(arrived, overflow, 0.0)

    def need_inputs(self, day: int):
        return self.people, self.arrived, self.household

    def review(self, day: int) -> None:
        plan, net, sites = self.plan, self.net, self.net.sites
        self.requests = np.zeros_like(self.requests)
        due = [i for i, every in enumerate(self.review_every) if every and day % every == 0]
        if not due:
            return
        window_sum, window_days = 0.0, 0
        if any(self.kit_lines[i] for i in due):
            first = max(0, day - standards.KIT_NEED_WINDOW_DAYS + 1)
            for d in range(first, day + 1):
                window_sum = window_sum + self.daily["new_need"][d]
            window_days = day - first + 1
        need = self.daily["need"][day]
        target = rules.order_target(self.kits, self.order_up_to_days, need, window_sum, window_days, self.backlog)
        position = self.total + self.pipeline
        asked, _, place = rules.order_quantity(target, position, self.capacity, np.inf, np.inf, 0.0)
        asking = [i for i in due if sites.supplied[i] and not net.route_closed[day, sites.line_route[i]]]
        if asking:
            self.requests[asking] = np.where(place[asking], asked[asking], 0.0)
            self.daily["ordered"][day, asking] += self.requests[asking]
        # direct orders, camps in file order: each pays from the balance the camps before it left
        lines = sorted((i for i in due if plan.ordered[i]), key=lambda i: (int(sites.line_camp[i]), i))
        if lines:
            # all at once as if money were no limit; a line whose cost reaches what is left is redone
            # with that balance (below it, an order does not depend on the balance)
            quantity, paid, ok = rules.order_quantity(target[lines], position[lines], self.capacity[lines],
                                                      self.max_order[lines], np.inf, self.unit_cost[lines])  # fmt: skip
            asked = quantity.copy()  # the orders as if money were no limit: what the rule asked for
            for n, i in enumerate(lines):
                c = sites.line_commodity[i]
                if rules.balance_binds(paid[n], self.money[c], self.unit_cost[i]).any():
                    quantity[n], paid[n], ok[n] = rules.order_quantity(target[i], position[i], self.capacity[i],
                                                                       self.max_order[i], self.money[c],
                                                                       self.unit_cost[i])  # fmt: skip
                paid[n] = np.where(ok[n], paid[n], 0.0)
                self.money[c] = self.money[c] - paid[n]
            quantity = np.where(ok, quantity, 0.0)
            self.daily["funds_cut"][day, lines] = rules.funds_cut(asked, target[lines], quantity)
            self.pipeline[lines] = self.pipeline[lines] + quantity
            self.open_orders[lines] = self.open_orders[lines] + ok
            self.daily["ordered"][day, lines] += quantity
            self.daily["spent"][day, lines] += paid
            self._land(day, lines, self.draws.lead_times_days[day, lines], quantity, ok, plan.land_day[lines])
        self._sync_balance()

    def _land(self, day: int, lines, lead: np.ndarray, quantity: np.ndarray, placed: np.ndarray, land) -> tuple:
        """Book arrivals at distinct camp lines on their landing days (on or after the horizon: never).

        ``lines`` [n]; ``lead``, ``quantity``, ``placed`` [n, rep]; ``land`` [n, day] each
        line's landing day for a due day. A line and replication places at most one order a
        day, so no landing cell is booked twice here. Returns the cells (day, line, rep) booked
        and their quantities.
        """
        days = self.plan.days
        lands = np.take_along_axis(land, np.minimum(day + lead, days), axis=1)
        at, rows = np.nonzero(placed & (lands < days))
        cells = (lands[at, rows], np.asarray(lines)[at], rows)
        booked = quantity[at, rows]
        self.landing[cells] += booked
        self.landing_count[cells] += 1
        self.landing_lines[cells[:2]] = True
        return cells, booked

    def dispatch(self, day: int) -> None:
        net, sites, routes = self.net, self.net.sites, self.net.routes
        if not self.requests.any():
            return
        kg = net.kg_per_unit
        for w in range(len(sites.warehouses)):
            share = {}
            for j in np.flatnonzero(sites.wline_warehouse == w).tolist():
                lines = list(sites.w_supplies[j])
                asked = self.requests[lines]
                if not asked.any():
                    continue
                available = self.w_total[j]
                total = rules.total_requested(asked)
                self.w_daily["requested"][day, j] = total
                self.w_daily["short"][day, j] = total > available
                share[j] = (lines, self._allocate(available, asked, lines, day))
            self._load_trucks(day, w, share, kg, routes)

    def _allocate(self, available: np.ndarray, asked: np.ndarray, lines: list[int], day: int) -> np.ndarray:
        net = self.net
        if net.allocation == "priority":
            camps = [int(net.sites.line_camp[i]) for i in lines]
            return rules.share_by_priority(available, asked, [camps.index(k) for k in net.priority if k in camps])
        if net.allocation == "equal_cover":
            position = self.total[lines] + self.pipeline[lines]
            return rules.share_equal_cover(available, asked, self.daily["need"][day, lines], position)
        return rules.share_proportional(available, asked)

    def _load_trucks(self, day: int, w: int, share: dict, kg: np.ndarray, routes) -> None:
        sites = self.net.sites
        by_route = loads_by_route(share, sites.line_route)
        for route in np.flatnonzero(routes.origin == w).tolist():
            loads = by_route.get(route)
            if not loads:
                continue
            weight = 0.0
            for j, n, i in loads:
                weight = weight + share[j][1][n] * kg[sites.line_commodity[i]]
            factor = rules.truck_scale(weight, routes.capacity_kg_per_day[route])
            shipped = 0.0
            for j, n, i in loads:
                if kg[sites.line_commodity[i]] > 0:
                    share[j][1][n] = np.where(factor < 1, share[j][1][n] * factor, share[j][1][n])
                shipped = shipped + share[j][1][n] * kg[sites.line_commodity[i]]
            self.route_kg[day, route] = shipped
            cap = routes.capacity_kg_per_day[route]
            self.route_full[day, route] = rules.at_capacity(shipped, cap)
        for j, (lines, sent) in share.items():
            moving = sent > 0  # [line, rep]
            for n in range(len(lines)):  # the stock falls line by line, as the SimPy engine takes it
                self.w_total[j] = np.where(moving[n], np.maximum(self.w_total[j] - sent[n], 0.0), self.w_total[j])
                self.w_daily["dispatched"][day, j] += np.where(moving[n], sent[n], 0.0)
            self.pipeline[lines] = np.where(moving, self.pipeline[lines] + sent, self.pipeline[lines])
            self.open_orders[lines] = self.open_orders[lines] + moving
            route = sites.line_route[lines]
            cells, booked = self._land(day, lines, self.draws.transit_days[day, route], sent, moving,
                                       self.net.route_land_day[route])  # fmt: skip
            self.shipped_in[cells] += booked

    def restock(self, day: int) -> None:
        net, sites = self.net, self.net.sites
        every = sites.w_review_every_days
        need = self.daily["need"][day]
        for j in range(len(every)):
            if not every[j] or day % every[j]:
                continue
            c = int(sites.wline_commodity[j])
            supplies = list(sites.w_supplies[j])
            demand = rules.total_requested(need[supplies]) if supplies else np.zeros(self.reps)
            target = sites.w_order_up_to_days[j] * demand
            position = self.w_total[j] + self.w_pipeline[j]
            quantity, paid, ok = rules.order_quantity(
                target, position, sites.w_capacity[j], sites.w_max_order[j], self.money[c], net.unit_cost_usd[c]
            )
            quantity, paid = np.where(ok, quantity, 0.0), np.where(ok, paid, 0.0)
            asked = rules.asked_quantity(target, position, sites.w_capacity[j], sites.w_max_order[j])
            self.w_daily["funds_cut"][day, j] = rules.funds_cut(asked, target, quantity)
            self.money[c] = self.money[c] - paid
            self.w_pipeline[j] = self.w_pipeline[j] + quantity
            self.w_open[j] = self.w_open[j] + ok
            self.w_daily["ordered"][day, j] += quantity
            self.w_daily["spent"][day, j] += paid
            days = self.plan.days
            lands = net.w_land_day[j, np.minimum(day + self.draws.w_lead_times_days[day, j], days)]
            rows = np.flatnonzero(ok & (lands < days))
            self.w_landing[lands[rows], j, rows] += quantity[rows]
            self.w_landing_count[lands[rows], j, rows] += 1
        self._sync_balance()

    def record(self, day: int) -> None:
        super().record(day)
        self.w_daily["stock"][day] = self.w_total
        self.w_daily["pipeline"][day] = self.w_pipeline
        self.w_daily["balance"][day] = self.money[self.net.sites.wline_commodity]
        self.money_daily[day] = self.money


def simulate_network_batch(plan: Plan, draws: NetworkDraws) -> NetworkArrays:
    """Run every replication of ``draws`` through a network's day at once."""
    return BatchNetwork(plan, draws).run()
