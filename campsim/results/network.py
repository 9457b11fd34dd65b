"""A network run's figures: the summary (network totals, camps, warehouses, routes) and its tables.

The per-camp figures are the single camp's (metrics.commodity_metrics on each camp line, with
the camp's own population); the network's are defined over them as docs/semantics.md,
"Camp networks", states: sums, days on which any camp had the condition, shares weighted by
person-days, the one budget per commodity.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from campsim.model.outputs import NetworkArrays
from campsim.plan.arrays import Plan
from campsim.results.metrics import (
    KIT_KEYS,
    commodity_metrics,
    critical_mask,
    day_dates,
    day_sums,
    first_days,
    kit_keys,
    kit_waits,
    last_review_cut,
    longest_runs,
    runs_by_column,
    shortage_mask,
)
from campsim.results.summary import FUNDING_KEYS, HEAD_KEYS, METRIC_KEYS, funding_totals
from campsim.results.tables import DAILY_COLUMNS, DAILY_EXTRA_COLUMNS, EVENT_COLUMNS, day_stamps

MONEY_KEYS = ("requirement_usd", "received_usd", "spent_usd", "balance_usd", "requirement_source")
SUMMED = ("need", "distributed", "shortfall", "shortfall_person_days", "unmet_cost_usd")
WAREHOUSE_COLUMNS = ["day", "date", "warehouse", "commodity", "stock", "pipeline", "received", "requested",
                     "dispatched", "ordered", "spent", "balance"]  # fmt: skip


def _camp_lines(plan: Plan, k: int) -> list[int]:
    return [i for i, camp in enumerate(plan.network.sites.line_camp.tolist()) if camp == k]


def _columns(values) -> list:
    """A [replication] array as Python floats (fast to index, JSON-ready)."""
    return np.asarray(values, dtype=float).tolist()


def buying_line(plan: Plan, arrays: NetworkArrays, i: int) -> tuple[np.ndarray, int]:
    """(funds_cut [day, replication], review period) of the line whose money buys for camp line i:
    its own direct orders, or the warehouse line that supplies it (a line with neither: never cut)."""
    sites = plan.network.sites
    if plan.ordered[i]:
        return arrays.line("funds_cut", i), int(plan.review_every_days[i])
    for j, supplied in enumerate(sites.w_supplies):
        if i in supplied:
            return arrays.warehouses["funds_cut"][:, j, :], int(sites.w_review_every_days[j])
    return np.zeros(arrays.line("funds_cut", i).shape), 0


def line_metrics(plan: Plan, arrays: NetworkArrays, dates: np.ndarray) -> dict[int, list[dict[str, Any]]]:
    """Every camp line's single-camp metrics, for all replications at once, with its camp's people."""
    net = plan.network
    out = {}
    for i, k in enumerate(net.sites.line_camp.tolist()):
        people = arrays.camp_population["population"][:, k, :]
        metrics = commodity_metrics(plan, i, arrays, dates, people, float(net.camps.household_size[k]),
                                    buying_line(plan, arrays, i))  # fmt: skip
        sums = {key: _columns(day_sums(arrays.line(field, i))) for key, field in
                (("_received", "received"), ("_ordered", "ordered"), ("_spent", "spent"))}  # fmt: skip
        for r, m in enumerate(metrics):
            for key, column in sums.items():
                m[key] = column[r]
        out[i] = metrics
    return out


def camp_summaries(plan: Plan, arrays: NetworkArrays, lines: dict) -> list[dict[str, Any]]:
    """camps.NAME of every replication: population and the single camp's keys per commodity (money kept out)."""
    net, sites = plan.network, plan.network.sites
    pop = arrays.camp_population
    people = pop["population"]
    population = {
        "final": _columns(people[-1]),  # [camp][rep]
        "peak": _columns(np.max(people, axis=0)),
        **{key: [_columns(day_sums(pop[field][:, k, :])) for k in range(len(net.camps.names))]
           for key, field in (("arrivals", "accepted"), ("departures", "departures"), ("turned_away", "turned_away"),
                              ("overflow_in", "overflow_in"), ("overflow_out", "overflow_out"))},
    }  # fmt: skip
    end_pipeline = arrays.end_pipeline.tolist()  # [line][rep]
    out = []
    for r in range(arrays.replications):
        camps = {}
        for k, name in enumerate(net.camps.names):
            commodities = {}
            for i in _camp_lines(plan, k):
                got = lines[i][r]
                keys = {key: got[key] for key in METRIC_KEYS if key not in MONEY_KEYS}
                keys["received"] = got["_received"]
                keys["requested"] = got["_ordered"] if sites.supplied[i] else 0.0
                keys["end_pipeline"] = 0.0 if sites.supplied[i] else float(end_pipeline[i][r])
                keys["end_in_transit"] = float(end_pipeline[i][r]) if sites.supplied[i] else 0.0
                if plan.ordered[i]:
                    keys["spent_usd"] = got["_spent"]
                commodities[sites.commodities[sites.line_commodity[i]]] = keys
            camps[name] = {
                "population": {
                    "initial": float(net.camps.initial_people[k]),
                    "final": population["final"][k][r],
                    "arrivals": population["arrivals"][k][r],
                    "departures": population["departures"][k][r],
                    "peak": population["peak"][k][r],
                    "turned_away": population["turned_away"][k][r],
                    "overflow_in": population["overflow_in"][k][r],
                    "overflow_out": population["overflow_out"][k][r],
                },
                "commodities": commodities,
            }
        out.append(camps)
    return out


