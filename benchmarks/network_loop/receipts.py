"""The network loop's receipts and distribution: the day's steps 3 to 5, a mixin of the Network."""

from __future__ import annotations

import math

from benchmarks.network_loop.sites import INF, KEEP, CampLine


class Receipts:
    """Receipts at warehouses and camps, onto the shelf up to capacity, and the camps' distribution."""

    def receive_at_warehouses(self, day: int) -> None:
        """3. warehouse receipts: supplier deliveries (as ordered), then donations."""
        log = self.log
        for w in self.wlines:
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

    def receive_at_camps(self, day: int) -> None:
        """4. camp receipts: shipments (as dispatched) or direct deliveries (as ordered), then donations."""
        log = self.log
        for line in self.lines:
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
