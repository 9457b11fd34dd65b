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
    commodity_metrics,
    critical_mask,
    day_dates,
    day_sums,
    first_days,
    longest_runs,
    runs_by_column,
    shortage_mask,
)
from campsim.results.summary import FUNDING_KEYS, HEAD_KEYS, METRIC_KEYS, funding_totals
from campsim.results.tables import DAILY_COLUMNS, DAILY_EXTRA_COLUMNS, EVENT_COLUMNS

MONEY_KEYS = ("requirement_usd", "received_usd", "spent_usd", "balance_usd")
SUMMED = ("need", "distributed", "shortfall", "shortfall_person_days", "unmet_cost_usd")
WAREHOUSE_COLUMNS = ["day", "date", "warehouse", "commodity", "stock", "pipeline", "received", "requested",
                     "dispatched", "ordered", "spent", "balance"]  # fmt: skip


def _camp_lines(plan: Plan, k: int) -> list[int]:
    return [i for i, camp in enumerate(plan.network.sites.line_camp.tolist()) if camp == k]


def line_metrics(plan: Plan, arrays: NetworkArrays, dates: np.ndarray) -> dict[int, list[dict[str, Any]]]:
    """Every camp line's single-camp metrics, for all replications at once, with its camp's people."""
    net = plan.network
    out = {}
    for i, k in enumerate(net.sites.line_camp.tolist()):
        people = arrays.camp_population["population"][:, k, :]
        metrics = commodity_metrics(plan, i, arrays, dates, people, float(net.camps.household_size[k]))
        received, ordered = day_sums(arrays.line("received", i)), day_sums(arrays.line("ordered", i))
        spent = day_sums(arrays.line("spent", i))
        for r, m in enumerate(metrics):
            m["_received"], m["_ordered"], m["_spent"] = float(received[r]), float(ordered[r]), float(spent[r])
        out[i] = metrics
    return out


def camp_summaries(plan: Plan, arrays: NetworkArrays, lines: dict, r: int) -> dict[str, Any]:
    """camps.NAME of one replication: population and the single camp's keys per commodity (money kept out)."""
    net = plan.network
    pop = arrays.camp_population
    out = {}
    for k, name in enumerate(net.camps.names):
        people = pop["population"][:, k, :]
        commodities = {}
        for i in _camp_lines(plan, k):
            c = net.sites.commodities[net.sites.line_commodity[i]]
            got = lines[i][r]
            keys = {key: got[key] for key in METRIC_KEYS if key not in MONEY_KEYS}
            keys["received"] = got["_received"]
            keys["requested"] = got["_ordered"] if net.sites.supplied[i] else 0.0
            transit = float(arrays.end_pipeline[i, r]) if net.sites.supplied[i] else 0.0
            keys["end_pipeline"] = 0.0 if net.sites.supplied[i] else float(arrays.end_pipeline[i, r])
            keys["end_in_transit"] = transit
            if plan.ordered[i]:
                keys["spent_usd"] = got["_spent"]
            commodities[c] = keys
        out[name] = {
            "population": {
                "initial": float(net.camps.initial_people[k]),
                "final": float(people[-1, r]),
                "arrivals": float(day_sums(pop["accepted"][:, k, :])[r]),
                "departures": float(day_sums(pop["departures"][:, k, :])[r]),
                "peak": float(np.max(people[:, r])),
                "turned_away": float(day_sums(pop["turned_away"][:, k, :])[r]),
                "overflow_in": float(day_sums(pop["overflow_in"][:, k, :])[r]),
                "overflow_out": float(day_sums(pop["overflow_out"][:, k, :])[r]),
            },
            "commodities": commodities,
        }
    return out