def _network_commodity(plan: Plan, arrays: NetworkArrays, c: int, camps: list, dates) -> list[dict[str, Any]]:
    """commodities.X of every replication: network totals over the camps that take it."""
    net = plan.network
    name = net.sites.commodities[c]
    lines = [i for i, cc in enumerate(net.sites.line_commodity.tolist()) if cc == c]
    wlines = [j for j, cc in enumerate(net.sites.wline_commodity.tolist()) if cc == c]
    camp_of = [net.camps.names[net.sites.line_camp[i]] for i in lines]
    reps = arrays.replications
    shape = (len(dates), reps)
    short, breaks, cut = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    funds_out, money_cut = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    waits = {key: np.zeros(reps) for key in ("owed", "waited", "kit_days")} | {"longest": np.zeros(reps, dtype=int)}
    delivered = np.zeros(reps)
    people_short = np.zeros(shape)
    at_standard, below, person_days = np.zeros(reps), np.zeros(reps), np.zeros(reps)
    received, spent, overflow = np.zeros(reps), np.zeros(reps), np.zeros(reps)
    for i in lines:
        k = int(net.sites.line_camp[i])
        people = arrays.camp_population["population"][:, k, :]
        need, given = arrays.line("need", i), arrays.line("distributed", i)
        mask = shortage_mask(need, given)
        short |= mask
        breaks |= arrays.line("stockout", i) > 0
        cut |= arrays.line("ration_level", i) < 1
        bought, every = buying_line(plan, arrays, i)
        funds_out |= (arrays.line("stockout", i) > 0) & last_review_cut(bought, every, plan.first_day)
        money_cut |= arrays.line("funds_cut", i) > 0  # a direct order's (0 on a supplied line)
        received = received + (day_sums(arrays.line("received", i)) - day_sums(arrays.shipped_in[:, i, :]))
        spent = spent + day_sums(arrays.line("spent", i))
        if plan.kits[i]:
            kits = plan.per_new_household[i]  # 0 kits a household: nobody waits for one (as for a single camp)
            if kits:
                people_short += arrays.line("shortfall", i) / kits * net.camps.household_size[k]
            got = kit_waits(arrays.line("new_need", i), given, arrays.line("shortfall", i))
            waits = {key: np.maximum(waits[key], got[key]) if key == "longest" else waits[key] + got[key]
                     for key in waits}  # fmt: skip
            delivered = delivered + day_sums(given)
        else:
            people_short += np.where(mask, people, 0.0)
            person_days = person_days + day_sums(people)
            at_standard = at_standard + day_sums(np.where(mask, 0.0, people))
            critical = critical_mask(plan.critical_per_person_day[i], need, given, people)
            below = below + day_sums(np.where(critical, people, 0.0))
    w = arrays.warehouses
    for j in wlines:
        money_cut |= w["funds_cut"][:, j, :] > 0
        received = received + day_sums(w["received"][:, j, :])
        spent = spent + day_sums(w["spent"][:, j, :])
        overflow = overflow + day_sums(w["overflow"][:, j, :])
    w_end_stock = w["stock"][-1][wlines].sum(axis=0) if wlines else np.zeros(reps)
    w_pipeline = arrays.end_warehouse_pipeline[wlines].sum(axis=0) if wlines else np.zeros(reps)
    kits = bool(lines and plan.kits[lines[0]])
    per_new_household = float(plan.per_new_household[lines[0]]) if kits else 0.0
    kit_columns = {key: np.asarray(v).tolist() for key, v in kit_keys(waits, delivered, per_new_household).items()}
    no_critical = kits or np.isnan(plan.critical_per_person_day[lines]).all()
    columns = {
        "received": _columns(received), "spent_usd": _columns(spent), "w_overflow": _columns(overflow),
        "w_end_stock": _columns(w_end_stock), "w_pipeline": _columns(w_pipeline),
        "shortage_days": short.sum(axis=0).tolist(), "longest": longest_runs(short).tolist(),
        "ration_cut_days": cut.sum(axis=0).tolist(), "pipeline_break_days": breaks.sum(axis=0).tolist(),
        "peak": _columns(np.where(short.any(axis=0), people_short.max(axis=0, initial=0.0), 0.0)),
        "at_standard": _columns(at_standard), "below": _columns(below), "person_days": _columns(person_days),
        "received_usd": _columns(day_sums(arrays.funds[:, c, :])), "balance_usd": _columns(arrays.money[-1, c, :]),
        "funds_exhausted_days": funds_out.sum(axis=0).tolist(),
    }  # fmt: skip
    first, first_cut, break_runs = first_days(short), first_days(cut), runs_by_column(breaks)
    first_money = first_days(money_cut)
    initial_stock = float(plan.initial_stock[lines].sum() + net.sites.w_initial_stock[wlines].sum())
    out = []
    for r in range(reps):
        per_camp = [camps[r][camp]["commodities"][name] for camp in camp_of]
        got = {key: float(sum(m[key] for m in per_camp)) for key in SUMMED}
        col = {key: values[r] for key, values in columns.items()}
        causes = [(m["first_shortage_day"], n, m["first_shortage_cause"]) for n, m in enumerate(per_camp)
                  if m["first_shortage_day"] is not None]  # fmt: skip
        person_days_r = col["person_days"]
        got.update(
            unit=plan.units[lines[0]] if lines else "",
            kind="per_new_household" if kits else "per_person_day",
            coverage=got["distributed"] / got["need"] if got["need"] > 0 else 1.0,
            shortage_days=int(col["shortage_days"]),
            first_shortage_day=first[r],
            first_shortage_date=None if first[r] is None else dates[first[r]],
            longest_shortage_days=int(col["longest"]),
            min_ration=float(min((m["min_ration"] for m in per_camp), default=1.0)),
            initial_stock=initial_stock,
            received=col["received"],
            spoiled=float(sum(m["spoiled"] for m in per_camp)),
            overflow=float(sum(m["overflow"] for m in per_camp) + col["w_overflow"]),
            end_stock=float(sum(m["end_stock"] for m in per_camp) + col["w_end_stock"]),
            end_pipeline=float(sum(m["end_pipeline"] for m in per_camp) + col["w_pipeline"]),
            end_in_transit=float(sum(m["end_in_transit"] for m in per_camp)),
            ration_cut_days=int(col["ration_cut_days"]),
            first_ration_cut_date=None if first_cut[r] is None else dates[first_cut[r]],
            first_shortage_cause=min(causes)[2] if causes else None,
            peak_people_short=col["peak"],
            share_person_days_at_standard=None
            if kits
            else (col["at_standard"] / person_days_r if person_days_r else 1.0),  # fmt: skip
            share_person_days_below_critical=None
            if no_critical
            else (col["below"] / person_days_r if person_days_r else 0.0),  # fmt: skip
            pipeline_break_days=int(col["pipeline_break_days"]),
            funds_exhausted_days=int(col["funds_exhausted_days"]),
            funds_exhausted_first_date=None if first_money[r] is None else dates[first_money[r]],
            requirement_source=net.requirement_source[c],
            **{key: kit_columns[key][r] if kits else None for key in KIT_KEYS},
            pipeline_breaks=[{"start": dates[a], "end": dates[a + n - 1], "days": n} for a, n in break_runs[r]],
            requirement_usd=float(net.requirement_usd[c]),
            received_usd=col["received_usd"],
            spent_usd=col["spent_usd"],
            balance_usd=col["balance_usd"],
        )
        out.append({key: got[key] for key in (*METRIC_KEYS, "end_in_transit")})
    return out


