"""The command-line options the commands share, each defined once."""

from __future__ import annotations

from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

out_option = click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Report folder to write (replaced whole if it exists). Default: reports/<scenario file stem>/ "
    "under the current directory.",
)  # fmt: skip
seed_option = click.option(
    "--seed", type=click.IntRange(min=0), default=None,
    help="Root random seed (a non-negative integer). Default: the scenario's own seed.",
)  # fmt: skip
set_option = click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE",
    help="Override one scenario value by its dotted key, e.g. "
    "--set commodities.food.ordering.lead_time_days=30 or --set funding.funded_fraction=1. "
    "The value is read as a YAML scalar and the scenario is validated again. Repeatable.",
)  # fmt: skip
align_option = click.option(
    "--align", type=click.Choice(["date", "start"]), default="date", show_default=True,
    help="The time charts' x axis: the calendar date, or 'start': days since each scenario's own start "
    "(for scenarios that start on different dates).",
)  # fmt: skip
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print nothing on success (errors still go to stderr).")
force_option = click.option(
    "--force", is_flag=True,
    help="Replace --out even if it is a non-empty folder campsim did not write (it never replaces the "
    "working folder or its parents).",
)  # fmt: skip
replications_option = click.option(
    "--replications", "-n", type=click.IntRange(min=1, max=1_000_000), default=None,
    help="Number of replications (default: the scenario's replications:, else 1). Replication i draws "
    "from the i-th child of SeedSequence(seed); replication 0 is the single run.",
)  # fmt: skip


def _cap_jobs(ctx: click.Context, param: click.Parameter, jobs: int | None) -> int | None:
    """More workers than cores only share them, at a cost in memory: cap, and say so once."""
    from campsim.runs.executors import default_jobs

    if jobs is not None and jobs > default_jobs():
        click.echo(f"--jobs {jobs}: this machine has {default_jobs()} usable cores; using {default_jobs()}", err=True)
        return default_jobs()
    return jobs


def _size(ctx: click.Context, param: click.Parameter, text: str | None) -> int | None:
    from campsim.model.errors import ScenarioError
    from campsim.runs.budget import parse_size

    try:
        return None if text is None else parse_size(text)
    except ScenarioError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1]) from None


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, callback=_cap_jobs,
    help="Worker processes for replications and for rendering charts (default: all cores, and at most "
    "that; 1 = in this process). Results are identical whatever the number.",
)  # fmt: skip
executor_option = click.option(
    "--executor", type=click.Choice(["local", "dask"]), default=None,
    help="Where replications run: local processes, or an existing Dask distributed cluster (needs --address). "
    "Default: local, or dask when --address is given.",
)  # fmt: skip
address_option = click.option(
    "--address", metavar="tcp://HOST:8786", default=None,
    help="The Dask scheduler (implies --executor dask); checked before any work: reachable, with workers "
    "that import this campsim version.",
)  # fmt: skip
max_memory_option = click.option(
    "--max-memory", metavar="SIZE", default=None, callback=_size,
    help="Refuse replications whose estimated memory exceeds SIZE (e.g. 8G, 500M). Default: half the "
    "machine's memory. See docs/reliability.md.",
)  # fmt: skip
engine_option = click.option(
    "--engine", type=click.Choice(["batch", "des"]), default="batch", show_default=True,
    help="Engine for replication statistics: batch steps all replications at once with numpy; des runs the "
    "SimPy engine for each. Same numbers (tested to 1e-9); replication 0's daily.csv and events.csv always "
    "come from the SimPy engine.",
)  # fmt: skip
data_root_option = click.option(
    "--data-root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None, metavar="DIR",
    help="The folder a scenario's data files (csv:, fts:) may be read from. Default: the scenario file's own "
    "folder; a data path that leads elsewhere (.., a symlink, an absolute path) is refused (docs/hxl.md).",
)  # fmt: skip
write_state_option = click.option(
    "--write-state", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="DATE",
    help="Also write state.csv and state.hxl.csv: replication 0's stock, pipeline, people, money and recent kit "
    "need at the end of DATE (YYYY-MM-DD), which campsim forecast --state restarts from (docs/hxl.md).",
)  # fmt: skip
no_charts_option = click.option(
    "--no-charts", is_flag=True, help="Skip the PNG/SVG charts (faster); report.html then has none."
)
svg_option = click.option(
    "--svg", is_flag=True,
    help="Also write each chart as SVG (vector, for print and editing), as campsim did by default before; "
    "the charts then take about 1.6 times as long. The PNGs and report.html's charts are the same either way.",
)  # fmt: skip


def _stack(*options):
    """Several click options as one decorator (applied in the order listed)."""

    def decorate(function):
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


# every command that writes a report folder takes these
report_options = _stack(out_option, seed_option, set_option, quiet_option, no_charts_option, svg_option, force_option)
replication_options = _stack(
    replications_option, jobs_option, executor_option, address_option, engine_option, max_memory_option
)
