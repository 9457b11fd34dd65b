"""Matplotlib figures from results, for one run or several overlaid. Charts never run a model.

Every function takes ``runs``: a list of (label, SimulationResult), and returns a Figure;
``align="start"`` plots by day since each scenario's start instead of by date. A scenario
keeps one colour across all charts (Okabe-Ito, colour-blind safe); with a single run the
colours go to commodities where that reads better. The replicated runs' charts are in
replicated_charts.py, the sweep's in sweep_chart.py; the shared pieces in chartbase.py.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from campsim.model import standards  # noqa: E402
from campsim.report.chartbase import (  # noqa: E402, F401 (colour, BANDS, OKABE_ITO: the charts' public palette)
    BANDS,
    OKABE_ITO,
    TITLE_FONT,
    colour,
    fit,
    legend_below,
    note_same,
    panels,
    rows_of,
    series_style,
    shade,
    time_axis,
    when,
)
from campsim.report.chartlabels import readable  # noqa: E402
from campsim.report.chartmarks import disruption_spans, mark_disruptions  # noqa: E402
from campsim.report.replicated_charts import fan_chart, first_shortage_chart  # noqa: E402
from campsim.report.sweep_chart import sweep_chart  # noqa: E402, F401 (re-exported: report and API draw it from here)
from campsim.results.metrics import critical_mask, shortage_mask  # noqa: E402
from campsim.results.metrics import runs as runs_of  # noqa: E402
from campsim.results.run import commodities_of  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from campsim.results.run import SimulationResult

Run = tuple[str, "SimulationResult"]

CHART_NAMES = ("cover", "ration", "population", "funding", "shortfall", "compliance")


def _line_colour(runs: list[Run], i: int, j: int) -> str:
    """Scenario colour when comparing; commodity colour for a single run."""
    return colour(i) if len(runs) > 1 else colour(j)


def _label(runs: list[Run], label: str, fallback: str) -> str:
    return readable(label) if len(runs) > 1 else fallback


def cover_chart(runs: list[Run], align: str = "date") -> Figure:
    """Stock in days of cover per commodity; rationing thresholds drawn, shortage days shaded."""
    names = commodities_of(runs)
    short = [n for n in names if any(n in r.summary["commodities"]
                                     and r.summary["commodities"][n]["shortage_days"] for _, r in runs)]  # fmt: skip
    fig, axes = panels(names, "Stock in days of cover: "
                       + (", ".join(short) + " fall below the standard" if short else "no shortage"))  # fmt: skip
    shaded = False
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        thresholds: set[float] = set()
        drawn = []
        for i, (label, r) in enumerate(runs):
            if name not in r.scenario.commodities:
                continue
            rows = rows_of(r, name)
            x, c = when(rows, r.scenario.start, align), _line_colour(runs, i, j)
            ax.plot(x, rows["days_of_cover"], color=c, label=_label(runs, label, name), **series_style(i, len(runs)))
            mask = rows["shortage"].to_numpy() > 0
            shaded |= bool(mask.any())
            shade(ax, x, mask, c if len(runs) > 1 else "#D55E00", None if len(runs) > 1 else "below the standard",
                  align)  # fmt: skip
            thresholds |= {s.below_days_of_cover for s in r.scenario.commodities[name].rationing}
            drawn.append((readable(label), rows["days_of_cover"].to_numpy()))
        mark_disruptions(ax, runs, name, align)
        for k, t in enumerate(sorted(thresholds)):
            ax.axhline(t, color="#555555", ls="--", lw=0.9, label="rationing threshold" if k == 0 else None)
        note_same(ax, drawn, name)
        ax.set_ylabel(f"{name}\ndays of cover")
        ax.set_ylim(bottom=0)
        time_axis(ax, align)
    extra = [Patch(color="#777777", alpha=0.25, label="below the standard (shaded in the scenario's colour)")]
    legend_below(fig, handles=extra if shaded and len(runs) > 1 else None)
    return fig


def ration_chart(runs: list[Run], align: str = "date") -> Figure:
    """Share of the standard received per day (1.0 = the standard), critical level drawn."""
    names = commodities_of(runs)
    worst = min(((r.summary["commodities"][n]["min_ration"], n, label) for label, r in runs
                 for n in r.summary["commodities"]), default=(1.0, "", ""))  # fmt: skip
    where = f" ({readable(worst[2])})" if len(runs) > 1 else ""
    title = (f"Ration received: {worst[1]}{where} falls to {worst[0]:.0%} of the standard" if worst[0] < 1
             else "Ration received: the standard is met every day")  # fmt: skip
    fig, axes = panels(names, title, height=1.9)
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        critical = set()
        drawn = []
        for i, (label, r) in enumerate(runs):
            spec = r.scenario.commodities.get(name)
            if spec is None:
                continue
            rows = rows_of(r, name)
            ax.step(when(rows, r.scenario.start, align), rows["ration"], where="post", color=_line_colour(runs, i, j),
                    label=_label(runs, label, name), **series_style(i, len(runs), 1.5))  # fmt: skip
            drawn.append((readable(label), rows["ration"].to_numpy()))
            level = critical_level(name, spec)
            if level is not None:
                critical.add(level / spec.per_person_day)
        mark_disruptions(ax, runs, name, align)
        ax.axhline(1.0, color="#000000", lw=0.8, ls=":", label="standard (1.0)")
        for k, level in enumerate(sorted(critical)):
            ax.axhline(level, color=BANDS["critical"], lw=1.0, ls="--", label="critical level" if k == 0 else None)
        note_same(ax, drawn, name)
        ax.set_ylim(-0.03, 1.1)
        ax.set_ylabel(f"{name}\nreceived / need")
        time_axis(ax, align)
    legend_below(fig)
    return fig


def population_chart(runs: list[Run], align: str = "date") -> Figure:
    """Camp population and daily arrivals (people)."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.6), sharex=True, layout="constrained",
                                      height_ratios=[2, 1])  # fmt: skip
    peaks = [(r.summary["population"]["peak"], label) for label, r in runs]
    peak, who = max(peaks)
    first = runs[0][1].summary["population"]["initial"]
    who = f" ({readable(who)})" if len(runs) > 1 else ""
    fig.suptitle(fit(f"Population: from {first:,.0f} to a peak of {peak:,.0f} people{who}", fig),
                 fontsize=TITLE_FONT)  # fmt: skip
    people, arrivals = [], []
    for i, (label, r) in enumerate(runs):
        days = r.daily.drop_duplicates("day")
        x = when(days, r.scenario.start, align)
        top.plot(x, days["population"], color=colour(i), label=_label(runs, label, "population"),
                 **series_style(i, len(runs), 2))  # fmt: skip
        people.append((readable(label), days["population"].to_numpy()))
        arrivals.append((readable(label), days["arrivals"].to_numpy()))
        if len(runs) == 1:
            # one filled step polygon rather than a bar per day: fast for ten-year horizons
            bottom.fill_between(x, days["arrivals"], step="post", color=colour(4), alpha=0.8, lw=0,
                                label="arrivals")  # fmt: skip
        else:
            bottom.step(x, days["arrivals"], where="post", color=colour(i), label=readable(label),
                        **series_style(i, len(runs), 1.2))  # fmt: skip
    note_same(top, people, "population")
    note_same(bottom, arrivals, "arrivals")
    top.set_ylabel("population (people)")
    top.set_ylim(bottom=0)
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    bottom.set_ylabel("arrivals (people/day)")
    for ax in (top, bottom):
        mark_disruptions(ax, runs, None, align)
        time_axis(ax, align)
    top.set_xlabel("")
    legend_below(fig)
    return fig


