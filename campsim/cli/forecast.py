"""``campsim forecast``: a scenario restarted from a state file, and its pipeline-break warning."""

from __future__ import annotations

import time
from pathlib import Path

import click

from campsim.cli.options import (
    CONTEXT,
    data_root_option,
    engine_option,
    force_option,
    jobs_option,
    no_charts_option,
    out_option,
    quiet_option,
    replications_option,
    seed_option,
    set_option,
    svg_option,
)
from campsim.cli.say import echo_notes, say, say_block


@click.command(context_settings=CONTEXT)
@click.argument("scenario", metavar="SCENARIO.yaml")
@click.option(
    "--state", "state_path", required=True, metavar="STATE.csv",
    help="The state to start from: state.csv as `campsim run --write-state DATE` writes it, or a stock report "
    "in the same layout (docs/hxl.md, \"state.csv\").",
)  # fmt: skip
@click.option(
    "--days", type=click.IntRange(min=1), default=None,
    help="Days to forecast from the day after the state's as_of date. Default: to the scenario's horizon.",
)  # fmt: skip
@click.option(
    "--delay-risk", default=None, metavar="DIST",
    help="One random delay added to each pipeline row of the state, written like lead_time_days, e.g. "
    "'{triangular: [0, 2, 10]}' (days).",
)  # fmt: skip
@replications_option
@seed_option
@out_option
@set_option
@quiet_option
@no_charts_option
@svg_option
@force_option
@jobs_option
@engine_option
@data_root_option
def forecast(scenario: str, state_path: str, days: int | None, delay_risk: str | None, replications: int | None,
             seed: int | None, out: Path | None, overrides: tuple[str, ...], quiet: bool, no_charts: bool,
             svg: bool, force: bool, jobs: int | None, engine: str, data_root: Path | None) -> int:  # fmt: skip
    """Forecast SCENARIO.yaml from a state and warn of pipeline breaks.

    Starts the scenario's model on the day after the state's as_of date, from what the state
    has on hand, on the way and owed; the scenario's rules keep running. For each camp and
    commodity (and warehouse line) it says how surely and from when the pipeline breaks, and
    the last day an extra order still prevents it.

    \b
    Writes to the report folder (default reports/forecast-<scenario file stem>/):
      warning.csv       one row per line, the most urgent first (red, amber, green)
      warning.hxl.csv   the same with HXL hashtags (docs/hxl.md)
      warning.md        the red and amber lines in words, and the table
      p_break_by_date.csv  P(first pipeline break by each date) per line
      summary.json, daily.csv, events.csv, daily_quantiles.csv, p_shortage_by_date.csv
                        (a network's also warehouses.csv)  the forecast days' run files
      report.html, p_break.png, cover_fan.png (and .svg with --svg)  the page and its charts
    and prints the warning table, the most urgent first.
    """
    from campsim.api import forecast as run_forecast
    from campsim.load.loader import load_scenario
    from campsim.load.state import read_state
    from campsim.report.destination import check_replaceable
    from campsim.report.forecast import write_forecast_report
    from campsim.report.forecast_text import terminal_table

    started = time.perf_counter()
    loaded = load_scenario(scenario, overrides, data_root)
    echo_notes([loaded])
    state = read_state(state_path, loaded)  # a bad row: exit 2 before any work, nothing written
    folder = out or Path("reports") / f"forecast-{Path(scenario).stem}"
    check_replaceable(folder, force)  # refuse before the work, not after it
    from campsim.runs.progress import progress_bar

    n = loaded.replications if replications is None else replications
    with progress_bar(n, quiet, "forecast") as bar:
        result = run_forecast(loaded, state, days, replications, seed, delay_risk, jobs, engine, progress=bar.update)
    write_forecast_report(result, folder, charts=not no_charts, force=force, chart_workers=jobs, svg=svg,
                          progress=not quiet)  # fmt: skip
    if not quiet:
        say_block(terminal_table(result))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    return 0


for _param in forecast.params:  # the shared --out help names run's default folder
    if _param.name == "out":
        _param.help = (
            "Report folder to write (replaced whole if it exists). Default: reports/forecast-<scenario "
            "file stem>/ under the current directory."
        )