def _network_commodity(plan: Plan, arrays: NetworkArrays, c: int, camps: dict, dates, r: int) -> dict[str, Any]:
    """commodities.X of one replication: network totals over the camps that take it."""
    net = plan.network
    name, spec_line = net.sites.commodities[c], None
    lines = [i for i, cc in enumerate(net.sites.line_commodity.tolist()) if cc == c]
    wlines = [j for j, cc in enumerate(net.sites.wline_commodity.tolist()) if cc == c]
    per_camp = [camps[net.camps.names[net.sites.line_camp[i]]]["commodities"][name] for i in lines]
    out: dict[str, Any] = {key: float(sum(m[key] for m in per_camp)) for key in SUMMED}
    days = len(dates)
    short = np.zeros(days, dtype=bool)
    breaks = np.zeros(days, dtype=bool)
    cut = np.zeros(days, dtype=bool)
    people_short = np.zeros(days)
    at_standard = below = person_days = 0.0
    for i in lines:
        spec_line = i
        k = int(net.sites.line_camp[i])
        people = arrays.camp_population["population"][:, k, r]
        need, given = arrays.daily["need"][:, i, r], arrays.daily["distributed"][:, i, r]
        mask = shortage_mask(need, given)
        short |= mask
        breaks |= arrays.daily["stockout"][:, i, r] > 0
        cut |= arrays.daily["ration_level"][:, i, r] < 1
        if plan.kits[i]:
            kits = plan.per_new_household[i]  # 0 kits a household: nobody waits for one (as for a single camp)
            if kits:
                people_short += arrays.daily["shortfall"][:, i, r] / kits * net.camps.household_size[k]
        else:
            people_short += np.where(mask, people, 0.0)
            person_days += float(people.sum())
            at_standard += float(np.where(mask, 0.0, people).sum())
            below += float(np.where(critical_mask(plan.critical_per_person_day[i], need, given, people), people,
                                    0.0).sum())  # fmt: skip
    first = first_days(short[:, None])[0]
    first_cut = first_days(cut[:, None])[0]
    causes = [(m["first_shortage_day"], n, m["first_shortage_cause"]) for n, m in enumerate(per_camp)
              if m["first_shortage_day"] is not None]  # fmt: skip
    kits = bool(spec_line is not None and plan.kits[spec_line])
    out.update(
        unit=plan.units[spec_line] if spec_line is not None else "",
        kind="per_new_household" if kits else "per_person_day",
        coverage=out["distributed"] / out["need"] if out["need"] > 0 else 1.0,
        shortage_days=int(short.sum()),
        first_shortage_day=first,
        first_shortage_date=None if first is None else dates[first],
        longest_shortage_days=int(longest_runs(short[:, None])[0]),
        min_ration=float(min((m["min_ration"] for m in per_camp), default=1.0)),
        initial_stock=float(plan.initial_stock[lines].sum() + net.sites.w_initial_stock[wlines].sum()),
        received=float(
            sum(day_sums(arrays.line("received", i))[r] - day_sums(arrays.shipped_in[:, i, :])[r] for i in lines)
            + sum(day_sums(arrays.warehouses["received"][:, j, :])[r] for j in wlines)
        ),  # fmt: skip
        spoiled=float(sum(m["spoiled"] for m in per_camp)),
        overflow=float(
            sum(m["overflow"] for m in per_camp)
            + sum(day_sums(arrays.warehouses["overflow"][:, j, :])[r] for j in wlines)
        ),  # fmt: skip
        end_stock=float(
            sum(m["end_stock"] for m in per_camp) + sum(arrays.warehouses["stock"][-1, j, r] for j in wlines)
        ),  # fmt: skip
        end_pipeline=float(
            sum(m["end_pipeline"] for m in per_camp) + sum(arrays.end_warehouse_pipeline[j, r] for j in wlines)
        ),  # fmt: skip
        end_in_transit=float(sum(m["end_in_transit"] for m in per_camp)),
        ration_cut_days=int(cut.sum()),
        first_ration_cut_date=None if first_cut is None else dates[first_cut],
        first_shortage_cause=min(causes)[2] if causes else None,
        peak_people_short=float(people_short.max()) if short.any() else 0.0,
        share_person_days_at_standard=None if kits else (at_standard / person_days if person_days else 1.0),
        share_person_days_below_critical=(
            None
            if kits or np.isnan(plan.critical_per_person_day[lines]).all()
            else (below / person_days if person_days else 0.0)
        ),  # fmt: skip
        pipeline_break_days=int(breaks.sum()),
        pipeline_breaks=[
            {"start": dates[a], "end": dates[a + n - 1], "days": n} for a, n in runs_by_column(breaks[:, None])[0]
        ],  # fmt: skip
        requirement_usd=float(net.requirement_usd[c]),
        received_usd=float(day_sums(arrays.funds[:, c, :])[r]),
        spent_usd=float(
            sum(day_sums(arrays.line("spent", i))[r] for i in lines)
            + sum(day_sums(arrays.warehouses["spent"][:, j, :])[r] for j in wlines)
        ),  # fmt: skip
        balance_usd=float(arrays.money[-1, c, r]),
    )
    order = [*METRIC_KEYS, "end_in_transit"]
    return {key: out[key] for key in order}


