"""A forecast's figures: the chance of a pipeline break by each date, and the fan of days of cover.

Both take a ForecastResult (results/warning.py) and return a matplotlib Figure; they never run a model.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from campsim.report.chartbase import colour, legend_below, panels, time_axis
from campsim.report.chartmarks import disruption_spans
from campsim.report.forecast_text import replications

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from campsim.results.warning import ForecastResult


def _site_label(site: str, kind: str) -> str:
    return "camp" if not site else f"{site} (warehouse)" if kind == "warehouse" else site


def _mark_disruptions(ax, forecast: ForecastResult, item: str) -> None:
    """The scenario's disruptions of ``item`` that reach into the forecast, cut to its days (a
    disruption before as_of must not stretch the axis back to it)."""
    scenario = getattr(forecast.run, "scenario", None)
    if scenario is None:
        return
    first_day = forecast.as_of + timedelta(days=1)
    end = first_day + timedelta(days=forecast.days)
    seen: set[str] = set()
    for first, stop, reason in sorted(disruption_spans(scenario, item)):
        first, stop = max(first, first_day), min(stop, end)
        if first >= stop:
            continue
        ax.axvspan(np.datetime64(first, "D"), np.datetime64(stop, "D"), facecolor="none", edgecolor="#777777",
                   hatch="///", lw=0, label=None if reason in seen else f"disruption: {reason}")  # fmt: skip
        seen.add(reason)


def p_break_chart(forecast: ForecastResult) -> Figure:
    """P(first pipeline break on or before each date), one panel per commodity, one step line per site."""
    frame = forecast.p_break_by_date
    items = list(dict.fromkeys(frame["commodity"]))
    fig, axes = panels(items, f"Chance of a pipeline break by each date (state as of {forecast.as_of}, "
                             f"{replications(forecast.replications)})")  # fmt: skip
    kinds = {(r.site, r.commodity): r.site_kind for r in forecast.warning.itertuples()}
    for ax, item in zip(axes, items, strict=True):
        rows = frame[frame["commodity"] == item]
        for i, site in enumerate(dict.fromkeys(rows["site"])):
            one = rows[rows["site"] == site]
            kind = kinds.get((site, item), "camp")
            ax.step(one["date"].to_numpy(dtype="datetime64[D]"), one["p_break_by_date"], where="post",
                    color=colour(i), lw=1.6, ls="--" if kind == "warehouse" else "-",
                    label=_site_label(site, kind))  # fmt: skip
        ax.axhline(0.5, color="#888", lw=0.8, ls=":")
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel(f"{item}\nP(break)")
        _mark_disruptions(ax, forecast, item)
        time_axis(ax)
    legend_below(fig, axes)
    return fig


def cover_fan_chart(forecast: ForecastResult) -> Figure | None:
    """Days of cover per commodity over the forecast: each camp's median over its P10-P90 band."""
    q = forecast.run.daily_quantiles
    if q is None or q.empty:
        return None
    items = list(dict.fromkeys(q["commodity"]))
    fig, axes = panels(items, f"Days of cover over {replications(forecast.replications)}: median and P10-P90")
    for ax, item in zip(axes, items, strict=True):
        rows = q[q["commodity"] == item]
        sites = list(dict.fromkeys(rows["camp"])) if "camp" in rows.columns else [""]
        for i, site in enumerate(sites):
            one = rows[rows["camp"] == site] if site else rows
            dates = one["date"].to_numpy(dtype="datetime64[D]")
            ax.fill_between(dates, one["days_of_cover_p10"], one["days_of_cover_p90"], color=colour(i), alpha=0.2,
                            lw=0)  # fmt: skip
            ax.plot(dates, one["days_of_cover_p50"], color=colour(i), lw=1.6, label=site or "median")
        ax.set_ylabel(f"{item}\ndays of cover")
        top = np.nanmax(rows[["days_of_cover_p90"]].to_numpy(dtype=float), initial=0.0)
        ax.set_ylim(0, max(1.0, top * 1.05) if np.isfinite(top) else None)
        _mark_disruptions(ax, forecast, item)
        time_axis(ax)
    legend_below(fig, axes)
    return fig


FORECAST_CHARTS = {"p_break": p_break_chart, "cover_fan": cover_fan_chart}
