"""Matplotlib figures of camp networks: the map, days of cover per camp, warehouse stock, route use,
and for a comparison the person-days short per camp.

Each chart takes ``runs`` (a list of (label, NetworkResult)) like the single camp's charts, so
chartfiles renders both alike; a run's charts read runs[0]. The map reads the summary (means
over replications when replicated); the charts of days read replication 0's tables and arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from campsim.report.chartbase import (  # noqa: E402
    BANDS,
    TITLE_FONT,
    colour,
    dates_of,
    fit,
    legend_below,
    shade,
    time_axis,
)
from campsim.report.chartlabels import readable  # noqa: E402
from campsim.report.chartmarks import mark_disruptions  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from campsim.model.scenario import Scenario
    from campsim.results.run import NetworkResult

    Run = tuple[str, NetworkResult]

ROAD = "#777777"
WAREHOUSE = "#333333"
CLOSED = "#555555"
COVERAGE = "YlOrRd_r"  # one ordered hue scale: the redder, the worse (colour-blind safe)
THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def node_positions(scenario: Scenario) -> tuple[dict[str, tuple[float, float]], bool]:
    """Where each warehouse and camp is drawn, and whether the layout is geographic.

    (longitude, latitude) when every site has a location; otherwise a schematic layout:
    warehouses in a column on the left (x 0), camps on the right (x 1), file order from the top.
    """
    sites = {**scenario.warehouses, **scenario.camps}  # names are unique across both (validated)
    if sites and all(site.location is not None for site in sites.values()):
        return {name: (site.location[1], site.location[0]) for name, site in sites.items()}, True
    positions = {}
    for x, names in ((0.0, list(scenario.warehouses)), (1.0, list(scenario.camps))):
        for i, name in enumerate(names):
            positions[name] = (x, (len(names) - 1) / 2 - i)
    return positions, False


def worst_coverage(site: dict) -> tuple[float, str]:
    """A camp's lowest coverage over its commodities, and which commodity (1.0 and '' if it takes none)."""
    return min(((c["coverage"], name) for name, c in site["commodities"].items()), default=(1.0, ""))


def _map_title(summary: dict) -> str:
    short = [(c["coverage"], camp, name) for camp, site in summary["camps"].items()
             for name, c in site["commodities"].items() if c["shortage_days"]]  # fmt: skip
    if not short:
        return "Network: no camp went short"
    coverage, camp, name = min(short)
    return f"Network: lowest coverage {coverage:.0%} ({camp}, {name}); {len(short)} camp-commodities went short"


def _roads(ax, scenario: Scenario, summary: dict, positions: dict) -> bool:
    """Roads under the nodes, width by kg shipped, closed roads dashed; True if any road was closed."""
    routes = summary["routes"]
    most = max((routes[name]["shipped_kg"] for name in scenario.routes), default=0.0) or 1.0
    any_closed = False
    for name, route in scenario.routes.items():
        (x0, y0), (x1, y1) = positions[route.origin], positions[route.to]
        kg, closed = routes[name]["shipped_kg"], routes[name]["closed_days"]
        any_closed |= closed > 0
        ax.plot([x0, x1], [y0, y1], color=ROAD, lw=1 + 9 * kg / most, ls=(0, (2, 1)) if closed else "-", alpha=0.7,
                solid_capstyle="butt", zorder=1)  # fmt: skip
        text = f"{kg / 1000:,.0f} t" + (f", closed {closed:g} d" if closed else "")
        ax.annotate(text, ((x0 + x1) / 2, (y0 + y1) / 2), ha="center", va="center", fontsize=7, zorder=4,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})  # fmt: skip
    return any_closed


def _overflows(ax, scenario: Scenario, positions: dict) -> bool:
    """Dotted arrows from a camp to where its overflow goes; True if any."""
    drawn = False
    for name, camp in scenario.camps.items():
        to = camp.population.overflow_to
        if to is not None:
            ax.annotate("", xy=positions[to], xytext=positions[name], zorder=2,
                        arrowprops={"arrowstyle": "->", "ls": ":", "color": CLOSED, "lw": 1.1,
                                    "connectionstyle": "arc3,rad=0.3", "shrinkA": 12, "shrinkB": 12})  # fmt: skip
            drawn = True
    return drawn


