"""``campsim allocate``: split a fixed budget across commodities so that the fewest people go short."""

from __future__ import annotations

import time
from pathlib import Path

import click

from campsim.cli.options import (
    CONTEXT,
    data_root_option,
    force_option,
    jobs_option,
    no_charts_option,
    quiet_option,
    seed_option,
    svg_option,
)
from campsim.cli.say import say, say_block


@click.command(context_settings=CONTEXT)
@click.argument("scenario", metavar="SCENARIO.yaml")
@click.option(
    "--budget",
    type=float,
    default=None,
    metavar="USD",
    help="The budget to split, in USD. Default: what the scenario's tranches deliver over the horizon.",
)
@click.option(
    "--budget-share",
    type=float,
    default=None,
    metavar="F",
    help="The budget as a share of the total requirement, e.g. 0.62.",
)
@click.option(
    "--objective",
    type=click.Choice(["person-days", "critical", "weighted"]),
    default="person-days",
    show_default=True,
    help="What to minimise (means over the replications): person-days short of per-person items; "
    "person-days below each item's critical level; or Σ weight x person-days short (--weights).",
)
@click.option(
    "--weights",
    default=None,
    metavar="C=W,...",
    help="For --objective weighted: e.g. water=3,food=2 (a commodity left out weighs 0).",
)
@click.option("--min-share", type=float, default=0.0, show_default=True, help="Least funded share of any commodity.")
@click.option("--max-share", type=float, default=1.0, show_default=True, help="Most funded share of any commodity.")
@click.option(
    "--replications",
    "-n",
    type=click.IntRange(min=1, max=100_000),
    default=None,
    help="Replications per evaluation, on common random numbers (default 200; 1 for a deterministic scenario).",
)
@click.option(
    "--step", type=float, default=0.01, show_default=True, help="The grid of shares each commodity is simulated on."
)
@seed_option
@jobs_option
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Report folder to write (replaced whole if it exists). Default: reports/allocate-<scenario file "
    "stem>/ under the current directory.",
)
@quiet_option
@no_charts_option
@svg_option
@force_option
@data_root_option
def allocate(scenario: str, budget: float | None, budget_share: float | None, objective: str, weights: str | None,
             min_share: float, max_share: float, replications: int | None, step: float, seed: int | None,
             jobs: int | None, out: Path | None, quiet: bool, no_charts: bool, svg: bool,
             force: bool, data_root: Path | None) -> int:  # fmt: skip
    """Split a fixed budget across the commodities so that the fewest person-days go short.

    \b
    campsim allocate scenarios/ramadi.yaml
    campsim allocate scenarios/ramadi.yaml --budget-share 0.8 --objective critical
    campsim allocate scenarios/ramadi.yaml --objective weighted --weights water=3,food=2,hygiene=1

    Each commodity is simulated on a grid of funded shares, the split that minimises the
    objective within the budget is found by dynamic programming (and, in a network whose
    commodities share truck capacity, improved by moving money between pairs), then simulated
    in full beside the flat split (every commodity at the same share) and the written one.

    \b
    Writes (default reports/allocate-<stem>/):
      allocation.csv, allocation.hxl.csv  per commodity: written, flat and best shares and USD, the
                                          objective of each, what the next US$100,000 would save
      frontier.csv    budget shares 0..1 by 0.05: the flat and the best split's objective, the best shares
      allocated.yaml  the scenario with the best shares; its header gives the campsim run that
                      reproduces the objective (data files it reads are copied into data/)
      allocate.md, report.html, frontier and allocation charts (PNG; SVG too with --svg)
    and prints the table and the headline.
    """
    from campsim.report.allocate import terminal_text, write_allocate_report
    from campsim.report.folders import check_replaceable
    from campsim.runs.allocate import allocate as run_allocate

    started = time.perf_counter()
    folder = out or Path("reports") / f"allocate-{Path(scenario).stem}"
    check_replaceable(folder, force)  # refuse before the work, not after it
    from campsim.runs.executors import progress_bar

    # the number of allocations is not known ahead (the pairwise moves stop when none helps): a counter
    with progress_bar(None, quiet, "simulating", unit=" allocations") as bar:
        result = run_allocate(scenario, budget, budget_share, objective, weights, min_share, max_share,
                              replications, step, seed, data_root, jobs=jobs, progress=bar.update)  # fmt: skip
    write_allocate_report(result, folder, charts=not no_charts, force=force, svg=svg)
    if not quiet:
        say_block(terminal_text(result))
        say(f"report: {folder}/ ({time.perf_counter() - started:.1f} s)")
    return 0
