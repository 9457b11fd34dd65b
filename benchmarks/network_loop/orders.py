"""The network loop's orders: the day's steps 7 to 9 (camp reviews, dispatch, warehouse ordering), a mixin."""

from __future__ import annotations

from benchmarks.network_loop.allocation import share_by_priority, share_equal_cover, share_proportional
from benchmarks.network_loop.sites import KEEP, CampLine, Route, WarehouseLine, landing, rowsum
from benchmarks.scalar_loop import KIT_NEED_WINDOW_DAYS, SHORTAGE_RTOL


class Orders:
    """Camp reviews (requests or direct orders), dispatch under the allocation rule and truck capacity, restock."""

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
        asked = quantity
        paid = quantity * line.unit_cost
        balance = self.money[line.c]
        if paid >= balance and line.unit_cost > 0:  # money caps the order: spend exactly the balance
            quantity, paid = balance / line.unit_cost, balance
        placed = quantity > dust
        if placed:
            self.direct_order(line, day, quantity, paid)
        self.money_cut(line, line.camp.name, day, asked, dust, quantity if placed else 0.0, balance)

    def money_cut(self, line, site: str, day: int, asked: float, dust: float, bought: float, balance: float) -> None:
        """Record what money took off a review's order; log the first review of a run of cut ones."""
        cut = asked - bought if asked > dust and bought < asked * KEEP else 0.0
        line.rec["funds_cut"][day] = cut
        if cut > 0 and not line.cut:
            self.log(day, "funds_exhausted", line.item, site, cut, note=f"balance {balance:.2f} USD before the order")
        line.cut = cut > 0

    def direct_order(self, line: CampLine, day: int, quantity: float, paid: float) -> None:
        """A camp's direct order, paid from the commodity's balance, on its way."""
        rec = line.rec
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
                sent = share_by_priority(self.s.priority, available, w.supplies, asked)
            elif self.s.allocation == "equal_cover":
                sent = share_equal_cover(available, asked, [x.rec["need"][day] for x in w.supplies],
                                         [x.stock + x.pipeline for x in w.supplies])  # fmt: skip
            else:
                sent = share_proportional(available, asked, total)
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

    def restock(self, w: WarehouseLine, day: int) -> None:
        """Order up to order_up_to_days x the camps' need today, capped by capacity, max_order and the balance."""
        demand = rowsum(line.rec["need"][day] for line in w.supplies)
        target = w.ordering.order_up_to_days * demand
        quantity = asked = min(min(target, w.capacity) - (w.stock + w.pipeline), w.max_order)
        cost = self.s.commodities[w.item].unit_cost_usd
        paid = quantity * cost
        balance = self.money[w.c]
        if paid >= balance and cost > 0:
            quantity, paid = balance / cost, balance
        dust = max(SHORTAGE_RTOL * target, 0.0)
        if quantity > dust:
            self.supplier_order(w, day, quantity, paid)
        self.money_cut(w, w.name, day, asked, dust, quantity if quantity > dust else 0.0, balance)

    def supplier_order(self, w: WarehouseLine, day: int, quantity: float, paid: float) -> None:
        """A warehouse's supplier order, paid from the commodity's balance, on its way."""
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