def network_map(result: NetworkResult, label: str | None = None) -> Figure:
    """Camps sized by peak population and coloured by worst coverage, warehouses, roads by kg shipped."""
    s, scenario = result.summary, result.scenario
    positions, geographic = node_positions(scenario)
    fig, ax = plt.subplots(figsize=(9, 6), layout="constrained")
    closed = _roads(ax, scenario, s, positions)
    overflow = _overflows(ax, scenario, positions)
    camps = list(scenario.camps)
    people = np.array([s["camps"][c]["population"]["peak"] for c in camps], dtype=float)
    sizes = 150 + 1350 * people / max(people.max(), 1.0)
    cover = np.array([worst_coverage(s["camps"][c])[0] for c in camps])
    xy = np.array([positions[c] for c in camps])
    dots = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=cover, cmap=COVERAGE, vmin=0, vmax=1, edgecolors="#222222",
                      linewidths=0.8, zorder=3)  # fmt: skip
    for name, (x, y), size, p in zip(camps, xy, sizes, people, strict=True):
        ax.annotate(f"{name}\n{p:,.0f} people", (x, y), xytext=(0, -(np.sqrt(size) / 2 + 3)),
                    textcoords="offset points", ha="center", va="top", fontsize=8, zorder=5)  # fmt: skip
    for name in scenario.warehouses:
        x, y = positions[name]
        ax.scatter([x], [y], marker="s", s=220, color=WAREHOUSE, zorder=3)
        ax.annotate(name, (x, y), xytext=(0, 11), textcoords="offset points", ha="center", va="bottom",
                    fontsize=8, fontweight="bold", zorder=5)  # fmt: skip
    fig.colorbar(dots, ax=ax, shrink=0.7, format=FuncFormatter(lambda v, _: f"{v:.0%}"),
                 label="worst coverage of any commodity (distributed / need)")  # fmt: skip
    if geographic:
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        # a degree of longitude is shorter than one of latitude; the limits stretch, not the box
        ax.set_aspect(1 / np.cos(np.radians(np.mean([p[1] for p in positions.values()]))), adjustable="datalim")
        ax.grid(True, alpha=0.3)
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.0, "schematic layout: not every site has a location", transform=ax.transAxes,
                ha="center", va="top", fontsize=8, color=CLOSED)  # fmt: skip
    ax.margins(0.25)  # room for the labels around the outermost sites
    handles = [Line2D([], [], marker="s", ls="", color=WAREHOUSE, label="warehouse"),
               Line2D([], [], marker="o", ls="", color="#999999", label="camp (area: peak population)"),
               Line2D([], [], color=ROAD, lw=3, label="road (width: kg shipped)")]  # fmt: skip
    if closed:
        handles.append(Line2D([], [], color=ROAD, lw=3, ls=(0, (2, 1)), label="road closed on some days"))
    if overflow:
        handles.append(Line2D([], [], color=CLOSED, ls=":", label="overflow: where a full camp sends arrivals"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    ax.set_title((f"{fit(readable(label), fig)}\n" if label else "") + fit(_map_title(s), fig), fontsize=TITLE_FONT)
    return fig


def camp_cover(result: NetworkResult) -> Figure:
    """Days of cover, one panel per camp (rows) and commodity (columns); shortage days shaded."""
    scenario = result.scenario
    camps, items = list(scenario.camps), list(scenario.commodities)
    fig, axes = plt.subplots(len(camps), len(items), figsize=(2.4 * len(items) + 1.6, 1.5 * len(camps) + 1.2),
                             sharex=True, squeeze=False, layout="constrained")  # fmt: skip
    groups = dict(list(result.daily.groupby(["camp", "commodity"], sort=False)))
    short, lines = 0, 0
    for i, camp in enumerate(camps):
        for j, item in enumerate(items):
            ax = axes[i, j]
            if i == 0:
                ax.set_title(item, fontsize=10)
            if j == 0:
                ax.set_ylabel(f"{camp}\ndays of cover", fontsize=9)
            rows = groups.get((camp, item))
            time_axis(ax, ticks=5)
            if rows is None:
                ax.text(0.5, 0.5, "not taken here", transform=ax.transAxes, ha="center", va="center",
                        fontsize=8, color=CLOSED)  # fmt: skip
                ax.set_yticks([])
                continue
            dates, mask = dates_of(rows), rows["shortage"].to_numpy() > 0
            lines, short = lines + 1, short + bool(mask.any())
            ax.plot(dates, rows["days_of_cover"], color=colour(j), lw=1.3)
            shade(ax, dates, mask, BANDS["critical"], None)
            mark_disruptions(ax, [(camp, result)], item, site=camp)
            steps = scenario.camps[camp].rationing(item, scenario.commodities[item].rationing)
            for t in sorted({step.below_days_of_cover for step in steps}):
                ax.axhline(t, color=CLOSED, ls="--", lw=0.8)
            ax.set_ylim(bottom=0)
            ax.tick_params(labelsize=7)
    legend_below(fig, handles=[Line2D([], [], color=CLOSED, ls="--", lw=0.8, label="rationing threshold"),
                               Patch(color=BANDS["critical"], alpha=0.25, label="below the standard")])  # fmt: skip
    fig.suptitle(fit(f"Days of cover per camp: {short} of {lines} camp-commodities fall below the standard" if short
                     else "Days of cover per camp: no camp goes short", fig), fontsize=TITLE_FONT)  # fmt: skip
    return fig


def _warehouse_short(result: NetworkResult) -> dict[tuple[str, str], np.ndarray]:
    """(warehouse, commodity) -> days on which its stock could not fill every request (replication 0)."""
    sites = result.plan.network.sites
    short = result.raw.warehouses["short"]
    pairs = zip(sites.wline_warehouse.tolist(), sites.wline_commodity.tolist(), strict=True)
    return {(sites.warehouses[w], sites.commodities[c]): short[:, k, 0] > 0 for k, (w, c) in enumerate(pairs)}


def warehouse_stock(result: NetworkResult) -> Figure | None:
    """Stock, requested and dispatched per day at each warehouse and commodity; None without warehouses."""
    table = result.warehouses
    if table is None or table.empty:
        return None
    lines = list(table.groupby(["warehouse", "commodity"], sort=False))
    short = _warehouse_short(result)
    fig, axes = plt.subplots(len(lines), 1, figsize=(9, 1.9 * len(lines) + 1.1), sharex=True, squeeze=False,
                             layout="constrained")  # fmt: skip
    worst = (0, "", "")
    for ax, ((where, item), rows) in zip(axes[:, 0], lines, strict=True):
        dates, mask = dates_of(rows), short[(where, item)]
        worst = max(worst, (int(mask.sum()), where, item))
        ax.step(dates, rows["stock"], where="post", color=colour(0), lw=1.8, label="stock")
        ax.step(dates, rows["requested"], where="post", color=colour(1), lw=0.9, label="requested")
        ax.step(dates, rows["dispatched"], where="post", color=colour(2), lw=0.9, label="dispatched")
        shade(ax, dates, mask, BANDS["critical"], "could not fill every request")
        mark_disruptions(ax, [(where, result)], item, site=where)
        ax.set_ylabel(f"{where}\n{item} ({result.scenario.commodities[item].unit})", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(THOUSANDS)
        time_axis(ax)
    legend_below(fig)
    days, where, item = worst
    fig.suptitle(fit(f"Warehouse stock: {where} could not fill every {item} request on {days} days" if days
                     else "Warehouse stock: every request was filled", fig), fontsize=TITLE_FONT)  # fmt: skip
    return fig


def route_use(result: NetworkResult) -> Figure | None:
    """Tonnes shipped per route per day, truck capacity dashed, closure days shaded; None without routes."""
    net = result.plan.network
    names = list(net.routes.names)
    if not names:
        return None
    dates = np.datetime64(result.plan.start, "D") + np.arange(result.plan.days)
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 1.6 * len(names) + 1.1), sharex=True, squeeze=False,
                             layout="constrained")  # fmt: skip
    closed_text, full_text = [], []
    for i, (ax, name) in enumerate(zip(axes[:, 0], names, strict=True)):
        tonnes = result.raw.route_kg[:, i, 0] / 1000
        ax.fill_between(dates, tonnes, step="post", color=colour(0), alpha=0.7, lw=0, label="shipped")
        capacity = float(net.routes.capacity_kg_per_day[i])
        if np.isfinite(capacity):
            ax.axhline(capacity / 1000, color=BANDS["critical"], ls="--", lw=0.9, label="truck capacity")
        closed = net.route_closed[:, i] > 0
        reasons = ", ".join(dict.fromkeys(d.reason for d in result.scenario.disruptions if name in (d.routes or ())))
        shade(ax, dates, closed, "#000000", f"road closed: {reasons}" if reasons else "road closed")
        if closed.any():
            closed_text.append(f"{name} closed {int(closed.sum())}\u00a0d")
        if (full := int(result.raw.route_at_capacity[:, i, 0].sum())) > 0:
            full_text.append(f"{name} at capacity {full}\u00a0d")
        ax.set_ylabel(f"{name}\nt/day", fontsize=9)
        ax.set_ylim(bottom=0)
        time_axis(ax)
    legend_below(fig)
    total = float(result.raw.route_kg[:, :, 0].sum()) / 1000
    fig.suptitle(fit("; ".join([f"Route use: {total:,.0f} t shipped", *closed_text, *full_text]), fig),
                 fontsize=TITLE_FONT)  # fmt: skip
    return fig


def camp_shortfall(runs: list[Run]) -> Figure:
    """Person-days short per camp (all commodities), one bar per scenario."""
    camps: list[str] = []
    for _, r in runs:
        camps += [c for c in r.summary["camps"] if c not in camps]
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    width, x = 0.8 / len(runs), np.arange(len(camps))
    worst = (0.0, "", "")
    for i, (label, r) in enumerate(runs):
        sites = r.summary["camps"]
        values = [sum(c["shortfall_person_days"] for c in sites[camp]["commodities"].values()) if camp in sites
                  else np.nan for camp in camps]  # fmt: skip
        worst = max([worst, *((v, camp, label) for v, camp in zip(values, camps, strict=True) if v == v)])
        ax.bar(x + (i - (len(runs) - 1) / 2) * width, values, width=width, color=colour(i), label=readable(label))
    ax.set_xticks(x, camps)
    ax.set_ylabel("person-days short\n(all commodities)")
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.grid(True, axis="y", alpha=0.3)
    legend_below(fig)
    value, camp, label = worst
    ax.set_title(fit(f"Person-days short per camp: most at {camp} ({readable(label)}), {value:,.0f}" if value > 0
                     else "Person-days short per camp: no camp went short in any scenario", fig, margin_in=0.6),
                 fontsize=TITLE_FONT)  # fmt: skip
    return fig


def _of_run(chart: Callable[[NetworkResult], Figure | None]) -> Callable[[list[Run]], Figure | None]:
    return lambda runs: chart(runs[0][1])


# a run's charts, costliest first (chartfiles renders them in this order)
RUN_CHARTS = {
    "camp_cover": _of_run(camp_cover),
    "network_map": _of_run(network_map),
    "warehouse_stock": _of_run(warehouse_stock),  # networks with warehouses only
    "route_use": _of_run(route_use),  # networks with routes only
}


def compare_charts(runs: list[Run]) -> dict[str, Callable[[list[Run]], Figure | None]]:
    """A comparison's charts: person-days short per camp, then each scenario's map (map_1, map_2, ...)."""
    charts: dict[str, Callable[[list[Run]], Figure | None]] = {"camp_shortfall": camp_shortfall}
    for i in range(len(runs)):
        charts[f"map_{i + 1}"] = lambda runs, i=i: network_map(runs[i][1], runs[i][0])
    return charts