def summarize_network(plan: Plan, arrays: NetworkArrays, seed: int) -> list[dict[str, Any]]:
    """The summary.json of each replication of a network run."""
    net = plan.network
    dates = day_dates(plan.start, plan.days)
    lines = line_metrics(plan, arrays, dates)
    out = []
    for r in range(arrays.replications):
        camps = camp_summaries(plan, arrays, lines, r)
        commodities = {name: _network_commodity(plan, arrays, c, camps, dates, r)
                       for c, name in enumerate(net.sites.commodities)}  # fmt: skip
        total = arrays.camp_population["population"][:, :, r].sum(axis=1)
        head = dict(zip(HEAD_KEYS, (plan.name, plan.start.isoformat(), dates[-1], plan.days, seed, plan.deterministic,
                                    1), strict=True))  # fmt: skip
        out.append({
            **head,
            "population": {
                "initial": float(net.camps.initial_people.sum()),
                "final": float(total[-1]),
                "arrivals": float(sum(c["population"]["arrivals"] for c in camps.values())),
                "departures": float(sum(c["population"]["departures"] for c in camps.values())),
                "peak": float(total.max()),
                "turned_away": float(sum(c["population"]["turned_away"] for c in camps.values())),
            },
            "commodities": commodities,
            "funding": {key: funding_totals(commodities)[key] for key in FUNDING_KEYS},
            "camps": camps,
            "warehouses": warehouse_summaries(plan, arrays, r),
            "routes": route_summaries(plan, arrays, r),
        })  # fmt: skip
    return out


def warehouse_summaries(plan: Plan, arrays: NetworkArrays, r: int) -> dict[str, Any]:
    """warehouses.NAME.commodities.X of one replication."""
    sites = plan.network.sites
    w = arrays.warehouses
    out: dict[str, Any] = {name: {"commodities": {}} for name in sites.warehouses}
    for j, (k, c) in enumerate(zip(sites.wline_warehouse, sites.wline_commodity, strict=True)):
        out[sites.warehouses[k]]["commodities"][sites.commodities[c]] = {
            "initial_stock": float(sites.w_initial_stock[j]),
            "received": float(day_sums(w["received"][:, j, :])[r]),
            "requested": float(day_sums(w["requested"][:, j, :])[r]),
            "dispatched": float(day_sums(w["dispatched"][:, j, :])[r]),
            "overflow": float(day_sums(w["overflow"][:, j, :])[r]),
            "end_stock": float(w["stock"][-1, j, r]),
            "end_pipeline": float(arrays.end_warehouse_pipeline[j, r]),
            "spent_usd": float(day_sums(w["spent"][:, j, :])[r]),
            "short_days": int(w["short"][:, j, r].sum()),
        }
    return out


def route_summaries(plan: Plan, arrays: NetworkArrays, r: int) -> dict[str, Any]:
    """routes.NAME of one replication."""
    routes, net = plan.network.routes, plan.network
    out = {}
    for i, name in enumerate(routes.names):
        kg = float(day_sums(arrays.route_kg[:, i, :])[r])
        out[name] = {
            "shipped_kg": kg,
            "transport_usd": kg * float(routes.cost_usd_per_kg[i]),
            "days_at_capacity": int(arrays.route_at_capacity[:, i, r].sum()),
            "closed_days": int((net.route_closed[:, i] > 0).sum()),
        }
    return out


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
        "date": np.repeat(day_dates(plan.start, plan.days), width),
        "warehouse": np.tile(np.array([sites.warehouses[w] for w in sites.wline_warehouse], dtype=object), plan.days),
        "commodity": np.tile(np.array([sites.commodities[c] for c in sites.wline_commodity], dtype=object), plan.days),
        **{f: arrays.warehouses[f][:, :, r].reshape(-1) for f in WAREHOUSE_COLUMNS[4:]},
    })  # fmt: skip
    return frame[WAREHOUSE_COLUMNS]


def network_events_frame(plan: Plan, arrays: NetworkArrays) -> pd.DataFrame:
    """events.csv of a network: the single camp's columns and the site."""
    dates = day_dates(plan.start, plan.days + 1)
    rows = [(e.day, dates[e.day], e.kind, e.site, e.commodity, e.quantity, e.cost_usd, e.note) for e in arrays.events]
    columns = [*EVENT_COLUMNS[:3], "site", *EVENT_COLUMNS[3:]]
    return pd.DataFrame(rows, columns=columns).astype({"quantity": float, "cost_usd": float})