def funding_chart(runs: list[Run], align: str = "date") -> Figure:
    """Cumulative funding received (solid) and spent (dashed), all commodities (US$ millions)."""
    fig, ax = plt.subplots(figsize=(9, 4.4), layout="constrained")
    parts, received = [], []
    for i, (label, r) in enumerate(runs):
        totals = r.daily.groupby("day", sort=True)[["funds_received", "spent"]].sum()
        x = when(r.daily.drop_duplicates("day"), r.scenario.start, align)
        c = colour(i) if len(runs) > 1 else colour(2)
        name = f"{readable(label)}: " if len(runs) > 1 else ""
        lw = 3.2 if i == 0 and len(runs) > 1 else 2  # the first wider: a later line on top leaves its edges
        ax.step(x, totals["funds_received"].cumsum(), where="post", color=c, lw=lw, label=f"{name}received")
        ax.step(x, totals["spent"].cumsum(), where="post", color=c if len(runs) > 1 else colour(5), lw=lw,
                ls="--", label=f"{name}spent")  # fmt: skip
        received.append((readable(label), totals["funds_received"].cumsum().to_numpy()))
        f = r.summary["funding"]
        share = f["received_usd"] / f["requirement_usd"] if f["requirement_usd"] else 1.0
        parts.append(f"US\\${f['received_usd'] / 1e6:,.1f} M ({share:.0%})")
    requirement = runs[0][1].summary["funding"]["requirement_usd"]
    if requirement and len(runs) == 1:
        ax.axhline(requirement, color="#555555", ls=":", lw=0.9, label="requirement")
    mark_disruptions(ax, runs, None, align)
    note_same(ax, received, "received")
    ax.set_ylabel("cumulative US$ (millions)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:,.1f}"))
    ax.set_ylim(bottom=0)
    ax.set_title(fit("Funding received: " + " vs ".join(parts), fig, margin_in=0.6), fontsize=TITLE_FONT)
    time_axis(ax, align)
    legend_below(fig)
    return fig


