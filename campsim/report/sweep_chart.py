"""The sweep chart: shortfall person-days and P(any shortage) against the varied key, with the
funding received at each point on a US$ axis along the top."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from campsim.report.chartbase import TITLE_FONT, colour, fit, legend_below  # noqa: E402
from campsim.report.chartlabels import axis_words, is_share, setting  # noqa: E402
from campsim.report.compare_text import is_number  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

STYLES = ["-", "--", ":", "-."]
MAX_USD_TICKS = 8


def sweep_chart(table: pd.DataFrame, keys: list[str]) -> Figure:
    """The funding-to-shortage curve: shortfall person-days (P10-P90 band) and P(any shortage)."""
    x_key = keys[0]
    others = keys[1:]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, layout="constrained",
                                      height_ratios=[3, 2])  # fmt: skip
    groups = [((), table)] if not others else list(table.groupby(others, sort=False))
    values = list(dict.fromkeys(table[x_key]))
    numeric = all(is_number(v) for v in values)
    position = {v: i for i, v in enumerate(values)}  # categories (e.g. upfront, monthly) in grid order
    for g, (other_values, rows) in enumerate(groups):
        other_values = other_values if isinstance(other_values, tuple) else (other_values,)
        suffix = "" if not others else " · " + ", ".join(setting(k, v) for k, v in zip(others, other_values,
                                                                                         strict=True))  # fmt: skip
        for j, (name, line) in enumerate(rows.groupby("commodity", sort=False)):
            if numeric:
                line = line.sort_values(x_key)
            x = line[x_key].to_numpy(dtype=float) if numeric else line[x_key].map(position).to_numpy()
            c, ls = colour(j), STYLES[g % len(STYLES)]
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
    bottom.set_xlabel(axis_words(x_key))
    if not numeric:
        bottom.set_xticks(range(len(values)), [str(v) for v in values])
    elif is_share(x_key):
        bottom.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    _usd_axis(top, table, x_key, values, position, numeric)
    fig.suptitle(fit(_title(table, x_key), fig), fontsize=TITLE_FONT)
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
    legend_below(fig, [top])
    return fig


def received_by_point(table: pd.DataFrame, x_key: str) -> dict[object, tuple[float, float]]:
    """Funding received (US$, all commodities, mean over replications) at each value of ``x_key``:
    (lowest, highest) over the other keys' values (the same when only one key is varied)."""
    keys = [c for c in table.columns[: list(table.columns).index("commodity")]]
    totals = table.groupby(keys, sort=False)["received_usd"].sum().reset_index()
    return {v: (float(rows["received_usd"].min()), float(rows["received_usd"].max()))
            for v, rows in totals.groupby(x_key, sort=False)}  # fmt: skip


def _usd_axis(ax, table: pd.DataFrame, x_key: str, values: list, position: dict, numeric: bool) -> None:
    """A second x axis along the top: the funding received at (some of) the sweep's points."""
    if "received_usd" not in table.columns:
        return
    received = received_by_point(table, x_key)
    shown = sorted(values) if numeric else values
    step = max(1, -(-len(shown) // MAX_USD_TICKS))  # at most MAX_USD_TICKS labels: every step-th point
    ticks = shown[::step]
    most = max((high for _, high in received.values()), default=0.0)
    scale, unit = next(((s, u) for s, u in ((1e6, "millions"), (1e3, "thousands")) if most >= s), (1.0, ""))
    usd = ax.secondary_xaxis("top")
    usd.set_xticks([float(v) if numeric else position[v] for v in ticks],
                   [_amount(*received[v], scale) for v in ticks])  # fmt: skip
    usd.tick_params(labelsize=8)
    usd.set_xlabel(f"funding received (US\\${' ' + unit if unit else ''}, all commodities)", fontsize=9)


def _amount(low: float, high: float, scale: float) -> str:
    """US$ in the axis's unit, one decimal; a range where the other varied keys change it."""
    if f"{low / scale:,.1f}" == f"{high / scale:,.1f}":
        return f"{high / scale:,.1f}"
    return f"{low / scale:,.1f}-{high / scale:,.1f}"


def _title(table: pd.DataFrame, x_key: str) -> str:
    """The worst item's shortfall at the two ends of the sweep (person-days of different items are
    never added up); the first values of any other varied keys."""
    keys = [c for c in table.columns[: list(table.columns).index("commodity")]]
    first, held = table, []
    for key in keys[1:]:
        first = first[first[key] == table[key].iloc[0]]
        if key != "camp":  # a network's totals: camp is empty
            held.append(setting(key, table[key].iloc[0]))
    values = list(dict.fromkeys(first[x_key]))
    if all(is_number(v) for v in values):
        values = sorted(values)
    low, high = values[0], values[-1]
    at = {v: rows.set_index("commodity")["shortfall_person_days"] for v, rows in first.groupby(x_key, sort=False)}
    worst = at[low].idxmax() if np.nanmax(at[low].to_numpy(dtype=float)) > 0 else None
    where = f" ({', '.join(held)})" if held else ""
    if worst is None:
        return f"No shortfall at {setting(x_key, low)}{where}"
    return (f"Shortfall of {worst}{where}: {at[low][worst]:,.0f} person-days at {setting(x_key, low)}, "
            f"{at[high][worst]:,.0f} at {setting(x_key, high)}")  # fmt: skip
