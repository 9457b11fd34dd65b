"""Charts of replicated runs: the fan of days of cover (median over P10-P90) and the chance of a
first shortage by date. Runs without replications are left out; with none, no chart (None).

More than SMALL_MULTIPLES_ABOVE scenarios get one panel each (small multiples with shared
axes) instead of overlapping fan bands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator  # noqa: E402

from campsim.report.chartbase import (  # noqa: E402
    TITLE_FONT,
    colour,
    fit,
    legend_below,
    note_same,
    panels,
    series_style,
    time_axis,
    when,
)
from campsim.report.chartlabels import readable  # noqa: E402
from campsim.report.chartmarks import mark_disruptions  # noqa: E402
from campsim.results.run import commodities_of  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from campsim.results.run import SimulationResult

    Run = tuple[str, SimulationResult]

SMALL_MULTIPLES_ABOVE = 3  # scenarios; with more, a fan chart draws one panel per scenario


def fan_chart(runs: list[Run], align: str = "date") -> Figure | None:
    """Days of cover per commodity over replications: median over the P10-P90 band."""
    replicated = [(label, r) for label, r in runs if getattr(r, "daily_quantiles", None) is not None]
    if not replicated:
        return None
    names = commodities_of(replicated)
    n = replicated[0][1].summary["replications"]
    title = f"Days of cover over {n:,} replications: median and P10-P90"
    if len(replicated) > SMALL_MULTIPLES_ABOVE:
        return _fan_multiples(replicated, names, title, align)
    fig, axes = panels(names, title)
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        drawn = []
        for i, (label, r) in enumerate(replicated):
            q = r.daily_quantiles[r.daily_quantiles["commodity"] == name]
            if q.empty:
                continue
            x, c = when(q, r.scenario.start, align), colour(i) if len(replicated) > 1 else colour(j)
            ax.fill_between(x, q["days_of_cover_p10"], q["days_of_cover_p90"], color=c, alpha=0.2, lw=0,
                            label="P10-P90" if len(replicated) == 1 else None)  # fmt: skip
            ax.plot(x, q["days_of_cover_p50"], color=c, label=readable(label) if len(replicated) > 1 else "median",
                    **series_style(i, len(replicated)))  # fmt: skip
            drawn.append((readable(label), q["days_of_cover_p50"].to_numpy()))
        mark_disruptions(ax, replicated, name, align)
        note_same(ax, drawn, name)
        ax.set_ylabel(f"{name}\ndays of cover")
        ax.set_ylim(bottom=0)
        time_axis(ax, align)
    extra = [Patch(color="#777777", alpha=0.3, label="P10-P90 (band in the scenario's colour)")]
    legend_below(fig, handles=extra if len(replicated) > 1 else None)
    return fig


def _fan_multiples(replicated: list[Run], names: list[str], title: str, align: str) -> Figure:
    """One panel per commodity (rows) and scenario (columns), rows sharing their y axis, all the x axis."""
    cols = len(replicated)
    fig, axes = plt.subplots(len(names), cols, figsize=(max(9, 2.1 * cols + 1), 1.8 * len(names) + 1.6),
                             sharex=True, sharey="row", squeeze=False, layout="constrained")  # fmt: skip
    fig.suptitle(fit(title, fig), fontsize=TITLE_FONT)
    for i, (label, r) in enumerate(replicated):
        axes[0, i].set_title(fit(readable(label), fig, 9, margin_in=(fig.get_figwidth() * (1 - 1 / cols) + 0.4) / 2),
                             fontsize=9)  # fmt: skip
        for j, name in enumerate(names):
            ax = axes[j, i]
            q = r.daily_quantiles[r.daily_quantiles["commodity"] == name]
            if not q.empty:
                x = when(q, r.scenario.start, align)
                ax.fill_between(x, q["days_of_cover_p10"], q["days_of_cover_p90"], color=colour(i), alpha=0.25, lw=0,
                                label="P10-P90")  # fmt: skip
                ax.plot(x, q["days_of_cover_p50"], color=colour(i), lw=1.3, label="median")
                mark_disruptions(ax, [(label, r)], name, align)
            if i == 0:
                ax.set_ylabel(f"{name}\ndays of cover", fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(True, alpha=0.3)
    for ax in axes[:, 0]:  # after every panel of the row is drawn: the rows share their y axis
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    _fixed_ticks(axes[-1, 0], align)
    for ax in axes[-1, :]:
        ax.set_xlabel("day since start" if align == "start" else "", fontsize=8)
    legend_below(fig)
    return fig


def _fixed_ticks(ax, align: str) -> None:
    """The x ticks worked out once and fixed: the panels share them, and a date locator run on
    every one of many panels is most of such a figure's cost."""
    time_axis(ax, align, ticks=4)
    locs = [v for v in ax.xaxis.get_major_locator()() if ax.get_xlim()[0] <= v <= ax.get_xlim()[1]]
    labels = ax.xaxis.get_major_formatter().format_ticks(locs)
    ax.xaxis.set_major_locator(FixedLocator(locs))
    ax.xaxis.set_major_formatter(FixedFormatter(labels))


def first_shortage_chart(runs: list[Run], align: str = "date") -> Figure | None:
    """Probability that each commodity has gone short by each date: one run's items in one panel,
    a comparison's in one panel per item with a line per scenario."""
    replicated = [(label, r) for label, r in runs if getattr(r, "p_shortage_by_date", None) is not None]
    if not replicated:
        return None
    one = len(replicated) == 1
    names = list(replicated[0][1].scenario.commodities) if one else commodities_of(replicated)
    if one:
        fig, ax = plt.subplots(figsize=(9, 4.4), layout="constrained")
        axes = {name: ax for name in names}
    else:
        fig, stacked = panels(names, "", height=1.7)
        axes = dict(zip(names, stacked, strict=True))
    series = []  # (first date at even odds or None, -final chance, final chance, item, last date)
    by_item: dict[str, list] = {}
    for i, (label, r) in enumerate(replicated):
        frame = r.p_shortage_by_date
        for j, name in enumerate(r.scenario.commodities):
            rows = frame[frame["commodity"] == name]
            tag = name if one else f"{name} · {readable(label)}"
            p = rows["p_first_shortage_by_date"].to_numpy()
            axes[name].step(when(rows, r.scenario.start, align), p, where="post", color=colour(j if one else i),
                            label=name if one else readable(label), **series_style(i, len(replicated)))  # fmt: skip
            by_item.setdefault(name, []).append((readable(label), p))
            dates = pd.to_datetime(rows["date"]).tolist()
            half = next((d for d, q in zip(dates, p, strict=True) if q >= 0.5), None)
            series.append((half, -p[-1], float(p[-1]), tag, dates[-1]))
    for name, ax in ({names[0]: axes[names[0]]} if one else axes).items():
        mark_disruptions(ax, replicated, None if one else name, align)
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("P(first shortage\nby date)" if one else f"{name}\nP(first shortage)")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        time_axis(ax, align)
        if not one:
            note_same(ax, by_item.get(name, []), name)
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
    if one:
        axes[names[0]].set_title(fit(title, fig, margin_in=0.6), fontsize=TITLE_FONT)
    else:
        fig.suptitle(fit(title, fig), fontsize=TITLE_FONT)
    legend_below(fig)
    return fig
