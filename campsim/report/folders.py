"""Writing report folders: a run's (summary.json, summary.md, daily.csv, daily.hxl.csv, events.csv,
charts, report.html) and a comparison's (compare.csv, compare.hxl.csv, compare.md, charts, report.html).

The folder is written in full beside its destination and then moved into place, so a
crash or a Ctrl-C never leaves a half-written report where the old one was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from campsim.model.errors import OutputFolderError
from campsim.report import html as htmlreport
from campsim.report import hxlout
from campsim.report.csvsafe import write_csv
from campsim.report.destination import (
    MARKER,
    check_replaceable,
    destination,
    remove_stale,
    set_aside_name,
    staging_prefix,
)
from campsim.report.text import compare_markdown, summary_markdown
from campsim.results.run import SimulationResult
from campsim.runs.signals import held_signals

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd


def write_report(
    result: SimulationResult,
    out_dir: str | Path,
    charts: bool = True,
    force: bool = False,
    chart_workers: int | None = None,
    svg: bool = False,
    progress: bool = False,
) -> Path:
    """Write the report folder of one run and return its path.

    ``chart_workers`` caps the processes that render charts (default: chartfiles.chart_workers());
    ``svg`` writes each chart as SVG too; ``progress`` shows a bar of the charts on a terminal.

    Raises:
        OutputFolderError: ``out_dir`` holds something other than a campsim report (and
            ``force`` is not set), or the folder cannot be written.
    """
    options = ChartOptions(chart_workers, svg, progress)
    return write_folder(out_dir, lambda folder: _write_run(result, folder, charts, options), force)


def write_compare_report(
    runs: list[tuple[str, SimulationResult]],
    table: pd.DataFrame,
    out_dir: str | Path,
    charts: bool = True,
    force: bool = False,
    chart_workers: int | None = None,
    svg: bool = False,
    progress: bool = False,
    align: str = "date",
) -> Path:
    """Write the report folder of a comparison and return its path (the chart options as write_report's;
    ``align="start"`` draws the time charts by day since each scenario's start, ``--align start``)."""
    options = ChartOptions(chart_workers, svg, progress)
    return write_folder(out_dir, lambda folder: _write_compare(runs, table, folder, charts, options, align), force)


def write_folder(out_dir: str | Path, fill: Callable[[Path], None], force: bool) -> Path:
    """Fill a staging folder beside ``out_dir``, then swap it into place.

    Whatever interrupts the run (an exception, Ctrl-C, SIGTERM turned into SystemExit by
    the CLI) removes the staging folder and leaves the previous report as it was; what a
    killed run left beside ``out`` is removed first (destination.remove_stale).
    """
    out = Path(out_dir)
    check_replaceable(out, force)
    dest = destination(out)  # a symbolic link's target: the link stays and points at the new report
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(dest)
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(dest), dir=dest.parent))
    except OSError as exc:
        raise OutputFolderError(f"{out}: cannot create the report folder: {exc.strerror}") from None
    try:
        fill(staging)
        (staging / MARKER).write_text("a campsim report folder: campsim may replace it whole\n")
        _swap_into_place(staging, dest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputFolderError(f"{out}: cannot write the report: {exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging``: move the old folder aside, the new one in, delete the old.

    A non-empty folder cannot be replaced in one rename. Signals are held off for the two
    renames, and if the second fails the old folder is put back, so ``out`` is always either
    the old report or the new one.
    """
    old = out.with_name(set_aside_name(out)) if out.exists() else None
    with held_signals():
        if old is not None:
            out.rename(old)
        try:
            staging.rename(out)
        except BaseException:
            if old is not None:
                old.rename(out)
            raise
    os.chmod(out, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_run(result: SimulationResult, folder: Path, charts: bool, options: ChartOptions) -> None:
    summary = result.summary
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n")
    (folder / "summary.md").write_text(summary_markdown(summary, result))
    write_csv(result.daily, folder / "daily.csv", na_rep="")
    _write_text(folder / "daily.hxl.csv", hxlout.daily_hxl(result.scenario, result.daily))
    write_csv(result.events, folder / "events.csv", na_rep="")
    quantiles = getattr(result, "daily_quantiles", None)
    if quantiles is not None:  # a replicated run
        write_csv(quantiles, folder / "daily_quantiles.csv", na_rep="")
        write_csv(result.p_shortage_by_date, folder / "p_shortage_by_date.csv")
    pngs = _charts([(result.scenario.name, result)], folder, options) if charts else {}
    (folder / "report.html").write_text(htmlreport.render_run(result, pngs), encoding="utf-8")


def _write_compare(
    runs: list[tuple[str, SimulationResult]],
    table: pd.DataFrame,
    folder: Path,
    charts: bool,
    options: ChartOptions,
    align: str = "date",
) -> None:
    write_csv(table, folder / "compare.csv", na_rep="")
    _write_text(folder / "compare.hxl.csv", hxlout.compare_hxl(table))
    (folder / "compare.md").write_text(compare_markdown(runs))
    if "camp" in table.columns:  # camp networks: their own page and charts (short per camp, a map each)
        from campsim.report import network_page

        pngs = {}
        if charts:
            from campsim.report.network_charts import compare_charts

            pngs = _charts(runs, folder, options, compare_charts(runs))
        (folder / "report.html").write_text(network_page.render_compare(runs, table, pngs), encoding="utf-8")
        return
    if charts:
        from campsim.report.charts import registry

        pngs = _charts(runs, folder, options, registry(align))
    else:
        pngs = {}
    (folder / "report.html").write_text(htmlreport.render_compare(runs, pngs), encoding="utf-8")


def _write_text(path: Path, text: str) -> None:
    """UTF-8 with LF line ends on every platform, as pandas writes the other CSVs."""
    path.write_text(text, encoding="utf-8", newline="")


def totals(table):
    """A sweep table's rows for the whole scenario: a network's totals, not its camps' rows."""
    return table[table["camp"] == ""] if "camp" in table.columns else table


def write_sweep_report(result, scenario_name: str, out_dir: str | Path, charts: bool = True,
                       force: bool = False, svg: bool = False) -> Path:  # fmt: skip
    """Write the report folder of a sweep: sweep.csv, the curve (sweep.png, and sweep.svg with ``svg``)
    and report.html."""

    def fill(folder: Path) -> None:
        write_csv(result.table, folder / "sweep.csv", na_rep="")
        pngs = {}
        if charts:
            from campsim.report import chartfiles
            from campsim.report import charts as ch

            figure = ch.sweep_chart(totals(result.table), result.keys)
            pngs["sweep"] = chartfiles.save(figure, folder, "sweep", svg=svg)[0]
        (folder / "report.html").write_text(htmlreport.render_sweep(result, scenario_name, pngs), encoding="utf-8")

    return write_folder(out_dir, fill, force)


def scenario_fingerprint(path: str | Path, overrides: tuple[str, ...] | list[str] = ()) -> str:
    """Identifies a scenario as run: its file's bytes and the --set overrides."""
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update("\n".join(overrides).encode())
    return digest.hexdigest()


def write_solve_report(result, out_dir: str | Path, fingerprint: str, force: bool = False) -> Path:
    """Write the report folder of a solve: solve.csv (every point evaluated), solve.md, solve.json.

    solve.json carries the scenario's fingerprint, so a later ``campsim run`` of the very same
    scenario can put the solver's figure in its headline (see find_solve).
    """

    def fill(folder: Path) -> None:
        write_csv(result.points, folder / "solve.csv")
        record = {
            "fingerprint": fingerprint, "key": result.key, "value": result.value, "cost_usd": result.cost_usd,
            "targets": result.targets, "replications": result.replications, "seed": result.seed,
            "message": result.message,
        }  # fmt: skip
        (folder / "solve.json").write_text(json.dumps(record, indent=2) + "\n")
        from campsim.report.headline import solve_sentence

        # the headline in words; the exact knob and targets below it, as typed
        words = solve_sentence({"solve": record}).strip() if result.value is not None else ""
        lines = [f"# Solve: {result.key}", "", *([words, ""] if words else []), f"`{result.message}`", ""]
        lines += [f"- {w}" for w in result.warnings]
        (folder / "solve.md").write_text("\n".join(lines) + "\n")

    return write_folder(out_dir, fill, force)


def find_solve(path: str | Path, overrides: tuple[str, ...] | list[str] = ()) -> dict | None:
    """The solve of this exact scenario under reports/solve-<stem>/, if one was run and found a value."""
    record_path = Path("reports") / f"solve-{Path(path).stem}" / "solve.json"
    try:
        record = json.loads(record_path.read_text())
    except (OSError, ValueError):
        return None
    if record.get("fingerprint") != scenario_fingerprint(path, overrides) or record.get("value") is None:
        return None
    return record


class ChartOptions(NamedTuple):
    """How a report's charts are written: rendering processes (None: chartfiles.chart_workers()),
    SVG files beside the PNGs, a progress bar on a terminal."""

    workers: int | None = None
    svg: bool = False
    progress: bool = False


def _charts(
    runs: list[tuple[str, SimulationResult]], folder: Path, options: ChartOptions, registry: dict | None = None
) -> dict[str, Path]:
    from campsim.report import chartfiles  # matplotlib only when charts are wanted

    written = chartfiles.write_charts(runs, folder, options.workers, registry, options.svg, options.progress)
    return {name: paths[0] for name, paths in written.items()}
