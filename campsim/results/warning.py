"""The forecast's early warning: per camp and commodity (and warehouse line), how surely and from
when the pipeline breaks, and the last day an extra order still prevents it.

A pure function of a forecast's results: the per-replication first days (of a pipeline break
and of a shortage), the plan's lead times, the stock on hand at ``as_of`` and the first
forecast day's need. Every choice is in docs/semantics.md, "Forecast warning".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from campsim.model import rules
from campsim.plan.arrays import LeadTimePlan
from campsim.plan.compile import Plan

NONE = math.inf  # "no break within the forecast": later than any date
WITHIN_DAYS = (7, 14, 30)  # P(pipeline break within N days of as_of)
AMBER_DAYS = 14  # amber: the order-by date is on or before as_of + 14 days
Z90 = 1.2815515655446004  # the standard normal's 0.9 quantile
STATUS_ORDER = {"red": 0, "amber": 1, "green": 2}

WARNING_COLUMNS = [
    "status", "site", "site_kind", "commodity", "unit", "cover_days_today",
    "p_break_7d", "p_break_14d", "p_break_30d", "p_break_before_resupply",
    "break_p10_date", "break_p50_date", "break_p90_date",
    "shortage_p10_date", "shortage_p50_date", "shortage_p90_date",
    "person_days_short", "lead_time_p90_days", "order_by_date", "order_quantity",
]  # fmt: skip


def lead_p90_days(lead: LeadTimePlan | None) -> int | None:
    """A lead time's 0.9 quantile in whole days, rounded up as drawn lead times are (at least 1).

    ceil is monotone, so the P90 of the rounded-up draw is the continuous P90 rounded up. The
    distribution as the scenario writes it, in deterministic mode too (issue 14: "the line's own
    lead time at its P90"), although a deterministic run's orders take its mean.
    """
    if lead is None:
        return None
    if lead.kind == "fixed":
        return lead.mean_days
    q = 0.9
    if lead.kind == "triangular":
        low, mode, high = lead.params
        if high == low:
            x = low
        elif q <= (mode - low) / (high - low):
            x = low + math.sqrt(q * (high - low) * (mode - low))
        else:
            x = high - math.sqrt((1 - q) * (high - low) * (high - mode))
    elif lead.kind == "uniform":
        low, high = lead.params
        x = low + q * (high - low)
    else:
        mean, sd = lead.params
        sigma2 = math.log1p((sd / mean) ** 2)
        x = math.exp(math.log(mean) - sigma2 / 2 + math.sqrt(sigma2) * Z90)
    return max(1, math.ceil(round(x, 9)))  # round first: fp noise must not add a day


@dataclass(frozen=True)
class Line:
    """One row of the warning: where, what, and the per-replication first days.

    ``first_break`` and ``first_short`` are [replication] days after as_of (1 = the first
    forecast day), ``NONE`` where none came within the forecast.
    """

    site: str
    site_kind: str  # "camp" or "warehouse"
    commodity: str
    unit: str
    cover_days_today: float | None
    lead_p90_days: int | None
    first_break: np.ndarray
    first_short: np.ndarray
    person_days_short: float | None
    order_quantity: float


def lower_quantile(values: np.ndarray, q: float) -> float:
    """The smallest value v with P(X <= v) >= q (inverted CDF): a day that some replication had, or NONE."""
    ordered = np.sort(values)
    return float(ordered[max(0, math.ceil(q * len(ordered) - 1e-9) - 1)])


def _iso(as_of: date, offset: float) -> str:
    return "" if offset == NONE else (as_of + timedelta(days=int(offset))).isoformat()


def warning_row(line: Line, as_of: date) -> dict[str, Any]:
    """One line's warning figures (dates ISO; '' = none within the forecast)."""
    breaks = line.first_break
    p10, p50, p90 = (lower_quantile(breaks, q) for q in (0.1, 0.5, 0.9))
    lead = line.lead_p90_days
    order_by = None if lead is None or p10 == NONE else int(p10) - lead  # arrives on the P10 break day
    # an order placed today arrives on as_of + lead: the chance of a break before that day
    # (nothing can be ordered: of a break within the forecast)
    before = float(np.mean(breaks <= lead - 1)) if lead is not None else float(np.mean(breaks < NONE))
    if before > 0.5:
        status = "red"
    elif order_by is not None and order_by <= AMBER_DAYS:
        status = "amber"
    else:  # no order-by date (no break at P10, or no lead time: nothing to order) is not amber
        status = "green"
    return {
        "status": status,
        "site": line.site,
        "site_kind": line.site_kind,
        "commodity": line.commodity,
        "unit": line.unit,
        "cover_days_today": line.cover_days_today,
        **{f"p_break_{n}d": float(np.mean(breaks <= n)) for n in WITHIN_DAYS},
        "p_break_before_resupply": before,
        "break_p10_date": _iso(as_of, p10),
        "break_p50_date": _iso(as_of, p50),
        "break_p90_date": _iso(as_of, p90),
        **{f"shortage_p{k}_date": _iso(as_of, lower_quantile(line.first_short, k / 100)) for k in (10, 50, 90)},
        "person_days_short": line.person_days_short,
        "lead_time_p90_days": lead,
        "order_by_date": "" if order_by is None else _iso(as_of, order_by),
        "order_quantity": line.order_quantity if order_by is not None else None,
        "_order_by": NONE if order_by is None else order_by,
        "_p_break": float(np.mean(breaks < NONE)),
    }


def warning_frame(lines: Sequence[Line], as_of: date) -> pd.DataFrame:
    """warning.csv: one row per line, the most urgent first (red, amber, green; then the earliest
    order-by date, the likelier break, the earlier P10 break; then file order)."""
    rows = [warning_row(line, as_of) for line in lines]
    order = sorted(range(len(rows)), key=lambda i: (
        STATUS_ORDER[rows[i]["status"]], rows[i]["_order_by"], -rows[i]["_p_break"],
        rows[i]["break_p10_date"] or "9999", i))  # fmt: skip
    frame = pd.DataFrame([rows[i] for i in order], columns=WARNING_COLUMNS)
    numbers = {"cover_days_today": float, "person_days_short": float, "order_quantity": float}
    return frame.astype({"lead_time_p90_days": "Int64", **numbers})  # whole days; empty where nothing can be ordered


# --- from a forecast's results ---------------------------------------------------------------


def first_offsets(mask: np.ndarray) -> np.ndarray:
    """[day, line, replication] mask -> [replication, line] the first True day as days after as_of
    (day 0 of the forecast is 1), NONE where there is none."""
    first = np.argmax(mask, axis=0) + 1.0
    return np.where(mask.any(axis=0), first, NONE).T


@dataclass(frozen=True)
class Where:
    """A camp line's place: its site (camp; '' for a single camp) and commodity."""

    site: str
    commodity: str

    def of(self, summary: Mapping[str, Any]) -> Mapping[str, Any]:
        """The line's figures in a summary (a network's camps block)."""
        if self.site and "camps" in summary:
            return summary["camps"][self.site]["commodities"][self.commodity]
        return summary["commodities"][self.commodity]


def camp_lines(plan: Plan) -> list[Where]:
    """Each camp line's place, in plan order."""
    if plan.network is None:
        return [Where("", name) for name in plan.lines]
    sites = plan.network.sites
    camps = plan.network.camps.names
    return [Where(camps[k], sites.commodities[c]) for k, c in zip(sites.line_camp, sites.line_commodity, strict=True)]


def camp_lead_p90(plan: Plan, line: int) -> int | None:
    """A camp line's order lead time at P90: its own; supplied by a warehouse, the warehouse's lead time
    plus the route's transit (each at P90)."""
    net = plan.network
    if net is None or not net.sites.supplied[line]:
        return lead_p90_days(plan.lead_times[line])
    warehouse = lead_p90_days(net.sites.w_lead_times[net.sites.supply_wline[line]])
    transit = lead_p90_days(net.routes.transit[net.sites.line_route[line]])
    return (warehouse or 0) + transit


def first_day_need(daily: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Each camp line's need on the first forecast day (replication 0's daily.csv)."""
    first = daily[daily["day"] == daily["day"].min()]
    camps = first["camp"] if "camp" in first.columns else [""] * len(first)
    rows = zip(camps, first["commodity"], first["need"], strict=True)
    return {(camp, item): float(need) for camp, item, need in rows}


def cover(stock: float, need: float) -> float | None:
    """Days of cover: stock / need (None when there is no need)."""
    return stock / need if need > 0 else None


def forecast_lines(
    plan: Plan,
    arrays: Any,
    summary: Mapping[str, Any],
    daily: pd.DataFrame,
    stock_today: Mapping[tuple[str, str], float],
) -> list[Line]:
    """The warning's lines from a forecast: camp lines, then a network's warehouse lines.

    Args:
        plan: the scenario's plan (lead times, lines, units).
        arrays: every replication's daily arrays over the forecast days ([day, line, replication];
            day 0 is the day after as_of), a network's with its warehouses.
        summary: the forecast's summary (means over replications).
        daily: replication 0's daily table (the first forecast day's need).
        stock_today: (site, commodity) -> stock on hand at the end of as_of ('' is a single camp).
    """
    need = first_day_need(daily)
    breaks = first_offsets(arrays.daily["stockout"] > 0)
    short = first_offsets((arrays.daily["need"] > 0) & (arrays.daily["distributed"] < rules.shortage_threshold(
        arrays.daily["need"])))  # fmt: skip
    out = []
    for i, where in enumerate(camp_lines(plan)):
        c = where.of(summary)
        out.append(Line(
            site=where.site, site_kind="camp", commodity=where.commodity, unit=plan.units[i],
            cover_days_today=cover(stock_today.get((where.site, where.commodity), 0.0),
                                   need.get((where.site, where.commodity), 0.0)),
            lead_p90_days=camp_lead_p90(plan, i), first_break=breaks[:, i], first_short=short[:, i],
            person_days_short=float(c["shortfall_person_days"]),
            order_quantity=max(0.0, float(c["shortfall"] - c["end_stock"])),
        ))  # fmt: skip
    if plan.network is not None:
        out += warehouse_lines(plan, arrays, summary, out, need, stock_today)
    return out


def warehouse_lines(plan, arrays, summary, camp_rows: list[Line], need, stock_today) -> list[Line]:
    """A network's warehouse lines: cover over the camps they supply, their own lead time; a break is
    the first day the camps' requests exceed the warehouse's stock."""
    sites, camps = plan.network.sites, plan.network.camps.names
    short = first_offsets(arrays.warehouses["short"] > 0)
    out = []
    for j, (k, c) in enumerate(zip(sites.wline_warehouse, sites.wline_commodity, strict=True)):
        site, item = sites.warehouses[k], sites.commodities[c]
        supplied = list(sites.w_supplies[j])
        demand = sum(need.get((camps[sites.line_camp[i]], item), 0.0) for i in supplied)
        end_stock = summary["warehouses"][site]["commodities"][item]["end_stock"]
        carried = sum(camp_rows[i].order_quantity for i in supplied)  # what its camps lack comes through it
        unit = plan.units[supplied[0]] if supplied else ""
        out.append(Line(
            site=site, site_kind="warehouse", commodity=item, unit=unit,
            cover_days_today=cover(stock_today.get((site, item), 0.0), demand),
            lead_p90_days=lead_p90_days(sites.w_lead_times[j]),
            first_break=short[:, j], first_short=short[:, j], person_days_short=None,
            order_quantity=max(0.0, float(carried - end_stock)),
        ))  # fmt: skip
    return out


def p_break_by_date(lines: Sequence[Line], as_of: date, days: int) -> pd.DataFrame:
    """P(first pipeline break on or before each forecast date), per line: the chart's data."""
    rows = []
    for line in lines:
        counts = np.array([np.mean(line.first_break <= k) for k in range(1, days + 1)])
        for k, p in enumerate(counts, start=1):
            rows.append((as_of + timedelta(days=k), line.site, line.commodity, float(p)))
    return pd.DataFrame(rows, columns=["date", "site", "commodity", "p_break_by_date"])


