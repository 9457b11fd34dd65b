"""Matplotlib figures from results, for one run or several overlaid. Charts never run a model.

Every function takes ``runs``: a list of (label, SimulationResult), and returns a Figure.
A scenario keeps one colour across all charts (Okabe-Ito, colour-blind safe); with a
single run the colours go to commodities where that reads better.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from campsim.model import standards  # noqa: E402
from campsim.report.chartmarks import mark_disruptions  # noqa: E402
from campsim.report.dateticks import DateTicks  # noqa: E402
from campsim.report.text import curve_ends, is_number, show  # noqa: E402
from campsim.results.metrics import critical_mask, shortage_mask  # noqa: E402
from campsim.results.metrics import runs as runs_of  # noqa: E402
from campsim.results.run import commodities_of  # noqa: E402

if TYPE_CHECKING:
    from campsim.results.run import SimulationResult

Run = tuple[str, "SimulationResult"]

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BANDS = {"adequate": "#009E73", "stressed": "#E69F00", "critical": "#D55E00"}
CHART_NAMES = ("cover", "ration", "population", "funding", "shortfall", "compliance")


def colour(i: int) -> str:
    """The fixed colour of the i-th scenario (or commodity)."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def _rows(result: SimulationResult, name: str) -> pd.DataFrame:
    return result.daily[result.daily["commodity"] == name]


