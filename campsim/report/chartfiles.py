"""Chart files: figures saved as PNG (and SVG on request), a report's charts rendered in worker processes.

charts.py draws the figures; this module writes them. Charts are most of a run's wall time,
and matplotlib's drawing is Python code that holds the GIL, so a report's charts are rendered
in forked processes (which inherit the loaded modules and the results, so nothing is pickled
but the chart names and the paths back).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: a forked worker must never hold a GUI backend

import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from campsim.report import charts  # noqa: E402
from campsim.runs.progress import progress_bar  # noqa: E402
from campsim.runs.signals import held_signals, stop_pool, submit_all, worker_setup  # noqa: E402

if TYPE_CHECKING:  # noqa: E402 (after the backend is chosen)
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from campsim.report.charts import Run

    Registry = dict[str, Callable[[list[Run]], Figure | None]]


# the PNGs' resolution: 9-inch-wide charts are 990 px, about the report page's width on a desk screen
# (docs/performance.md: the dpi and why the HTML carries no second, high-resolution file)
DPI = 110


def save(fig: Figure, folder: Path, stem: str, dpi: int = DPI, svg: bool = False) -> list[Path]:
    """Save a figure as PNG (and SVG with ``svg``), close it, and return the paths (the PNG first)."""
    paths = [folder / f"{stem}.png"] + ([folder / f"{stem}.svg"] if svg else [])
    with quiet_glyphs():
        _save_png(fig, paths[0], dpi)
        if svg:
            _save_svg(fig, paths[1])
    plt.close(fig)
    return paths


def _save_png(fig: Figure, path: Path, dpi: int) -> None:
    """The figure drawn once and written as PNG: the same pixels as ``fig.savefig(path, dpi=dpi)``.

    savefig draws a figure with a layout engine twice, once with rendering off to place the axes
    and once to paint; a canvas draw places and paints in one pass, 15-20% less CPU
    (benchmarks/report_speed.py). The layout is solved at the same dpi either way.
    """
    shown = fig.dpi
    fig.set_dpi(dpi)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    matplotlib.image.imsave(path, canvas.buffer_rgba(), format="png", dpi=dpi)
    fig.set_dpi(shown)  # as savefig leaves it: the SVG is drawn at the figure's own dpi


def _save_svg(fig: Figure, path: Path) -> None:
    # the PNG's draw placed every axes; keep that layout for the SVG instead of solving it again
    # (constrained layout is about a quarter of a chart's cost, and sizes in points do not change with dpi)
    fig.set_layout_engine("none")
    # no date and fixed element ids, so the same results give the same SVG bytes
    with matplotlib.rc_context({"svg.hashsalt": "campsim"}):
        fig.savefig(path, metadata={"Date": None})


def _render(runs: list[Run], folder: Path, name: str, registry: Registry, svg: bool) -> list[Path] | None:
    """Build and save one chart; None when it does not apply to these runs."""
    with quiet_glyphs():
        fig = registry[name](runs)
        return None if fig is None else save(fig, folder, name, svg=svg)


@contextlib.contextmanager
def quiet_glyphs():
    """A name with an emoji or a control character has glyphs the font lacks: matplotlib draws a box
    and warns once per glyph and file. The box is the answer; the warnings would only be noise on a
    successful run's stderr."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        yield


# what forked chart workers render: (runs, folder, registry, svg), set just before the fork
_FORKED: tuple[Any, ...] | None = None


def _render_forked(name: str) -> list[Path] | None:
    runs, folder, registry, svg = _FORKED
    return _render(runs, folder, name, registry, svg)


def chart_workers() -> int:
    """How many processes render charts: the usable cores where fork is safe, else 1.

    matplotlib's drawing is Python code that holds the GIL, so threads would not help; forked
    processes inherit the loaded modules and the results for free. Only on Linux (fork is
    unsafe on macOS) and only from a process without other threads (a Dask client's, say).
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    return len(os.sched_getaffinity(0))


def write_charts(
    runs: list[Run],
    folder: Path,
    workers: int | None = None,
    registry: Registry | None = None,
    svg: bool = False,
    progress: bool = False,
) -> dict[str, list[Path]]:
    """Render every chart that applies to these runs into folder; return {chart name: [png(, svg)]}.

    ``registry`` maps chart names to functions of the runs (default: charts.CHARTS, the single
    camp's); its order is the order of rendering, costliest first. ``svg`` adds an SVG of each;
    ``progress`` shows a bar of the charts drawn when stderr is a terminal.

    Charts are most of a run's wall time (about 0.1-0.3 s each), so they are rendered in
    ``workers`` processes (default, and at most: chart_workers(), so a --jobs of 4 never
    forks where fork is unsafe); the files are the same either way.
    """
    global _FORKED
    registry = charts.CHARTS if registry is None else registry
    names = list(registry)
    safe = chart_workers()
    workers = min(safe if workers is None else workers, safe, len(names))
    with progress_bar(len(names), not progress, "charts", unit="chart") as bar:
        if workers <= 1:
            paths = []
            for name in names:
                paths.append(_render(runs, folder, name, registry, svg))
                bar.update(1)
        else:
            _FORKED = (runs, folder, registry, svg)
            try:
                paths = _render_in_pool(names, workers, bar.update)
            finally:
                _FORKED = None
    return {name: p for name, p in zip(names, paths, strict=True) if p is not None}


def _render_in_pool(names: list[str], workers: int, done: Callable[[int], Any]) -> list[list[Path] | None]:
    """Render the charts in forked workers, in the order given (the costliest first).

    ``done(1)`` is called as each chart is finished. Ctrl-C and SIGTERM are held off only while
    the workers are forked (a signal then could leave a worker the pool does not list) and
    while the finished pool shuts down; otherwise a signal stops the workers at once
    (stop_pool) instead of waiting for their charts.
    """
    initializer, initargs = worker_setup()  # workers die with this process, even by kill -9
    # ProcessPoolExecutor rather than multiprocessing.Pool: it fails if a worker dies, Pool hangs
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
    )
    try:
        futures = submit_all(pool, [(_render_forked, name) for name in names])
        for future in as_completed(futures):
            future.result()  # a failed chart fails now, not after the others
            done(1)
        paths = [future.result() for future in futures]
    except BaseException:
        stop_pool(pool)
        raise
    with held_signals():
        pool.shutdown()
    return paths