@dataclass
class ForecastResult:
    """A forecast and its warning.

    Attributes:
        run: the forecast days' results as ``run --replications`` gives them (replication 0's daily
            and events, the means in summary, daily_quantiles), dated with the forecast's dates.
        as_of: the state's date; the forecast starts the day after.
        days: forecast days.
        replications: how many.
        warning: warning.csv's rows, the most urgent first.
        p_break_by_date: P(first pipeline break on or before each date) per site and commodity.
        state: the State the forecast started from.
    """

    run: Any
    as_of: date
    days: int
    replications: int
    warning: pd.DataFrame
    p_break_by_date: pd.DataFrame
    state: Any = None
    plotter: Any = field(default=None, kw_only=True, repr=False, compare=False)

    def plot(self, chart: str | None = None):
        """The chance of a pipeline break by each date (``chart="cover_fan"``: the fan of days of cover)."""
        if self.plotter is None:
            from campsim.model.errors import ScenarioError

            raise ScenarioError("this forecast has no charts attached: make it with campsim.forecast")
        return self.plotter(self, chart)


def stock_on_hand(state: Any, scenario_name: str = "") -> dict[tuple[str, str], float]:
    """(site, commodity) -> the state's stock rows summed (a single camp's site is '')."""
    out: dict[tuple[str, str], float] = {}
    for row in state.of_kind("stock"):
        site = "" if row.site == scenario_name else row.site
        out[site, row.commodity] = out.get((site, row.commodity), 0.0) + row.quantity
    return out


def forecast_warning(forecast: Any) -> ForecastResult:
    """A forecast (runs.forecast.run_forecast's Forecast) with its warning table and P(break by date)."""
    result, plan = forecast.result, forecast.plan
    as_of = forecast.state.as_of
    stock = stock_on_hand(forecast.state, result.scenario.name)
    lines = forecast_lines(plan, forecast.arrays, result.summary, result.daily, stock)
    return ForecastResult(
        run=result,
        as_of=as_of,
        days=forecast.days,
        replications=int(result.summary.get("replications") or 1),
        warning=warning_frame(lines, as_of),
        p_break_by_date=p_break_by_date(lines, as_of, forecast.days),
        state=forecast.state,
    )