def _dates(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(frame["date"]).to_numpy()


def _date_axis(ax) -> None:
    locator = DateTicks(minticks=4, maxticks=8)  # AutoDateLocator's ticks, once a view (dateticks.py)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)


def _shade(ax, dates: np.ndarray, mask: np.ndarray, colour_: str, label: str | None) -> None:
    """Shade runs of days where mask is true."""
    values = np.asarray(mask, dtype=bool)
    if not values.any():
        return
    one_day = np.timedelta64(1, "D")
    padded = np.concatenate(([False], values, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for k, (a, b) in enumerate(zip(edges[::2], edges[1::2], strict=True)):
        ax.axvspan(dates[a], dates[b - 1] + one_day, color=colour_, alpha=0.13, lw=0,
                   label=label if k == 0 else None)  # fmt: skip


def _grid(names: list[str], title: str, height: float = 2.3) -> tuple[Figure, list]:
    fig, axes = plt.subplots(len(names), 1, figsize=(9, height * len(names) + 0.9), sharex=True,
                             squeeze=False, layout="constrained")  # fmt: skip
    fig.suptitle(title, fontsize=12)
    return fig, list(axes[:, 0])


def _line_colour(runs: list[Run], i: int, j: int) -> str:
    """Scenario colour when comparing; commodity colour for a single run."""
    return colour(i) if len(runs) > 1 else colour(j)


def _label(runs: list[Run], label: str, fallback: str) -> str:
    return label if len(runs) > 1 else fallback


def cover_chart(runs: list[Run]) -> Figure:
    """Stock in days of cover per commodity; rationing thresholds drawn, shortage days shaded."""
    names = commodities_of(runs)
    short = [n for n in names if any(n in r.summary["commodities"]
                                     and r.summary["commodities"][n]["shortage_days"] for _, r in runs)]  # fmt: skip
    fig, axes = _grid(names, "Stock in days of cover: "
                      + (", ".join(short) + " fall below the standard" if short else "no shortage"))  # fmt: skip
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        thresholds: set[float] = set()
        for i, (label, r) in enumerate(runs):
            if name not in r.scenario.commodities:
                continue
            rows = _rows(r, name)
            dates, c = _dates(rows), _line_colour(runs, i, j)
            ax.plot(dates, rows["days_of_cover"], color=c, lw=1.6, label=_label(runs, label, name))
            _shade(ax, dates, rows["shortage"].to_numpy() > 0, c if len(runs) > 1 else "#D55E00",
                   None if len(runs) > 1 else "below standard")  # fmt: skip
            thresholds |= {s.below_days_of_cover for s in r.scenario.commodities[name].rationing}
        mark_disruptions(ax, runs, name)
        for k, t in enumerate(sorted(thresholds)):
            ax.axhline(t, color="#555555", ls="--", lw=0.9, label="rationing threshold" if k == 0 else None)
        ax.set_ylabel(f"{name}\ndays of cover")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=7)
        _date_axis(ax)
    return fig


def ration_chart(runs: list[Run]) -> Figure:
    """Share of the standard received per day (1.0 = the standard), critical level drawn."""
    names = commodities_of(runs)
    worst = min(((r.summary["commodities"][n]["min_ration"], n, label) for label, r in runs
                 for n in r.summary["commodities"]), default=(1.0, "", ""))  # fmt: skip
    where = f" ({worst[2]})" if len(runs) > 1 else ""
    title = (f"Ration received: {worst[1]}{where} falls to {worst[0]:.0%} of the standard" if worst[0] < 1
             else "Ration received: the standard is met every day")  # fmt: skip
    fig, axes = _grid(names, title, height=1.9)
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        critical = set()
        for i, (label, r) in enumerate(runs):
            spec = r.scenario.commodities.get(name)
            if spec is None:
                continue
            rows = _rows(r, name)
            ax.step(_dates(rows), rows["ration"], where="post", color=_line_colour(runs, i, j), lw=1.5,
                    label=_label(runs, label, name))  # fmt: skip
            level = critical_level(name, spec)
            if level is not None:
                critical.add(level / spec.per_person_day)
        mark_disruptions(ax, runs, name)
        ax.axhline(1.0, color="#000000", lw=0.8, ls=":", label="standard (1.0)")
        for k, level in enumerate(sorted(critical)):
            ax.axhline(level, color=BANDS["critical"], lw=1.0, ls="--", label="critical level" if k == 0 else None)
        ax.set_ylim(-0.03, 1.1)
        ax.set_ylabel(f"{name}\nreceived / need")
        ax.legend(loc="lower left", fontsize=7)
        _date_axis(ax)
    return fig


def population_chart(runs: list[Run]) -> Figure:
    """Camp population and daily arrivals (people)."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), sharex=True, layout="constrained",
                                      height_ratios=[2, 1])  # fmt: skip
    peaks = [(r.summary["population"]["peak"], label) for label, r in runs]
    peak, who = max(peaks)
    first = runs[0][1].summary["population"]["initial"]
    who = f" ({who})" if len(runs) > 1 else ""
    fig.suptitle(f"Population: from {first:,.0f} to a peak of {peak:,.0f} people{who}", fontsize=12)
    for i, (label, r) in enumerate(runs):
        days = r.daily.drop_duplicates("day")
        dates = _dates(days)
        top.plot(dates, days["population"], color=colour(i), lw=2, label=_label(runs, label, "population"))
        if len(runs) == 1:
            # one filled step polygon rather than a bar per day: fast for ten-year horizons
            bottom.fill_between(dates, days["arrivals"], step="post", color=colour(4), alpha=0.8, lw=0,
                                label="arrivals")  # fmt: skip
        else:
            bottom.step(dates, days["arrivals"], where="post", color=colour(i), lw=1.2, label=label)
    top.set_ylabel("population (people)")
    top.set_ylim(bottom=0)
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    bottom.set_ylabel("arrivals (people/day)")
    for ax in (top, bottom):
        ax.legend(loc="upper left", fontsize=7)
        _date_axis(ax)
    return fig


def funding_chart(runs: list[Run]) -> Figure:
    """Cumulative funding received (solid) and spent (dashed), all commodities (US$ millions)."""
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    parts = []
    for i, (label, r) in enumerate(runs):
        totals = r.daily.groupby("day", sort=True)[["funds_received", "spent"]].sum()
        dates = _dates(r.daily.drop_duplicates("day"))
        c = colour(i) if len(runs) > 1 else colour(2)
        name = f"{label}: " if len(runs) > 1 else ""
        ax.step(dates, totals["funds_received"].cumsum(), where="post", color=c, lw=2, label=f"{name}received")
        ax.step(dates, totals["spent"].cumsum(), where="post", color=c if len(runs) > 1 else colour(5), lw=2,
                ls="--", label=f"{name}spent")  # fmt: skip
        f = r.summary["funding"]
        share = f["received_usd"] / f["requirement_usd"] if f["requirement_usd"] else 1.0
        parts.append(f"US\\${f['received_usd'] / 1e6:,.1f} M ({share:.0%})")
    requirement = runs[0][1].summary["funding"]["requirement_usd"]
    if requirement and len(runs) == 1:
        ax.axhline(requirement, color="#555555", ls=":", lw=0.9, label="requirement")
    ax.set_ylabel("cumulative US$ (millions)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:,.1f}"))
    ax.set_ylim(bottom=0)
    ax.set_title("Funding received: " + " vs ".join(parts), fontsize=12)
    ax.legend(loc="upper left", fontsize=7)
    _date_axis(ax)
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
    ax.set_title(title, fontsize=12)
    ax.legend(loc="upper right", fontsize=7)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def compliance_bands(result: SimulationResult, name: str) -> np.ndarray:
    """Per day: 0 adequate (standard met), 1 stressed, 2 critical (below the critical level)."""
    spec = result.scenario.commodities[name]
    rows = _rows(result, name)
    need, given = rows["need"].to_numpy(), rows["distributed"].to_numpy()
    population = rows["population"].to_numpy()
    band = shortage_mask(need, given).astype(int)
    band[critical_mask(critical_level(name, spec), need, given, population)] = 2  # kits: none
    return band


def critical_level(name: str, spec) -> float | None:
    """The critical level per person and day, as the summary counts it (standards.critical_per_person_day)."""
    return standards.critical_per_person_day(name, spec.per_person_day, spec.critical_per_person_day)


def compliance_chart(runs: list[Run]) -> Figure:
    """Sphere compliance over time per commodity and scenario: adequate / stressed / critical."""
    strips = [(n, label, r) for n in commodities_of(runs) for label, r in runs
              if n in r.scenario.commodities and not r.scenario.commodities[n].per_household]  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(strips), 1) + 1.6), layout="constrained")
    worst = (0.0, "")
    for k, (name, label, r) in enumerate(strips):
        rows = _rows(r, name)
        dates = _dates(rows)
        band = compliance_bands(r, name)
        start = mdates.date2num(dates[0])
        for value, key in enumerate(BANDS):
            spans = [(start + first, length) for first, length in runs_of(band == value)]
            if spans:  # one rectangle per run of days, not per day: small, fast SVGs
                ax.broken_barh(spans, (k - 0.4, 0.8), color=BANDS[key], lw=0)
        share = r.summary["commodities"][name]["share_person_days_at_standard"]
        if share is not None and 1 - share > worst[0]:
            worst = (1 - share, f"{name}" + (f" ({label})" if len(runs) > 1 else ""))
    ax.set_yticks(range(len(strips)), [f"{n} · {lab}" if len(runs) > 1 else n for n, lab, _ in strips])
    ax.set_ylim(len(strips) - 0.5, -0.5)
    ax.xaxis_date()
    _date_axis(ax)
    ax.legend(handles=[Patch(color=c, label=k) for k, c in BANDS.items()], loc="upper center",
              bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)  # fmt: skip
    title = (f"Sphere compliance: {worst[1]} below the standard for {worst[0]:.0%} of person-days"
             if worst[0] > 0 else "Sphere compliance: the standard is met for every person-day")  # fmt: skip
    ax.set_title(title, fontsize=12)
    return fig


def fan_chart(runs: list[Run]) -> Figure | None:
    """Days of cover per commodity over replications: median over the P10-P90 band."""
    replicated = [(label, r) for label, r in runs if getattr(r, "daily_quantiles", None) is not None]
    if not replicated:
        return None
    names = commodities_of(replicated)
    n = replicated[0][1].summary["replications"]
    fig, axes = _grid(names, f"Days of cover over {n:,} replications: median and P10-P90")
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        for i, (label, r) in enumerate(replicated):
            q = r.daily_quantiles[r.daily_quantiles["commodity"] == name]
            if q.empty:
                continue
            dates, c = _dates(q), _line_colour(replicated, i, j)
            ax.fill_between(dates, q["days_of_cover_p10"], q["days_of_cover_p90"], color=c, alpha=0.2, lw=0,
                            label=None if len(replicated) > 1 else "P10-P90")  # fmt: skip
            ax.plot(dates, q["days_of_cover_p50"], color=c, lw=1.6, label=_label(replicated, label, "median"))
        ax.set_ylabel(f"{name}\ndays of cover")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=7)
        _date_axis(ax)
    return fig


def first_shortage_chart(runs: list[Run]) -> Figure | None:
    """Probability that each commodity has gone short by each date."""
    replicated = [(label, r) for label, r in runs if getattr(r, "p_shortage_by_date", None) is not None]
    if not replicated:
        return None
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    series = []  # (first date at even odds or None, -final chance, final chance, item, last date)
    for i, (label, r) in enumerate(replicated):
        frame = r.p_shortage_by_date
        for j, name in enumerate(r.scenario.commodities):
            rows = frame[frame["commodity"] == name]
            style = "-" if len(replicated) == 1 else ["-", "--", ":", "-."][j % 4]
            c = colour(j) if len(replicated) == 1 else colour(i)
            tag = name if len(replicated) == 1 else f"{name} · {label}"
            ax.step(_dates(rows), rows["p_first_shortage_by_date"], where="post", color=c, ls=style, lw=1.6,
                    label=tag)  # fmt: skip
            p = rows["p_first_shortage_by_date"].to_numpy()
            dates = pd.to_datetime(rows["date"]).tolist()
            half = next((d for d, q in zip(dates, p, strict=True) if q >= 0.5), None)
            series.append((half, -p[-1], float(p[-1]), tag, dates[-1]))
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("P(first shortage by date)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    even = sorted((s for s in series if s[0] is not None), key=lambda s: (s[0], s[1]))
    likely = min(series, key=lambda s: s[1], default=None)
    if even:  # the item short soonest in half the replications, not the last one to reach its highest
        half, _, p, tag, end = even[0]
        title = (f"Chance of a shortage by date: {tag} first, even odds by {half:%d %b %Y}, "
                 f"{p:.0%} by {end:%d %b %Y}")  # fmt: skip
    elif likely is not None and likely[2] > 0:
        title = f"Chance of a shortage by date: {likely[3]} most likely, {likely[2]:.0%} by {likely[4]:%d %b %Y}"
    else:
        title = "Chance of a shortage by date: none in any replication"
    ax.set_title(title, fontsize=12)
    ax.legend(loc="upper left", fontsize=7)
    _date_axis(ax)
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


def sweep_chart(table: pd.DataFrame, keys: list[str]) -> Figure:
    """The funding-to-shortage curve: shortfall person-days (P10-P90 band) and P(any shortage)."""
    x_key = keys[0]
    others = keys[1:]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True, layout="constrained",
                                      height_ratios=[3, 2])  # fmt: skip
    groups = [((), table)] if not others else list(table.groupby(others, sort=False))
    values = list(dict.fromkeys(table[x_key]))
    numeric = all(is_number(v) for v in values)
    position = {v: i for i, v in enumerate(values)}  # categories (e.g. upfront, monthly) in grid order
    styles = ["-", "--", ":", "-."]
    for g, (other_values, rows) in enumerate(groups):
        suffix = "" if not others else " · " + ", ".join(
            f"{k}={v}" for k, v in zip(others, other_values if isinstance(other_values, tuple) else (other_values,),
                                       strict=True))  # fmt: skip
        for j, (name, line) in enumerate(rows.groupby("commodity", sort=False)):
            if numeric:
                line = line.sort_values(x_key)
            x = line[x_key].to_numpy(dtype=float) if numeric else line[x_key].map(position).to_numpy()
            c, ls = colour(j), styles[g % len(styles)]
            top.fill_between(x, line["shortfall_person_days_p10"], line["shortfall_person_days_p90"], color=c,
                             alpha=0.15, lw=0)  # fmt: skip
            top.plot(x, line["shortfall_person_days"], color=c, ls=ls, marker="o", ms=3, label=f"{name}{suffix}")
            bottom.plot(x, line["p_shortage"], color=c, ls=ls, marker="o", ms=3, label=f"{name}{suffix}")
    top.set_ylabel("shortfall (person-days)\nmean, P10-P90 band")
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    top.set_ylim(bottom=0)
    bottom.set_ylabel("P(any shortage day)")
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    bottom.set_ylim(-0.02, 1.02)
    bottom.set_xlabel(x_key + (" (share of the requirement)" if x_key.endswith("funded_fraction") else ""))
    if not numeric:
        bottom.set_xticks(range(len(values)), [show(v) for v in values])
    (low, first), (high, last) = curve_ends(table, x_key)
    fig.suptitle(f"Shortfall from {first:,.0f} person-days at {x_key}={show(low)} to "
                 f"{last:,.0f} at {show(high)}", fontsize=12)  # fmt: skip
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize=7)
    return fig
