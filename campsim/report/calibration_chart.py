"""The calibration report's chart: the deterministic population path against the counts on record."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from campsim.report.chartbase import TITLE_FONT, colour, fit, legend_below, time_axis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from campsim.results.calibration import Calibration


def calibration_chart(cal: Calibration) -> Figure:
    """The deterministic population path as a line, the counts on record as markers with their error."""
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    ax.plot(np.array(cal.dates(), dtype="datetime64[D]"), cal.path_persons, color=colour(0), lw=2,
            label="model: deterministic path P(d)")  # fmt: skip
    when = np.array([p.date for p in cal.points], dtype="datetime64[D]")
    observed = [p.observed_persons for p in cal.points]
    model = [p.model_persons for p in cal.points]
    ax.vlines(when, observed, model, color=colour(5), lw=1.2)  # the gap each error measures
    ax.plot(when, observed, "o", color=colour(5), ms=6, label="on record (label: model vs record)")
    for p in cal.points:
        below = p.difference_persons > 0  # label on the side of the point away from the line
        where = (np.datetime64(p.date, "D"), p.observed_persons)
        ax.annotate(f"{p.difference_persons / p.observed_persons:+.1%}", where, xytext=(6, -13) if below else (-6, 7),
                    textcoords="offset points", ha="left" if below else "right", fontsize=8,
                    color=colour(5))  # fmt: skip
    ax.margins(y=0.08)  # room for the labels
    ax.set_ylabel("population (people)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title(fit(f"Population against the record: mean relative error {cal.mean_relative_error:.1%} "
                     f"over {len(cal.points)} points", fig, margin_in=0.6), fontsize=TITLE_FONT)  # fmt: skip
    time_axis(ax)
    legend_below(fig)
    return fig
