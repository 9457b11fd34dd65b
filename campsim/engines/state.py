"""A model's state at the end of a day, taken out (capture) and put back (restore).

``capture`` steps the batch engine (bit for bit the SimPy one) through the days up to and
including ``as_of`` and reads replication 0's state as a plan.state.Start: stock by receipt
day, the pipeline by landing day, people, kit backlog, money, the kits' recent need.
``restore`` puts a Start into a freshly built model of any of the four engines before it
runs; the model then steps from ``start.day`` on (its ``first`` day), on a restart plan
(plan/state.py) whose tranches, donations and closures before that day are gone.

Receipts sum in the SimPy engine's order: a state's deliveries (dated as ordered on as_of)
before the forecast's own, ordered by quantity as the gate sorts them; a state's
donations (numbered below the scenario's) before the scenario's.
"""

from __future__ import annotations

import numpy as np

from campsim.engines.batch import BatchModel, PerishableStock
from campsim.engines.des import CampModel
from campsim.engines.stock import Stock
from campsim.model.day import GATE_TICK, PHASES, TICKS_PER_DAY
from campsim.model.standards import KIT_NEED_WINDOW_DAYS
from campsim.plan.arrays import Plan
from campsim.plan.draw import Draws
from campsim.plan.state import CAMP, WAREHOUSE, Arrival, Restart, Start

# --- out -------------------------------------------------------------------------------------


def capture(plan: Plan, draws: Draws, as_of: int) -> Start:
    """Replication ``draws.first``'s state at the end of day ``as_of`` (0 <= as_of < plan.days - 1)."""
    if plan.network is not None:
        from campsim.engines.batch_network import BatchNetwork

        model = BatchNetwork(plan, draws)
    else:
        model = BatchModel(plan, draws)
    steps = [getattr(model, phase.name) for phase in PHASES]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for day in range(as_of + 1):
            for step in steps:
                step(day)
    return _start_of_model(plan, model, as_of)


def _start_of_model(plan: Plan, model: BatchModel, as_of: int) -> Start:
    net, days, later = plan.network, plan.days, slice(as_of + 1, None)
    batches = []
    for i in range(len(plan.lines)):
        stock = model.perishable.get(i)
        rows = (
            ()
            if stock is None
            else tuple(
                (d, float(stock.rows[d - stock.origin, 0]))
                for d in range(stock.oldest, as_of + 1)
                if stock.rows[d - stock.origin, 0] > 0
            )
        )
        batches.append(rows)
    pipeline = []
    supplied = np.zeros(len(plan.lines), dtype=bool) if net is None else net.sites.supplied
    for i in range(len(plan.lines)):
        what = "shipment" if supplied[i] else "order"
        route = -1 if net is None else int(net.sites.line_route[i])
        pipeline += _landing(
            CAMP,
            i,
            what,
            route,
            model.landing[later, i, 0],
            model.landing_count[later, i, 0],
            model.open_orders[i, 0],
            model.pipeline[i, 0],
            as_of,
            days,
        )
    for i, _, due, quantity in plan.donations:
        land = int(plan.land_day[i, due]) if due < days else days
        if due <= as_of < land:
            pipeline.append(Arrival(CAMP, i, quantity, "donation", land))
    people = np.array([model.people[0]])
    money = model.balance[:, 0].copy()
    w_stock = np.zeros(0)
    if net is not None:
        people = model.paths["population"][as_of, :, 0].copy()
        money = model.money[:, 0].copy()
        w_stock = model.w_total[:, 0].copy()
        for j in range(len(w_stock)):
            pipeline += _landing(
                WAREHOUSE,
                j,
                "order",
                -1,
                model.w_landing[later, j, 0],
                model.w_landing_count[later, j, 0],
                model.w_open[j, 0],
                model.w_pipeline[j, 0],
                as_of,
                days,
            )
        for j, _, due, quantity in net.sites.w_donations:
            land = int(net.w_land_day[j, min(due, days)])
            if due <= as_of < land:
                pipeline.append(Arrival(WAREHOUSE, j, quantity, "donation", land))
    window = range(max(0, as_of - KIT_NEED_WINDOW_DAYS + 1), as_of + 1)
    return Start(
        day=as_of + 1,
        people=people.astype(float),
        stock=model.total[:, 0].copy(),
        batches=tuple(batches),
        backlog=model.backlog[:, 0].copy(),
        money=money,
        kit_need={d: model.daily["new_need"][d, :, 0].copy() for d in window},
        w_stock=w_stock,
        pipeline=tuple(pipeline),
    )


def _landing(site, index, what, route, landing, count, open_orders, pipeline, as_of, days) -> list[Arrival]:
    """A line's pipeline rows: one per landing day after as_of, and what lands after the horizon (dated its end)."""
    rows = [Arrival(site, index, float(landing[k]), what, as_of + 1 + k, route) for k in np.flatnonzero(count).tolist()]
    never = int(open_orders) - int(count.sum())
    if never > 0:
        rest = float(pipeline)
        for row in rows:
            rest -= row.quantity
        rows.append(Arrival(site, index, max(rest, 0.0), what, days, route))
    return rows


# --- in --------------------------------------------------------------------------------------


def _donation_order(start: Start) -> dict[int, int]:
    """A state donation's number: below the scenario's (0, 1, ...), in row order."""
    rows = [k for k, row in enumerate(start.pipeline) if row.what == "donation"]
    return {k: n - len(rows) for n, k in enumerate(rows)}