def summarize_network(plan: Plan, arrays: NetworkArrays, seed: int) -> list[dict[str, Any]]:
    """The summary.json of each replication of a network run.

    Every figure is computed for all replications at once (columns over replications); only
    the assembly of each replication's dict is a loop, so the cost per replication is a few
    hundred dict entries, not a pass over its days.
    """
    net = plan.network
    dates = day_dates(plan.start, plan.days)
    camps = camp_summaries(plan, arrays, line_metrics(plan, arrays, dates))
    commodities = {name: _network_commodity(plan, arrays, c, camps, dates)
                   for c, name in enumerate(net.sites.commodities)}  # fmt: skip
    warehouses, routes = warehouse_summaries(plan, arrays), route_summaries(plan, arrays)
    total = arrays.camp_population["population"].sum(axis=1)  # [day, rep]
    final, peak = _columns(total[-1]), _columns(total.max(axis=0))
    head = dict(zip(HEAD_KEYS, (plan.name, plan.start.isoformat(), dates[-1], plan.days, seed, plan.deterministic, 1),
                    strict=True))  # fmt: skip
    out = []
    for r in range(arrays.replications):
        sites = camps[r].values()
        by_commodity = {name: values[r] for name, values in commodities.items()}
        out.append({
            **head,
            "population": {
                "initial": float(net.camps.initial_people.sum()),
                "final": final[r],
                "arrivals": float(sum(c["population"]["arrivals"] for c in sites)),
                "departures": float(sum(c["population"]["departures"] for c in sites)),
                "peak": peak[r],
                "turned_away": float(sum(c["population"]["turned_away"] for c in sites)),
            },
            "commodities": by_commodity,
            "funding": {key: funding_totals(by_commodity)[key] for key in FUNDING_KEYS},
            "camps": camps[r],
            "warehouses": warehouses[r],
            "routes": routes[r],
        })  # fmt: skip
    return out


