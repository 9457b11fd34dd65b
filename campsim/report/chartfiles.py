"""Chart files: figures saved as PNG and SVG, and a report's charts rendered in worker processes.

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
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: a forked worker must never hold a GUI backend

import matplotlib.pyplot as plt  # noqa: E402

from campsim.report import charts  # noqa: E402
from campsim.runs.signals import held_signals, stop_pool, submit_all, worker_setup  # noqa: E402

if TYPE_CHECKING:  # noqa: E402 (after the backend is chosen)
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from campsim.report.charts import Run

    Registry = dict[str, Callable[[list[Run]], Figure | None]]


def save(fig: Figure, folder: Path, stem: str, dpi: int = 150) -> list[Path]:
    """Save a figure as PNG (150 dpi) and SVG, close it, and return the paths."""
    paths = [folder / f"{stem}.png", folder / f"{stem}.svg"]
    with quiet_glyphs():
        _save_both(fig, paths, dpi)
    plt.close(fig)
    return paths


def _save_both(fig: Figure, paths: list[Path], dpi: int) -> None:
    fig.savefig(paths[0], dpi=dpi)
    # the PNG's draw placed every axes; keep that layout for the SVG instead of solving it again
    # (constrained layout is about a quarter of a chart's cost, and sizes in points do not change with dpi)
    fig.set_layout_engine("none")
    # no date and fixed element ids, so the same results give the same SVG bytes
    with matplotlib.rc_context({"svg.hashsalt": "campsim"}):
        fig.savefig(paths[1], metadata={"Date": None})


def _render(runs: list[Run], folder: Path, name: str, registry: Registry) -> list[Path] | None:
    """Build and save one chart; None when it does not apply to these runs."""
    with quiet_glyphs():
        fig = registry[name](runs)
        return None if fig is None else save(fig, folder, name)


@contextlib.contextmanager
def quiet_glyphs():
    """A name with an emoji or a control character has glyphs the font lacks: matplotlib draws a box
    and warns once per glyph and file. The box is the answer; the warnings would only be noise on a
    successful run's stderr."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        yield


# what forked chart workers render: (runs, folder, registry), set just before the fork
_FORKED: tuple[Any, ...] | None = None


def _render_forked(name: str) -> list[Path] | None:
    runs, folder, registry = _FORKED
    return _render(runs, folder, name, registry)


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
    runs: list[Run], folder: Path, workers: int | None = None, registry: Registry | None = None
) -> dict[str, list[Path]]:
    """Render every chart that applies to these runs into folder; return {chart name: [png, svg]}.

    ``registry`` maps chart names to functions of the runs (default: charts.CHARTS, the single
    camp's); its order is the order of rendering, costliest first.

    Charts are most of a run's wall time (about 0.2-0.7 s each), so they are rendered in
    ``workers`` processes (default, and at most: chart_workers(), so a --jobs of 4 never
    forks where fork is unsafe); the files are the same either way.
    """
    global _FORKED
    registry = charts.CHARTS if registry is None else registry
    names = list(registry)
    safe = chart_workers()
    workers = min(safe if workers is None else workers, safe, len(names))
    if workers <= 1:
        paths = [_render(runs, folder, name, registry) for name in names]
    else:
        _FORKED = (runs, folder, registry)
        try:
            paths = _render_in_pool(names, workers)
        finally:
            _FORKED = None
    return {name: p for name, p in zip(names, paths, strict=True) if p is not None}


def _render_in_pool(names: list[str], workers: int) -> list[list[Path] | None]:
    """Render the charts in forked workers, in the order given (the costliest first).

    Ctrl-C and SIGTERM are held off only while the workers are forked (a signal then could
    leave a worker the pool does not list) and while the finished pool shuts down; otherwise
    a signal stops the workers at once (stop_pool) instead of waiting for their charts.
    """
    initializer, initargs = worker_setup()  # workers die with this process, even by kill -9
    # ProcessPoolExecutor rather than multiprocessing.Pool: it fails if a worker dies, Pool hangs
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=initializer, initargs=initargs
    )
    try:
        futures = submit_all(pool, [(_render_forked, name) for name in names])
        paths = [future.result() for future in futures]
    except BaseException:
        stop_pool(pool)
        raise
    with held_signals():
        pool.shutdown()
    return paths