def restore_des(model: CampModel, restart: Restart, replication: int) -> None:
    """Put a state into a SimPy model (single camp or network) built on the restart plan."""
    start, r = restart.start, replication - restart.first
    day, width = start.day, len(model.names)
    model.first = day
    model.people = float(start.people.sum())
    model.total = start.stock.astype(float)
    for i in model.batches:
        model.batches[i] = Stock()
        for received, quantity in start.batches[i]:
            model.batches[i].add(received, quantity)
    model.backlog = start.backlog.astype(float)
    zeros = np.zeros(width)
    for name in model.rows:
        model.rows[name] = [start.kit_need.get(d, zeros) if name == "new_need" else zeros for d in range(day)]
    network = getattr(model, "net", None) is not None
    if network:
        model.money = start.money.astype(float)
        model.balance = model.money[model.net.sites.line_commodity]
        model.w_total = start.w_stock.astype(float)
    else:
        model.balance = start.money.astype(float)
    gifts = _donation_order(start)
    for k, row in enumerate(start.pipeline):
        land, q, i = int(restart.land[k, r]), row.quantity, row.index
        if row.what != "donation":
            if row.site == WAREHOUSE:
                model.w_pipeline[i] += q
                model.w_open[i] += 1
                book = "w_gate"
            else:
                model.pipeline[i] += q
                model.open_orders[i] += 1
                book = "at_gate"
                if row.what == "shipment" and land < model.days:
                    model.shipped_in[land, i] += q
            entry = (day - 1, q)
        else:
            book = "w_donated" if row.site == WAREHOUSE else "donated"
            entry = (gifts[k], q)
        if land < model.days:
            event = model.env.timeout(land * TICKS_PER_DAY + GATE_TICK - model.env.now)
            # the receipts phase swaps in fresh lists each day: look the list up when the row lands
            event.callbacks.append(lambda _e, book=book, i=i, entry=entry: getattr(model, book)[i].append(entry))


def restore_batch(model: BatchModel, restart: Restart) -> None:
    """Put a state into a batch model (single camp or network) built on the restart plan."""
    start, plan = restart.start, model.plan
    day, reps, days = start.day, model.reps, plan.days
    model.first = day

    def each(values: np.ndarray) -> np.ndarray:
        return np.repeat(values.astype(float)[:, None], reps, axis=1)

    model.people = np.full(reps, float(start.people.sum()))
    model.total = each(start.stock)
    for i in model.perishable:
        oldest = start.batches[i][0][0] if start.batches[i] else day
        stock = model.perishable[i] = PerishableStock(plan.days, np.zeros(reps), origin=min(oldest, 0))
        for received, quantity in start.batches[i]:
            stock.rows[received - stock.origin] += quantity
        stock.oldest = oldest
    model.backlog = each(start.backlog)
    for d, need in start.kit_need.items():
        model.daily["new_need"][d] = need[:, None]
    network = getattr(model, "net", None) is not None
    if network:
        model.money = each(start.money)
        model._sync_balance()
        model.w_total = each(start.w_stock)
    else:
        model.balance = each(start.money)
    cols = np.arange(reps)
    for row in start.pipeline:  # the pipeline adds up in row order, as the SimPy engine's
        if row.what == "donation":
            continue
        if row.site == WAREHOUSE:
            model.w_pipeline[row.index] += row.quantity
            model.w_open[row.index] += 1
        else:
            model.pipeline[row.index] += row.quantity
            model.open_orders[row.index] += 1
    # landings booked by quantity, the order the SimPy gate sums them in
    for k in sorted(range(len(start.pipeline)), key=lambda k: start.pipeline[k].quantity):
        row = start.pipeline[k]
        land = restart.land[k]
        hit = land < days
        if row.what == "donation" or not hit.any():
            continue
        cells = (land[hit], row.index, cols[hit])
        if row.site == WAREHOUSE:
            model.w_landing[cells] += row.quantity
            model.w_landing_count[cells] += 1
        else:
            model.landing[cells] += row.quantity
            model.landing_count[cells] += 1
            model.landing_lines[land[hit], row.index] = True
            if row.what == "shipment":
                model.shipped_in[cells] += row.quantity
    _book_donations(model, restart)


def _book_donations(model: BatchModel, restart: Restart) -> None:
    """The donations landing by day and line ([rep] arrays): the state's in row order, then the scenario's."""
    start, plan, reps, days = restart.start, model.plan, model.reps, model.plan.days
    camp: dict[int, dict[int, np.ndarray]] = {}
    warehouse: dict[int, dict[int, np.ndarray]] = {}
    for k, row in enumerate(start.pipeline):
        if row.what != "donation":
            continue
        book = warehouse if row.site == WAREHOUSE else camp
        for land in np.unique(restart.land[k]).tolist():
            if land < days:
                today = book.setdefault(land, {})
                today[row.index] = today.get(row.index, np.zeros(reps)) + np.where(
                    restart.land[k] == land, row.quantity, 0.0
                )
    if not camp and not warehouse:
        return
    for line, _, due, quantity in plan.donations:
        land = int(plan.land_day[line, due])
        if land < days:
            today = camp.setdefault(land, {})
            today[line] = today.get(line, np.zeros(reps)) + quantity
    model.donated = camp
    if getattr(model, "net", None) is not None:
        for j, _, due, quantity in model.net.sites.w_donations:
            land = int(model.net.w_land_day[j, min(due, days)])
            if land < days:
                today = warehouse.setdefault(land, {})
                today[j] = today.get(j, np.zeros(reps)) + quantity
        model.w_donated = warehouse