def warehouse_summaries(plan: Plan, arrays: NetworkArrays) -> list[dict[str, Any]]:
    """warehouses.NAME.commodities.X of every replication."""
    sites = plan.network.sites
    w = arrays.warehouses
    summed = {key: [_columns(day_sums(w[key][:, j, :])) for j in range(len(sites.wline_warehouse))]
              for key in ("received", "requested", "dispatched", "overflow", "spent")}  # fmt: skip
    end_stock, end_pipeline = w["stock"][-1].tolist(), arrays.end_warehouse_pipeline.tolist()
    short_days = w["short"].sum(axis=0).tolist()  # [wline][rep]
    out = []
    for r in range(arrays.replications):
        got: dict[str, Any] = {name: {"commodities": {}} for name in sites.warehouses}
        for j, (k, c) in enumerate(zip(sites.wline_warehouse, sites.wline_commodity, strict=True)):
            got[sites.warehouses[k]]["commodities"][sites.commodities[c]] = {
                "initial_stock": float(sites.w_initial_stock[j]),
                "received": summed["received"][j][r],
                "requested": summed["requested"][j][r],
                "dispatched": summed["dispatched"][j][r],
                "overflow": summed["overflow"][j][r],
                "end_stock": float(end_stock[j][r]),
                "end_pipeline": float(end_pipeline[j][r]),
                "spent_usd": summed["spent"][j][r],
                "short_days": int(short_days[j][r]),
            }
        out.append(got)
    return out


