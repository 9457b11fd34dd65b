"""What every chart shares: colours, the time axis (dates, or days since start), shading,
one legend below the axes, titles that fit, and styles that keep coinciding lines visible.

Legends go below the axes (``outside lower center``, room made by constrained layout) so
they never cover a line, whatever the data; see docs/semantics.md, "Charts".
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from campsim.report.dateticks import DateTicks  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BANDS = {"adequate": "#009E73", "stressed": "#E69F00", "critical": "#D55E00"}
# scenario i's line: solid, dashed, dotted, dash-dot; the first drawn wider, so a later line on
# top of it still shows the first's colour at its edges
STYLES = ["-", (0, (6, 2)), (0, (1.5, 1.5)), (0, (6, 2, 1.5, 2))]
LEGEND_FONT = 8
TITLE_FONT = 12


def colour(i: int) -> str:
    """The fixed colour of the i-th scenario (or commodity)."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def series_style(i: int, n: int, lw: float = 1.6) -> dict:
    """Line style of series i of n: one series plain; several each with its own dashes and the first wider."""
    if n <= 1:
        return {"lw": lw}
    return {"ls": STYLES[i % len(STYLES)], "lw": lw * 1.8 if i == 0 else lw}


def rows_of(result, name: str) -> pd.DataFrame:
    """One commodity's rows of the daily table."""
    return result.daily[result.daily["commodity"] == name]


def dates_of(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(frame["date"]).to_numpy()


def when(frame: pd.DataFrame, start, align: str = "date") -> np.ndarray:
    """A table's x values: its dates, or with ``align="start"`` days since ``start`` (the scenario's day 0)."""
    dates = pd.to_datetime(frame["date"]).to_numpy()
    if align == "start":
        return (dates - np.datetime64(start, "D")).astype("timedelta64[D]").astype(float)
    return dates


def day_step(align: str):
    """One day on the x axis: a timedelta on dates, 1 on days since start."""
    return 1.0 if align == "start" else np.timedelta64(1, "D")


def time_axis(ax, align: str = "date", ticks: int = 8) -> None:
    """Dates with concise labels, or whole days since start labelled "day since start"; at most ``ticks`` ticks."""
    if align == "start":
        ax.xaxis.set_major_locator(MaxNLocator(nbins=ticks, integer=True))
        ax.set_xlabel("day since start")
    else:
        locator = DateTicks(minticks=min(3, ticks), maxticks=ticks)  # AutoDateLocator's ticks, once a view
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)


def shade(ax, x: np.ndarray, mask: np.ndarray, colour_: str, label: str | None, align: str = "date") -> None:
    """Shade runs of days where mask is true (one band per run of days, not per day)."""
    values = np.asarray(mask, dtype=bool)
    if not values.any():
        return
    padded = np.concatenate(([False], values, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for k, (a, b) in enumerate(zip(edges[::2], edges[1::2], strict=True)):
        ax.axvspan(x[a], x[b - 1] + day_step(align), color=colour_, alpha=0.13, lw=0,
                   label=label if k == 0 else None)  # fmt: skip


def panels(names: list[str], title: str, height: float = 2.3, width: float = 9) -> tuple[Figure, list]:
    """One panel per name, stacked with a shared x axis, under a title that fits."""
    fig, axes = plt.subplots(len(names), 1, figsize=(width, height * len(names) + 1.3), sharex=True,
                             squeeze=False, layout="constrained")  # fmt: skip
    fig.suptitle(fit(title, fig), fontsize=TITLE_FONT)
    return fig, list(axes[:, 0])


def fit(text: str, fig: Figure, fontsize: float = TITLE_FONT, margin_in: float = 0.3) -> str:
    """``text`` wrapped to lines that fit the figure's width (no title is cut off at the edge).

    An estimate, not a measure (measuring needs a draw): a character of DejaVu Sans is at
    most about 0.62 em wide on average over words.
    """
    width_pt = (fig.get_figwidth() - 2 * margin_in) * 72
    chars = max(20, int(width_pt / (0.62 * fontsize)))
    return "\n".join(textwrap.wrap(text, chars, break_on_hyphens=False)) if len(text) > chars else text


def note_same(ax, series: list[tuple[str, np.ndarray]], where: str = "") -> None:
    """A legend line saying which series coincide (drawn on top of each other they would hide one another)."""
    if len(series) < 2:
        return
    groups: list[list[str]] = []
    firsts: list[np.ndarray] = []
    for label, y in series:
        y = np.asarray(y, dtype=float)
        for group, first in zip(groups, firsts, strict=True):
            if np.array_equal(first, y, equal_nan=True):
                group.append(label)
                break
        else:
            groups.append([label])
            firsts.append(y)
    prefix = f"{where}: " if where else ""
    if len(groups) == 1:
        text = "same in both" if len(series) == 2 else f"same in all {len(series)}"
        ax.plot([], [], ls="", label=f"{prefix}{text}")
        return
    for group in (g for g in groups if len(g) > 1):
        text = " = ".join(group) if len(group) == 2 else f"same in {len(group)} of {len(series)}"
        ax.plot([], [], ls="", label=f"{prefix}{text}")


def legend_below(fig: Figure, axes: list | None = None, handles: list | None = None) -> None:
    """One legend for the figure, below its axes: each label once, in the order first drawn.

    Below rather than inside: no corner of a panel is empty on every chart (a 182-day line
    crosses them all), and one legend costs less to draw than one per panel.
    """
    seen: dict[str, object] = {}
    for ax in fig.axes if axes is None else axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    for handle in handles or []:
        seen.setdefault(handle.get_label(), handle)
    seen = _merge_notes(seen)
    if not seen:
        return
    widest = int((fig.get_figwidth() - 0.5) * 72 / (0.6 * LEGEND_FONT)) - 4  # characters in one column
    labels = [textwrap.fill(label, widest) if len(label) > widest else label for label in seen]
    fig.legend(list(seen.values()), labels, loc="outside lower center", ncol=_columns(labels, fig.get_figwidth()),
               fontsize=LEGEND_FONT, frameon=False)  # fmt: skip


def _columns(labels: list[str], width_in: float) -> int:
    """The most legend columns whose entries fit across ``width_in`` (an estimate from label lengths;
    matplotlib fills the columns top to bottom, each as wide as its longest entry)."""
    room_pt = (width_in - 0.5) * 72
    for ncol in range(len(labels), 1, -1):
        per = -(-len(labels) // ncol)
        columns = [labels[k : k + per] for k in range(0, len(labels), per)]
        chars = [max(len(line) for t in col for line in t.split("\n")) for col in columns]
        if sum(n * 0.6 * LEGEND_FONT + 4 * LEGEND_FONT for n in chars) <= room_pt:
            return len(columns)
    return 1


def _merge_notes(entries: dict[str, object]) -> dict[str, object]:
    """Panels whose lines all coincide said once: "food, water: same in both", not a line each."""
    notes: dict[str, list[str]] = {}
    for label in entries:
        where, sep, text = label.rpartition(": ")
        if sep and where and (text == "same in both" or text.startswith("same in all ")):
            notes.setdefault(text, []).append(label)
    out = dict(entries)
    for text, labels in notes.items():
        if len(labels) > 1:
            first = out[labels[0]]
            for label in labels:
                del out[label]
            out[f"{', '.join(label.rpartition(': ')[0] for label in labels)}: {text}"] = first
    return out
