"""An allocation's figures: the frontier (objective against budget, flat vs best) and the split as bars."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from campsim.report.chartbase import TITLE_FONT, colour, fit, legend_below  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from campsim.results.allocate import AllocateResult


def frontier_chart(result: AllocateResult) -> Figure:
    """The objective against the budget: every commodity at the same share, and the best split."""
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    f = result.frontier
    millions = f["budget_usd"] / 1e6
    ax.plot(millions, f["objective_flat"], color=colour(1), marker="o", ms=3, label="flat split (same share each)")
    ax.plot(millions, f["objective_best"], color=colour(0), marker="o", ms=3, label="best split")
    ax.axvline(result.budget_usd / 1e6, color="#5f6368", ls="--", lw=1)
    ax.plot([result.budget_usd / 1e6], [result.totals["best"]], "o", color=colour(0), ms=8,
            label=f"this budget: US${result.budget_usd / 1e6:.3g} M")  # fmt: skip
    if result.flat_equivalent_usd is not None:
        ax.plot([result.flat_equivalent_usd / 1e6], [result.totals["best"]], "s", color=colour(1), ms=7,
                label=f"flat split doing as well: US${result.flat_equivalent_usd / 1e6:.3g} M")  # fmt: skip
    ax.set_xlabel("budget (US$ M)")
    ax.set_ylabel(result.objective_words)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    legend_below(fig)
    fig.suptitle(fit(f"{result.objective_words.capitalize()} by budget: flat vs best split", fig), fontsize=TITLE_FONT)
    return fig


def allocation_chart(result: AllocateResult) -> Figure:
    """Funded share per commodity: the best split next to the flat one."""
    a = result.allocation
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    x = np.arange(len(a))
    ax.bar(x - 0.2, a["flat_share"], width=0.4, color=colour(1), label="flat split")
    ax.bar(x + 0.2, a["best_share"], width=0.4, color=colour(0), label="best split")
    ax.set_xticks(x, list(a["commodity"]))
    ax.set_ylabel("funded share of the requirement")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylim(0, 1.05)
    ax.grid(True, axis="y", alpha=0.3)
    legend_below(fig)
    title = f"The split of US${result.budget_usd / 1e6:.3g} M ({result.budget_share:.0%} of the requirement)"
    fig.suptitle(fit(title, fig), fontsize=TITLE_FONT)
    return fig


CHARTS = {"frontier": frontier_chart, "allocation": allocation_chart}
