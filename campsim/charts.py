"""Matplotlib figures from run results. Charts never run a model; they return Figures.

Colours are the Okabe-Ito colour-blind-safe palette, one fixed colour per commodity.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SHORTAGE_SHADE = "#D55E00"


def _colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def _dates(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["date"])


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)


def _shade(ax, dates: pd.Series, mask: np.ndarray, label: str | None) -> None:
    """Shade runs of days where mask is true."""
    values = np.asarray(mask, dtype=bool)
    if not values.any():
        return
    d = dates.to_numpy()
    one_day = np.timedelta64(1, "D")
    padded = np.concatenate(([False], values, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for k, (a, b) in enumerate(zip(edges[::2], edges[1::2], strict=True)):
        ax.axvspan(d[a], d[b - 1] + one_day, color=SHORTAGE_SHADE, alpha=0.15, lw=0,
                   label=label if k == 0 else None)  # fmt: skip


def _per_commodity_axes(names: list[str], title: str) -> tuple[Figure, list]:
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 2.4 * len(names) + 0.8), sharex=True,
                             squeeze=False, layout="constrained")  # fmt: skip
    fig.suptitle(title, fontsize=12)
    return fig, list(axes[:, 0])


def cover_chart(daily: pd.DataFrame, summary: dict, rationing: dict[str, list[float]]) -> Figure:
    """Days of cover per commodity, rationing thresholds drawn, shortage days shaded."""
    names = list(summary["commodities"])
    short = [n for n in names if summary["commodities"][n]["shortage_days"]]
    title = "Stock in days of cover: " + (", ".join(short) + " fall short" if short else "no shortage")
    fig, axes = _per_commodity_axes(names, title)
    for i, (ax, name) in enumerate(zip(axes, names, strict=True)):
        rows = daily[daily["commodity"] == name]
        dates = _dates(rows)
        ax.plot(dates, rows["days_of_cover"], color=_colour(i), lw=1.6, label=f"{name} (before distribution)")
        for k, threshold in enumerate(sorted(rationing.get(name, []))):
            ax.axhline(threshold, color="#555555", ls="--", lw=0.9,
                       label="rationing threshold" if k == 0 else None)  # fmt: skip
        _shade(ax, dates, rows["shortage"].to_numpy() > 0, "below standard")
        ax.set_ylabel("days of cover")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=8)
        _date_axis(ax)
    return fig


def ration_chart(daily: pd.DataFrame, summary: dict) -> Figure:
    """Share of the standard ration received per commodity (1.0 = the standard)."""
    names = list(summary["commodities"])
    worst = min(names, key=lambda n: summary["commodities"][n]["min_ration"])
    low = summary["commodities"][worst]["min_ration"]
    title = (f"Ration received: {worst} falls to {low:.0%} of the standard" if low < 1
             else "Ration received: every commodity at the standard")  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    for i, name in enumerate(names):
        rows = daily[daily["commodity"] == name]
        ax.step(_dates(rows), rows["ration"], where="post", color=_colour(i), lw=1.5, label=name)
    ax.axhline(1.0, color="#000000", lw=0.8, ls=":", label="standard (1.0)")
    ax.set_ylim(-0.02, 1.08)
    ax.set_ylabel("distributed / need")
    ax.set_title(title, fontsize=12)
    ax.legend(loc="lower left", fontsize=8)
    _date_axis(ax)
    return fig


def population_chart(daily: pd.DataFrame, summary: dict) -> Figure:
    """Camp population (line) and daily arrivals (bars)."""
    first = daily.drop_duplicates("day")
    dates = _dates(first)
    pop = summary["population"]
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    ax.bar(dates, first["arrivals"], width=1.0, color=_colour(4), alpha=0.6, label="arrivals (people/day)")
    ax.set_ylabel("arrivals (people/day)")
    twin = ax.twinx()
    twin.plot(dates, first["population"], color=_colour(0), lw=2, label="population (people)")
    twin.set_ylabel("population (people)")
    twin.set_ylim(bottom=0)
    ax.set_title(f"Population: {pop['initial']:,.0f} to a peak of {pop['peak']:,.0f} people", fontsize=12)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + twin.get_legend_handles_labels()[1]
    ax.legend(handles, labels, loc="upper left", fontsize=8)
    _date_axis(ax)
    return fig


def funding_chart(daily: pd.DataFrame, summary: dict) -> Figure:
    """Cumulative funding received and spent, all commodities together (US$)."""
    totals = daily.groupby("day", sort=True)[["funds_received", "spent"]].sum()
    dates = pd.to_datetime(daily.drop_duplicates("day")["date"]).to_numpy()
    f = summary["funding"]
    share = f["received_usd"] / f["requirement_usd"] if f["requirement_usd"] else 1.0
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    ax.step(dates, totals["funds_received"].cumsum(), where="post", color=_colour(2), lw=2, label="received")
    ax.step(dates, totals["spent"].cumsum(), where="post", color=_colour(5), lw=2, label="spent")
    if f["requirement_usd"]:
        ax.axhline(f["requirement_usd"], color="#555555", ls="--", lw=0.9, label="requirement")
    ax.set_ylabel("cumulative US$ (millions)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:,.1f}"))
    ax.set_ylim(bottom=0)
    ax.set_title(f"Funding: US\\${f['received_usd']:,.0f} received ({share:.0%} of the requirement), "
                 f"US\\${f['spent_usd']:,.0f} spent", fontsize=12)  # fmt: skip
    ax.legend(loc="upper left", fontsize=8)
    _date_axis(ax)
    return fig


def run_charts(daily: pd.DataFrame, summary: dict, rationing: dict[str, list[float]]) -> dict[str, Figure]:
    """All charts of one run, by file stem."""
    return {
        "cover": cover_chart(daily, summary, rationing),
        "ration": ration_chart(daily, summary),
        "population": population_chart(daily, summary),
        "funding": funding_chart(daily, summary),
    }


def save(fig: Figure, path_without_suffix, dpi: int = 150) -> list[str]:
    """Save a figure as PNG and close it; return the file names written."""
    fig.savefig(f"{path_without_suffix}.png", dpi=dpi)
    plt.close(fig)
    return [f"{path_without_suffix}.png"]
