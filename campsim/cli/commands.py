"""The ``campsim`` commands: parse arguments, call runs/ and report/, print.

Each command returns its exit status; campsim/cli/__init__.py maps errors to exit codes.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from campsim.cli.options import (
    CONTEXT,
    align_option,
    data_root_option,
    force_option,
    out_option,
    quiet_option,
    replication_options,
    report_options,
    seed_option,
    set_option,
    svg_option,
    write_state_option,
)
from campsim.cli.say import echo_notes, printable_frame, say, say_block
from campsim.cli.statefiles import state_at, write_state_into
from campsim.model.errors import ScenarioError


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="campsim", prog_name="campsim")
def cli() -> None:
    """Simulate aid logistics in a displacement camp and report shortages.

    A scenario file (YAML) describes the camp population, its arrivals and departures, the
    commodities it needs against humanitarian standards, how they are ordered and funded,
    and disruptions. `campsim run` simulates it day by day and writes a shortage report:
    who went short of what, from when, for how long, and what the unmet need would cost.

    \b
    Examples:
      campsim run scenarios/ramadi.yaml
      campsim run scenarios/ramadi.yaml --set funding.funded_fraction=1 --out reports/full
      campsim compare scenarios/ramadi.yaml scenarios/ramadi-funded.yaml
      campsim compare scenarios/ramadi.yaml --vary funding.funded_fraction=0.62,0.8,1.0
      campsim validate scenarios/*.yaml
    """


@cli.command(context_settings=CONTEXT)
@click.argument("scenario", metavar="SCENARIO.yaml")
@report_options
@replication_options
@data_root_option
@write_state_option
def run(scenario: str, out: Path | None, seed: int | None, overrides: tuple[str, ...], quiet: bool,
        no_charts: bool, svg: bool, force: bool, replications: int | None, jobs: int | None, executor: str,
        address: str | None, engine: str, data_root: Path | None, max_memory: int | None,
        write_state=None) -> int:  # fmt: skip
    """Simulate SCENARIO.yaml and write its shortage report.

    \b
    Writes to the report folder:
      summary.json  totals and shortage metrics per commodity (a stable contract)
      summary.md    the readable shortage report
      daily.csv     one row per day and commodity
      daily.hxl.csv the same, one row per day, with HXL hashtags (docs/hxl.md)
      events.csv    orders, deliveries, tranches, ration changes, stock-outs, ...
      report.html   one self-contained page: headline, cards, charts, events, inputs
      *.png         the charts: days of cover, ration received, population, funding,
                    shortfall, Sphere compliance (not with --no-charts; *.svg too with --svg)
    and with --replications N > 1 also daily_quantiles.csv, p_shortage_by_date.csv and
    the fan and first-shortage charts; summary.json then holds means and an "uncertainty"
    block; with --write-state DATE also state.csv and state.hxl.csv. Prints a summary table
    (with N > 1: means, P10-P90 in brackets).
    """
    from campsim.load.loader import load_scenario
    from campsim.report.folders import check_replaceable, find_solve, write_report
    from campsim.report.text import summary_table
    from campsim.runs.simulate import simulate

    started = time.perf_counter()
    loaded = load_scenario(scenario, overrides, data_root)
    echo_notes([loaded])
    folder = out or Path("reports") / Path(scenario).stem
    check_replaceable(folder, force)  # refuse before the work, not after it
    state = state_at(loaded, write_state, seed)  # a date outside the horizon is refused before any work
    n = loaded.replications if replications is None else replications
    if n == 1:
        result = simulate(loaded, seed=seed)
    else:
        from campsim.runs.executors import Execution, preflight, progress_bar
        from campsim.runs.simulate import run_replications

        preflight([(loaded, n)], Execution(jobs, executor, address, engine), max_memory)  # before any work
        with progress_bar(n, quiet, "replications") as bar:
            result = run_replications(loaded, n, seed, jobs, executor, address, bar.update, engine)
    if loaded.is_network:  # a camp network: its tables, words, charts and page
        from campsim.report.network import network_table, write_network_report

        write_network_report(result, folder, force=force, charts=not no_charts, chart_workers=jobs, svg=svg,
                             progress=not quiet)  # fmt: skip
        write_state_into(state, folder)
        if not quiet:
            say_block(network_table(result.summary))
            say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
        return 0
    solved = find_solve(scenario, overrides)
    if solved is not None:  # a solve of this very scenario: its figure goes in the headline
        result.summary["solve"] = solved
    write_report(result, folder, charts=not no_charts, force=force, chart_workers=jobs, svg=svg, progress=not quiet)
    write_state_into(state, folder)
    if not quiet:
        say_block(summary_table(result.summary))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    return 0


@cli.command(context_settings=CONTEXT)
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO.yaml...")
@click.option(
    "--vary", multiple=True, metavar="KEY=VALUES",
    help="Compare variants of one scenario: KEY=a,b,c or KEY=lo:hi:step (hi included), with the same "
    "dotted keys as --set, e.g. --vary funding.funded_fraction=0.62,0.8,1.0. Several --vary make a grid.",
)  # fmt: skip
@align_option
@report_options
@replication_options
@data_root_option
def compare(scenarios: tuple[str, ...], vary: tuple[str, ...], out: Path | None, seed: int | None,
            overrides: tuple[str, ...], quiet: bool, no_charts: bool, svg: bool, force: bool,
            replications: int | None, jobs: int | None, executor: str, address: str | None, engine: str,
            data_root: Path | None, max_memory: int | None, align: str) -> int:  # fmt: skip
    """Compare scenarios side by side, with charts that overlay them.

    \b
    campsim compare A.yaml B.yaml [C.yaml ...]
    campsim compare A.yaml --vary funding.funded_fraction=0.62,0.8,1.0

    \b
    Writes to the report folder (default reports/compare-<first scenario stem>/):
      compare.csv   one row per scenario and commodity with the summary metrics
      compare.hxl.csv  the same with HXL hashtags (docs/hxl.md)
      compare.md    the comparison in words and tables
      report.html   one self-contained page with the overlaid charts
      *.png         the overlaid charts (*.svg too with --svg)
    and prints the table. With --replications N the tables hold means over N replications on
    common random numbers, and a fan chart overlays each scenario's median and P10-P90 band.
    Scenarios are labelled by their names (or the varied value);
    commodities a scenario lacks are shown as absent. Every file is validated before
    anything runs; with --seed all scenarios share that seed (common random numbers).
    """
    from campsim.report.folders import check_replaceable, write_compare_report
    from campsim.report.text import compare_table_text
    from campsim.runs.compare import compare_table, load_variants, run_variants

    started = time.perf_counter()
    variants = load_variants(list(scenarios), overrides, vary, data_root)
    echo_notes([s for _, s in variants])
    folder = out or Path("reports") / f"compare-{Path(scenarios[0]).stem}"
    check_replaceable(folder, force)
    n = replications or 1
    if n > 1:
        from campsim.runs.executors import Execution, preflight, progress_bar

        execution = Execution(jobs, executor, address, engine)
        preflight([(s, n) for _, s in variants], execution, max_memory)
        with progress_bar(n * len(variants), quiet, "compare") as bar:
            runs = run_variants(variants, seed, n, execution, bar.update)
    else:
        runs = run_variants(variants, seed=seed)
    write_compare_report(runs, compare_table(runs), folder, charts=not no_charts, force=force, chart_workers=jobs,
                         svg=svg, progress=not quiet, align=align)  # fmt: skip
    if not quiet:
        say_block(compare_table_text(runs))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    return 0


@cli.command(context_settings=CONTEXT)
@click.argument("scenario", metavar="SCENARIO.yaml")
@click.option(
    "--vary", multiple=True, required=True, metavar="KEY=VALUES",
    help="KEY=lo:hi:step (hi included) or KEY=a,b,c, the dotted keys of --set; several --vary make a grid.",
)  # fmt: skip
@report_options
@replication_options
@data_root_option
def sweep(scenario: str, vary: tuple[str, ...], out: Path | None, seed: int | None, overrides: tuple[str, ...],
          quiet: bool, no_charts: bool, svg: bool, force: bool, replications: int | None, jobs: int | None,
          executor: str, address: str | None, engine: str, data_root: Path | None,
          max_memory: int | None) -> int:  # fmt: skip
    """Run a grid of variants with replications: how shortage responds to funding (or any key).

    \b
    campsim sweep scenarios/ramadi.yaml --vary funding.funded_fraction=0.3:1.0:0.05 -n 200

    \b
    Writes (default reports/sweep-<stem>/):
      sweep.csv     one row per grid point and commodity: metric means, P10/P50/P90, p_shortage
      sweep.png     the funding-to-shortage curve (P10-P90 band) and P(any shortage); sweep.svg with --svg
      report.html   the curve and every point
    Every point runs the same replications on the same seed (common random numbers).
    """
    from campsim.report.folders import check_replaceable, write_sweep_report
    from campsim.report.wording import overrides_line, shared_overrides
    from campsim.runs.compare import grid
    from campsim.runs.executors import Execution, preflight, progress_bar
    from campsim.runs.sweep import sweep as run_sweep

    started = time.perf_counter()
    points = grid(scenario, overrides, vary, data_root)  # validate every point before running any (read files once)
    echo_notes([s for _, _, s in points])
    folder = out or Path("reports") / f"sweep-{Path(scenario).stem}"
    check_replaceable(folder, force)
    n = points[0][2].replications if replications is None else replications
    execution = Execution(jobs, executor, address, engine)
    preflight([(s, n) for _, _, s in points], execution, max_memory, keep_daily=False)
    with progress_bar(n * len(points), quiet, "sweep") as bar:
        result = run_sweep(
            scenario,
            vary,
            overrides,
            replications,
            seed,
            execution,
            bar.update,
            points,
        )
    for warning in result.warnings:
        say(warning, err=True)
    write_sweep_report(result, points[0][2].name, folder, charts=not no_charts, force=force, svg=svg)
    if not quiet:
        columns = [*result.keys, "commodity", "shortfall_person_days", "shortfall_person_days_p10",
                   "shortfall_person_days_p90", "p_shortage", "first_shortage_date"]  # fmt: skip
        shared = shared_overrides(result.summaries[0], result.keys)
        if shared:  # each point's own --vary values are its rows
            say(overrides_line({"overrides": shared}))
        say_block(printable_frame(result.table[columns]).to_string(index=False, float_format=lambda v: f"{v:,.3g}"))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    return 0


@cli.command(context_settings=CONTEXT)
@click.argument("scenario", metavar="SCENARIO.yaml")
@click.option("--vary", "key", required=True, metavar="KEY",
              help="The knob, e.g. funding.funded_fraction or commodities.water.funded_fraction.")  # fmt: skip
@click.option("--range", "bounds", default=None, metavar="LO:HI",
              help="Search range (default 0:1 for funded fractions).")  # fmt: skip
@click.option("--tol", type=float, default=0.001, show_default=True, help="Stop when the bracket is this narrow.")
@click.option(
    "--target", "targets", multiple=True, required=True, metavar="EXPR",
    help="COMMODITY.METRIC[.p10|.p50|.p90] OP NUMBER with OP one of <= < >= >, e.g. 'water.p_shortage<=0.05' "
    "or 'food.shortfall_person_days.p90<=1000'. Repeatable: all must hold.",
)  # fmt: skip
@out_option
@seed_option
@set_option
@quiet_option
@force_option
@replication_options
@data_root_option
def solve(scenario: str, key: str, bounds: str | None, tol: float, targets: tuple[str, ...], out: Path | None,
          seed: int | None, overrides: tuple[str, ...], quiet: bool, force: bool, replications: int | None,
          jobs: int | None, executor: str, address: str | None, engine: str,
          data_root: Path | None, max_memory: int | None) -> int:  # fmt: skip
    """Find the least value of one knob that meets every target (bisection on common random numbers).

    \b
    campsim solve scenarios/ramadi.yaml --vary funding.funded_fraction \\
        --target 'water.shortfall_person_days.p90<=10000' -n 100

    Prints the value, what it costs on top of the scenario as written, and the points
    evaluated (also in solve.csv under reports/solve-<stem>/). Exit status 3 when no value
    in the range meets the targets.
    """
    from campsim.report.folders import check_replaceable, scenario_fingerprint, write_solve_report
    from campsim.runs.executors import Execution, preflight, progress_bar
    from campsim.runs.sweep import solve as run_solve

    started = time.perf_counter()
    low = high = None
    if bounds is not None:
        try:
            low, high = (float(part) for part in bounds.split(":"))
        except ValueError:
            raise ScenarioError(f"--range {bounds!r}: expected LO:HI, e.g. 0.3:1") from None
    folder = out or Path("reports") / f"solve-{Path(scenario).stem}"
    check_replaceable(folder, force)
    execution = Execution(jobs, executor, address, engine)
    preflight([], execution, max_memory)  # the cluster, before any work
    with progress_bar(None, quiet, "solve") as bar:

        def progress(runs: int, most: int) -> None:
            if bar.total != most:  # known once the scenario's replications and range are
                bar.total = most
            bar.update(runs)

        result = run_solve(scenario, key, targets, low, high, tol, overrides, replications, seed, execution,
                           data_root, progress)  # fmt: skip
    for warning in result.warnings:
        say(warning, err=True)
    write_solve_report(result, folder, scenario_fingerprint(scenario, overrides), force=force)
    if not quiet:
        say_block(printable_frame(result.points).to_string(index=False))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    say(result.message, err=result.value is None)
    return 0 if result.value is not None else 3


def _out_default(command: click.Command, folder: str) -> None:
    """Name a command's own default report folder in its --out help (the shared option says run's)."""
    for param in command.params:
        if param.name == "out":
            param.help = (
                f"Report folder to write (replaced whole if it exists). Default: {folder} under the current directory."
            )


_out_default(compare, "reports/compare-<first scenario file stem>/")
_out_default(sweep, "reports/sweep-<scenario file stem>/")
_out_default(solve, "reports/solve-<scenario file stem>/")


@cli.command(context_settings=CONTEXT)
@click.argument("scenario", metavar="SCENARIO.yaml")
@click.option(
    "--observed", required=True, metavar="FILE",
    help="CSV (plain or HXL-tagged) of dated population counts on record, e.g. IOM DTM camp counts: a date "
    "column (date or #date) and a count column.",
)  # fmt: skip
@click.option(
    "--column", default=None, metavar="SPEC",
    help="The count column, by header name or HXL tag pattern. Default: the first of #affected+idps+ind, "
    "#affected+ind, #affected+idps, #affected, #population, population (never a +arrived column), individuals "
    "before households. A column tagged +hh counts households (x household_size).",
)  # fmt: skip
@click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Report folder to write (replaced whole if it exists). Default: reports/calibrate-<scenario file stem>/.",
)  # fmt: skip
@set_option
@quiet_option
@force_option
@click.option("--no-charts", is_flag=True, help="Skip the calibration chart (PNG/SVG).")
@svg_option
@data_root_option
def calibrate(scenario: str, observed: str, column: str | None, out: Path | None, overrides: tuple[str, ...],
              quiet: bool, force: bool, no_charts: bool, svg: bool, data_root: Path | None) -> int:  # fmt: skip
    """Check SCENARIO.yaml's population path against counts on record.

    For each observed date d: model = P(d), the population at the end of day d with every
    random input at its expected value; relative error = |model - observed| / observed; and
    the mean relative error over the points.

    \b
    campsim calibrate scenarios/ramadi.yaml --observed scenarios/data/anbar-2017-dtm.csv

    \b
    Writes (default reports/calibrate-<stem>/):
      calibration.csv   date, day, observed, model, difference, relative_error
      summary.md        the comparison in words and the table
      calibration.png   the model's path with the observed points and their errors (.svg too with --svg)
    and prints the table.
    """
    from campsim.load.files import shown
    from campsim.load.loader import load_scenario
    from campsim.model.errors import DataFileError
    from campsim.report.calibration import text_table, write_report
    from campsim.report.folders import check_replaceable
    from campsim.runs.calibrate import calibrate as run_calibrate

    started = time.perf_counter()
    loaded = load_scenario(scenario, overrides, data_root)
    echo_notes([loaded])
    folder = out or Path("reports") / f"calibrate-{Path(scenario).stem}"
    check_replaceable(folder, force)
    try:
        result = run_calibrate(loaded, observed, column)
    except DataFileError as exc:
        raise ScenarioError(exc.problem, file=shown(observed), line=exc.line) from None
    for note in result.observed.notes:
        click.echo(f"note: {shown(observed)}: {note}", err=True)
    write_report(result, folder, scenario, observed, charts=not no_charts, force=force, svg=svg)
    if not quiet:
        say(f"{loaded.name}: deterministic path vs {observed} ({result.observed.column})")
        say_block(text_table(result))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    return 0