def route_summaries(plan: Plan, arrays: NetworkArrays) -> list[dict[str, Any]]:
    """routes.NAME of every replication."""
    routes, net = plan.network.routes, plan.network
    kg = [_columns(day_sums(arrays.route_kg[:, i, :])) for i in range(len(routes.names))]
    at_capacity = arrays.route_at_capacity.sum(axis=0).tolist()  # [route][rep]
    closed = [int((net.route_closed[:, i] > 0).sum()) for i in range(len(routes.names))]
    return [
        {name: {"shipped_kg": kg[i][r], "transport_usd": kg[i][r] * float(routes.cost_usd_per_kg[i]),
                "days_at_capacity": int(at_capacity[i][r]), "closed_days": closed[i]}
         for i, name in enumerate(routes.names)}
        for r in range(arrays.replications)
    ]  # fmt: skip


def network_daily_frame(plan: Plan, arrays: NetworkArrays, replication: int = 0) -> pd.DataFrame:
    """daily.csv of a network: day, date, camp, commodity, then the single camp's columns."""
    from campsim.results.tables import daily_frame

    frame = daily_frame(plan, arrays, replication)
    net = plan.network
    lines = len(plan.lines)
    camp = [net.camps.names[k] for k in net.sites.line_camp]
    frame["commodity"] = np.tile(np.array([net.sites.commodities[c] for c in net.sites.line_commodity],
                                          dtype=object), plan.days)  # fmt: skip
    frame.insert(2, "camp", np.tile(np.array(camp, dtype=object), plan.days))
    k = np.tile(net.sites.line_camp, plan.days)
    r = replication - arrays.first
    frame["population"] = arrays.camp_population["population"][:, :, r][np.repeat(np.arange(plan.days), lines), k]
    frame["arrivals"] = arrays.camp_population["accepted"][:, :, r][np.repeat(np.arange(plan.days), lines), k]
    frame["departures"] = arrays.camp_population["departures"][:, :, r][np.repeat(np.arange(plan.days), lines), k]
    return frame[["day", "date", "camp", *DAILY_COLUMNS[2:], *DAILY_EXTRA_COLUMNS]]


def warehouses_frame(plan: Plan, arrays: NetworkArrays, replication: int = 0) -> pd.DataFrame:
    """warehouses.csv: one row per day, warehouse and commodity it holds."""
    sites = plan.network.sites
    width = len(sites.wline_warehouse)
    r = replication - arrays.first
    frame = pd.DataFrame({
        "day": np.repeat(np.arange(plan.days), width),
        "date": np.repeat(day_stamps(plan.start, plan.days), width),
        "warehouse": np.tile(np.array([sites.warehouses[w] for w in sites.wline_warehouse], dtype=object), plan.days),
        "commodity": np.tile(np.array([sites.commodities[c] for c in sites.wline_commodity], dtype=object), plan.days),
        **{f: arrays.warehouses[f][:, :, r].reshape(-1) for f in WAREHOUSE_COLUMNS[4:]},
    })  # fmt: skip
    return frame[WAREHOUSE_COLUMNS]


def network_events_frame(plan: Plan, arrays: NetworkArrays) -> pd.DataFrame:
    """events.csv of a network: the single camp's columns and the site."""
    rows = [(e.day, None, e.kind, e.site, e.commodity, e.quantity, e.cost_usd, e.note) for e in arrays.events]
    columns = [*EVENT_COLUMNS[:3], "site", *EVENT_COLUMNS[3:]]
    frame = pd.DataFrame(rows, columns=columns).astype({"day": int, "quantity": float, "cost_usd": float})
    frame["date"] = day_stamps(plan.start, frame["day"].to_numpy())
    return frame