def shortfall_chart(runs: list[Run]) -> Figure:
    """Shortfall person-days by commodity, one bar per scenario."""
    names = commodities_of(runs)
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    width = 0.8 / len(runs)
    x = np.arange(len(names))
    worst = []  # (person-days, commodity, label): person-days of different items are never added up
    for i, (label, r) in enumerate(runs):
        values = [r.summary["commodities"].get(n, {}).get("shortfall_person_days", np.nan) for n in names]
        label = readable(label)
        worst += [(v, n, label) for v, n in zip(values, names, strict=True) if v == v]
        ax.bar(x + (i - (len(runs) - 1) / 2) * width, values, width=width, color=colour(i), label=label)
    ax.set_xticks(x, names)
    ax.set_ylabel("shortfall (person-days)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    top = max(worst, default=(0.0, "", ""))
    if top[0] <= 0:
        title = "Shortfall: no commodity went short"
    elif len(runs) > 1:
        same = [v for v, n, _ in worst if n == top[1]]
        low = min((v, label) for v, n, label in worst if n == top[1])
        title = (f"Shortfall: {top[1]} worst, {top[0]:,.0f} person-days ({top[2]}) vs {low[0]:,.0f} ({low[1]})"
                 if len(same) > 1 else f"Shortfall: {top[1]} worst, {top[0]:,.0f} person-days ({top[2]})")  # fmt: skip
    else:
        title = f"Shortfall: {top[1]} worst, {top[0]:,.0f} person-days short"
    ax.set_title(fit(title, fig, margin_in=0.6), fontsize=TITLE_FONT)
    ax.grid(True, axis="y", alpha=0.3)
    if len(runs) > 1:  # one run's bars need no key
        legend_below(fig)
    return fig


def compliance_bands(result: SimulationResult, name: str) -> np.ndarray:
    """Per day: 0 adequate (standard met), 1 stressed, 2 critical (below the critical level)."""
    spec = result.scenario.commodities[name]
    rows = rows_of(result, name)
    need, given = rows["need"].to_numpy(), rows["distributed"].to_numpy()
    population = rows["population"].to_numpy()
    band = shortage_mask(need, given).astype(int)
    band[critical_mask(critical_level(name, spec), need, given, population)] = 2  # kits: none
    return band


def critical_level(name: str, spec) -> float | None:
    """The critical level per person and day, as the summary counts it (standards.critical_per_person_day)."""
    return standards.critical_per_person_day(name, spec.per_person_day, spec.critical_per_person_day)


def compliance_chart(runs: list[Run], align: str = "date") -> Figure:
    """Sphere compliance over time per commodity and scenario: adequate / stressed / critical."""
    strips = [(n, label, r) for n in commodities_of(runs) for label, r in runs
              if n in r.scenario.commodities and not r.scenario.commodities[n].per_household]  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(strips), 1) + 1.9), layout="constrained")
    worst = (0.0, "")
    reasons: set[str] = set()
    for k, (name, label, r) in enumerate(strips):
        rows = rows_of(r, name)
        band = compliance_bands(r, name)
        start = when(rows, r.scenario.start, align)[:1]
        start = float(start[0]) if align == "start" else mdates.date2num(start[0])
        for value, key in enumerate(BANDS):
            spans = [(start + first, length) for first, length in runs_of(band == value)]
            if spans:  # one rectangle per run of days, not per day: small, fast SVGs
                ax.broken_barh(spans, (k - 0.4, 0.8), color=BANDS[key], lw=0)
        for first, stop, reason in disruption_spans(r.scenario, name):  # on this strip only: it may be one item's
            x0 = (first - r.scenario.start).days + (0 if align == "start" else mdates.date2num(r.scenario.start))
            ax.broken_barh([(x0, (stop - first).days)], (k - 0.4, 0.8), facecolor="none", edgecolor="#333333",
                           hatch="///", lw=0, label=None if reason in reasons else f"disruption: {reason}")  # fmt: skip
            reasons.add(reason)
        share = r.summary["commodities"][name]["share_person_days_at_standard"]
        if share is not None and 1 - share > worst[0]:
            worst = (1 - share, f"{name}" + (f" ({readable(label)})" if len(runs) > 1 else ""))
    ax.set_yticks(range(len(strips)), [f"{n} · {readable(lab)}" if len(runs) > 1 else n for n, lab, _ in strips])
    ax.set_ylim(len(strips) - 0.5, -0.5)
    if align != "start":
        ax.xaxis_date()
    time_axis(ax, align)
    legend_below(fig, handles=[Patch(color=c, label=k) for k, c in BANDS.items()])
    title = (f"Sphere compliance: {worst[1]} below the standard for {worst[0]:.0%} of person-days"
             if worst[0] > 0 else "Sphere compliance: the standard is met for every person-day")  # fmt: skip
    fig.suptitle(fit(title, fig), fontsize=TITLE_FONT)  # over the figure: long strip names narrow the axes
    return fig


CHARTS = {
    "cover": cover_chart,
    "ration": ration_chart,
    "population": population_chart,
    "funding": funding_chart,
    "shortfall": shortfall_chart,
    "compliance": compliance_chart,
    "fan": fan_chart,  # replicated runs only
    "first_shortage": first_shortage_chart,  # replicated runs only
}


def registry(align: str = "date") -> dict:
    """CHARTS drawing by ``align`` ("date", or "start": by day since each scenario's start)."""
    if align == "date":
        return dict(CHARTS)
    return {name: (draw if name == "shortfall" else partial(draw, align=align)) for name, draw in CHARTS.items()}
