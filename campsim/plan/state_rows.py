"""A captured state written out as rows (state.csv's layout, load/state.py), in the order of the file.

Quantities are kept to the last bit (Python's shortest round-trip float), so a run's state
read back restarts the run where it stood. docs/semantics.md, "State and forecast".
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from campsim.model.state import BACKLOG_NOTE, State, StateRow
from campsim.plan.arrays import Plan
from campsim.plan.state import WAREHOUSE, Start


def households(kits: float, per_household: float) -> float:
    """Kits owed as households: a float that gives ``kits`` back exactly when multiplied by per_household,
    where one within a few units in the last place does (it nearly always does)."""
    guess = kits / per_household
    for candidate in (guess, np.nextafter(guess, np.inf), np.nextafter(guess, -np.inf)):
        if float(candidate) * per_household == kits:
            return float(candidate)
    return guess


def state_of(plan: Plan, start: Start) -> State:
    """The rows of a captured Start of ``plan`` (as_of = the day before start.day)."""
    net = plan.network
    as_of = plan.start + timedelta(days=start.day - 1)

    def date(day: int):
        return plan.start + timedelta(days=int(day))

    if net is None:
        camps, site_of, item_of = [""], [""] * len(plan.lines), list(plan.lines)
        w_site, w_item, routes, items = [], [], (), list(plan.lines)
    else:
        sites = net.sites
        camps, items = list(net.camps.names), list(sites.commodities)
        site_of = [camps[k] for k in sites.line_camp]
        item_of = [items[c] for c in sites.line_commodity]
        w_site = [sites.warehouses[w] for w in sites.wline_warehouse]
        w_item = [items[c] for c in sites.wline_commodity]
        routes = net.routes.names
    rows = [StateRow("as_of", as_of, "", "", 0.0, "end of day")]
    for k, camp in enumerate(camps):
        rows.append(StateRow("population", as_of, camp, "", float(start.people[k]), "people"))
        for i in np.flatnonzero(plan.kits).tolist():
            if site_of[i] == camp:
                owed = households(float(start.backlog[i]), float(plan.per_new_household[i]))
                rows.append(StateRow("population", as_of, camp, item_of[i], owed, BACKLOG_NOTE))
    for i in range(len(plan.lines)):
        if plan.perishable[i] and start.batches[i]:
            rows += [StateRow("stock", date(d), site_of[i], item_of[i], q, "received") for d, q in start.batches[i]]
        else:
            rows.append(StateRow("stock", None, site_of[i], item_of[i], float(start.stock[i]), "on hand"))
    for j in range(len(w_site)):
        rows.append(StateRow("stock", None, w_site[j], w_item[j], float(start.w_stock[j]), "on hand"))
    for row in start.pipeline:
        site, item = (
            (w_site[row.index], w_item[row.index])
            if row.site == WAREHOUSE
            else (site_of[row.index], item_of[row.index])
        )
        note = f"shipment {routes[row.route]}" if row.what == "shipment" else row.what
        rows.append(StateRow("pipeline", date(row.due), site, item, float(row.quantity), note))
    for c, item in enumerate(items):
        rows.append(StateRow("balance", as_of, "", item, float(start.money[c]), "US$ left"))
    ordering = plan.kits & (plan.review_every_days > 0)
    for d in sorted(start.kit_need):
        for i in np.flatnonzero(ordering).tolist():
            rows.append(
                StateRow(
                    "kit_need", date(d), site_of[i], item_of[i], float(start.kit_need[d][i]), "new households' kits"
                )
            )
    return State(as_of=as_of, rows=tuple(rows), source="captured")
