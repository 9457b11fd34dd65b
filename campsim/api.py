"""campsim from Python: the calls a notebook makes, each a thin wrapper over what the CLI runs.

This module sits above report/, beside the CLI: it may use every layer. The results it returns
carry their charts (``result.plot()``), and their tables give dates as datetime64. Bad input
raises :class:`campsim.ScenarioError`; nothing here prints or exits.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from campsim.model.errors import OutputFolderError, ScenarioError
from campsim.model.scenario import Scenario
from campsim.results.run import ReplicatedResult, SimulationResult
from campsim.results.warning import ForecastResult
from campsim.runs import compare as comparing
from campsim.runs import simulate as simulating
from campsim.runs import sweep as sweeping

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from campsim.plan.compile import Plan
    from campsim.results.allocate import AllocateResult

__all__ = ["CompareResult", "SweepResult", "allocate", "compare", "forecast", "plot", "run_replications", "simulate",
           "sweep", "write_report"]  # fmt: skip

from campsim.api_args import ScenarioLike, Vary, _path_of, _pick, _vary_options, _with_file


def simulate(
    scenario: Scenario, seed: int | None = None, replication: int = 0, plan: Plan | None = None
) -> SimulationResult:
    """Simulate one replication of a scenario (the SimPy engine), as ``campsim run`` does.

    Args:
        scenario: a validated scenario (see :func:`campsim.load_scenario`).
        seed: root seed; defaults to the scenario's own ``seed``.
        replication: which child of the root SeedSequence to draw from (0 for a single run).
        plan: the scenario's compiled plan, if the caller has it already.

    Returns:
        The run: ``summary`` (the summary.json dict), ``daily`` and ``events`` (DataFrames,
        ``date`` as datetime64), ``plot()``; a camp network's also ``warehouses``.
    """
    return _drawable(simulating.simulate(scenario, seed=seed, replication=replication, plan=plan))


def run_replications(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    progress: Callable[[int], None] | None = None,
    engine: str = "batch",
) -> ReplicatedResult:
    """Run ``replications`` (default: the scenario's own) and aggregate them, as ``campsim run -n N`` does.

    Args:
        scenario: a validated scenario.
        replications: how many; replication i draws from the i-th child of ``SeedSequence(seed)``.
        seed: root seed; defaults to the scenario's own.
        jobs: worker processes (None: all cores; 1: in this process). Results do not depend on it.
        executor: "local" or "dask" (then ``address`` is the scheduler).
        address: the Dask scheduler, e.g. tcp://host:8786.
        progress: called with the number of replications finished since the last call.
        engine: "batch" (vectorised, the default) or "des" (SimPy); the same figures.

    Returns:
        The means in ``summary`` (with its "uncertainty" block), replication 0's ``daily`` and
        ``events``, ``daily_quantiles`` and ``p_shortage_by_date``.
    """
    result = simulating.run_replications(scenario, replications, seed, jobs, executor, address, progress, engine)
    return _drawable(result)


def forecast(
    scenario: ScenarioLike,
    state: str | Path | Any,
    days: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    delay_risk: Any = None,
    jobs: int | None = None,
    engine: str = "batch",
    progress: Callable[[int], None] | None = None,
) -> ForecastResult:
    """Forecast a scenario from a state and warn of pipeline breaks, as ``campsim forecast`` does.

    Args:
        scenario: a scenario file or a loaded Scenario (the rules).
        state: a state file (state.csv, as ``run --write-state`` writes it) or a State.
        days: how many days to forecast (default: to the scenario's horizon).
        replications: how many (default: the scenario's own).
        seed: root seed (default: the scenario's).
        delay_risk: one random delay on each pipeline row, written like lead_time_days
            (``"{triangular: [0, 2, 10]}"``); None for none.
        jobs: worker processes (results do not depend on it).
        engine: "batch" or "des" for the replications' statistics.
        progress: called with the number of replications finished since the last call.

    Returns:
        ``warning`` (the rows of warning.csv, the most urgent first), ``p_break_by_date``,
        ``run`` (the forecast days as ``run_replications`` returns them), ``as_of``, ``state``
        and ``plot()`` (``chart="cover_fan"`` for the fan of days of cover).

    Raises:
        ScenarioError: a bad scenario, state file (file, line and field), days or delay_risk.
    """
    from campsim.load.loader import load_scenario
    from campsim.load.state import read_state
    from campsim.results.warning import forecast_warning
    from campsim.runs.forecast import run_forecast

    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    checked = read_state(state, loaded) if isinstance(state, str | Path) else state
    got = run_forecast(loaded, checked, days, replications, seed, delay_risk, jobs, engine, progress)
    _drawable(got.result)
    result = forecast_warning(got)
    result.plotter = _plot_forecast
    return result


def _plot_forecast(result: ForecastResult, chart: str | None = None) -> Figure:
    from campsim.report.forecast_charts import FORECAST_CHARTS

    return _pick({name: (lambda draw=draw: draw(result)) for name, draw in FORECAST_CHARTS.items()}, chart, "p_break")


@dataclass
class CompareResult:
    """Scenarios side by side: ``table`` (the rows of compare.csv) and each labelled run."""

    runs: list[tuple[str, SimulationResult]]
    table: pd.DataFrame
    align: str = "date"  # the time charts' x axis: "date", or "start" (days since each scenario's start)

    def plot(self, chart: str | None = None) -> Figure:
        """The scenarios' days of cover overlaid, one panel per commodity (camp networks: person-days
        short per camp); ``chart`` picks another of the report's charts by name, e.g. "shortfall"."""
        return plot(self, chart)


@dataclass
class SweepResult(sweeping.SweepResult):
    """A sweep: ``table`` (the rows of sweep.csv: one per grid point and commodity), each point's summary."""

    scenario_name: str = ""

    def plot(self, chart: str | None = None) -> Figure:
        """The sweep chart: shortfall person-days (mean, P10-P90 band) and P(any shortage) against the knob."""
        return plot(self, chart)


def compare(
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    vary: Vary | None = None,
    overrides: Sequence[str] = (),
    seed: int | None = None,
    replications: int = 1,
    jobs: int | None = None,
    engine: str = "batch",
    align: str = "date",
) -> CompareResult:
    """Compare scenarios side by side, as ``campsim compare`` does.

    Args:
        scenarios: two or more scenario files or Scenario objects; or one, with ``vary``.
        vary: variants of the one scenario, ``{"funding.funded_fraction": [0.62, 0.8, 1.0]}``
            (a value may be a range text "lo:hi:step"); several keys make a grid.
        overrides: ``dotted.key=value`` strings applied to every file (``--set``).
        seed: one seed for all (common random numbers); default each scenario's own.
        replications: with more than 1, means over replications on common random numbers.
        jobs: worker processes for the replications (None: all cores).
        engine: "batch" or "des", for the replications.
        align: the time charts' x axis: "date", or "start" (days since each scenario's own start,
            for scenarios starting on different dates; ``--align start``).

    Raises:
        ScenarioError: an invalid file, override, variant or align; nothing is run.
    """
    if align not in ("date", "start"):
        raise ScenarioError(f"align: expected 'date' or 'start', got {align!r}")
    items = [scenarios] if isinstance(scenarios, str | Path | Scenario) else list(scenarios)
    options = _vary_options(vary)
    if options or all(not isinstance(s, Scenario) for s in items):
        variants = comparing.load_variants([_path_of(s) for s in items], tuple(overrides), options)
    else:
        if overrides:
            raise ScenarioError("overrides apply to scenario files; give paths, or change the Scenario objects")
        if len(items) < 2:
            raise ScenarioError("compare needs two or more scenarios, or one with vary={key: values}")
        variants = comparing.labelled([_with_file(s) for s in items])
    if replications > 1:
        from campsim.runs.executors import Execution

        runs = comparing.run_variants(variants, seed, replications, Execution(jobs, engine=engine))
    else:
        runs = comparing.run_variants(variants, seed=seed)
    runs = [(label, _drawable(r)) for label, r in runs]
    return CompareResult(runs, comparing.compare_table(runs), align)


def sweep(
    scenario: ScenarioLike,
    vary: Vary,
    overrides: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    engine: str = "batch",
) -> SweepResult:
    """Run a grid of variants with replications, as ``campsim sweep`` does.

    Args:
        scenario: a scenario file, or a Scenario loaded from one and unchanged since.
        vary: ``{"funding.funded_fraction": "0.3:1.0:0.1"}`` or ``{key: [values]}``; several keys make a grid.
        overrides: ``dotted.key=value`` strings applied before varying (``--set``).
        replications: per point (default: the scenario's own); every point runs the same ones.
        seed: root seed (default: the scenario's own).
        jobs: worker processes (None: all cores).
        engine: "batch" or "des".

    Raises:
        ScenarioError: an invalid file, override or grid point; nothing is run.
    """
    from campsim.runs.executors import Execution

    options = _vary_options(vary)
    if not options:
        raise ScenarioError("sweep needs vary={key: values}, e.g. {'funding.funded_fraction': '0.3:1.0:0.1'}")
    path = _path_of(scenario)
    points = comparing.grid(path, tuple(overrides), options)
    got = sweeping.sweep(path, options, tuple(overrides), replications, seed, Execution(jobs, engine=engine),
                         points=points)  # fmt: skip
    for warning in got.warnings:
        warnings.warn(warning.removeprefix("warning: "), stacklevel=2)
    return SweepResult(got.keys, got.table, got.summaries, got.warnings, scenario_name=points[0][2].name)


def allocate(
    scenario: ScenarioLike,
    budget: float | None = None,
    objective: str = "person-days",
    *,
    budget_share: float | None = None,
    weights: Mapping[str, float] | str | None = None,
    min_share: float = 0.0,
    max_share: float = 1.0,
    replications: int | None = None,
    step: float = 0.01,
    seed: int | None = None,
    jobs: int | None = None,
    data_root: str | Path | None = None,
):
    """Split a fixed budget across commodities to minimise shortage, as ``campsim allocate`` does.

    Args:
        scenario: a scenario file, or a Scenario loaded from one and unchanged since.
        budget: USD to split (default: what the scenario's tranches deliver); or ``budget_share``
            of the total requirement.
        objective: "person-days", "critical" or "weighted" (with ``weights={"water": 3, ...}``).
        min_share, max_share: the limits of every commodity's funded share.
        replications: per evaluation (default 200), on common random numbers; ``seed``: the root seed.
        step: the grid of shares each commodity is simulated on.

    Returns:
        An AllocateResult: ``allocation`` and ``frontier`` (allocation.csv and frontier.csv as
        DataFrames), ``totals``, ``flat_equivalent_usd``, ``method``, ``notes``; write its report
        folder with ``write_report(result, folder)``.

    Raises:
        ScenarioError: an invalid scenario or option; nothing is run.
    """
    from campsim.runs.allocate import allocate as run_allocate

    weights = dict(weights) if isinstance(weights, Mapping) else weights
    return run_allocate(_path_of(scenario), budget, budget_share, objective, weights, min_share, max_share,
                        replications, step, seed, data_root, jobs=jobs)  # fmt: skip


def write_report(
    result: SimulationResult | CompareResult | SweepResult | AllocateResult | ForecastResult,
    folder: str | Path,
    charts: bool = True,
    force: bool = False,
    svg: bool = False,
) -> Path:
    """Write the report folder ``campsim run``, ``compare``, ``sweep``, ``allocate`` or ``forecast`` would write
    for the same result.

    The folder is written beside its destination and moved into place when complete; it may
    replace an earlier campsim report, or anything else with ``force``. Charts are PNGs; ``svg``
    adds an SVG of each (``--svg``).

    Raises:
        ScenarioError: ``folder`` holds something other than a campsim report, or cannot be written.
    """
    from campsim.report import folders
    from campsim.results.allocate import AllocateResult

    try:
        if isinstance(result, AllocateResult):
            from campsim.report.allocate import write_allocate_report

            return write_allocate_report(result, folder, charts=charts, force=force, svg=svg)
        if isinstance(result, ForecastResult):
            from campsim.report.forecast import write_forecast_report

            return write_forecast_report(result, folder, charts=charts, force=force, svg=svg)
        if isinstance(result, CompareResult):
            return folders.write_compare_report(result.runs, result.table, folder, charts=charts, force=force,
                                                svg=svg, align=result.align)  # fmt: skip
        if isinstance(result, sweeping.SweepResult):
            name = getattr(result, "scenario_name", "")
            return folders.write_sweep_report(result, name, folder, charts=charts, force=force, svg=svg)
        if result.scenario.is_network:
            from campsim.report.network import write_network_report

            return write_network_report(result, folder, force=force, charts=charts, svg=svg)
        return folders.write_report(result, folder, charts=charts, force=force, svg=svg)
    except OutputFolderError as exc:
        raise ScenarioError(str(exc)) from None


def plot(result: SimulationResult | CompareResult | SweepResult, chart: str | None = None) -> Figure:
    """A result's main chart as a matplotlib Figure (``result.plot()`` calls this).

    A run: stock in days of cover, shortage days shaded, one panel per commodity. A camp
    network: days of cover per camp. A comparison: the scenarios overlaid (networks: person-days
    short per camp). A sweep: the sweep chart. ``chart`` names another of the report's charts.

    Raises:
        ScenarioError: ``chart`` is not one of the result's charts.
    """
    from campsim.report import charts as ch

    if isinstance(result, sweeping.SweepResult):
        from campsim.report.folders import totals

        return _pick({"sweep": lambda: ch.sweep_chart(totals(result.table), result.keys)}, chart, "sweep")
    runs = result.runs if isinstance(result, CompareResult) else [(result.scenario.name, result)]
    if runs[0][1].scenario.is_network:
        from campsim.report import network_charts as nc

        registry = nc.RUN_CHARTS if len(runs) == 1 else nc.compare_charts(runs)
        default = "camp_cover" if len(runs) == 1 else "camp_shortfall"
    else:
        registry, default = ch.registry(getattr(result, "align", "date")), "cover"
    return _pick({name: (lambda draw=draw: draw(runs)) for name, draw in registry.items()}, chart, default)


# --- helpers --------------------------------------------------------------------------------


def _drawable(result: SimulationResult) -> SimulationResult:
    """The result, able to draw itself (results/ imports no chart code; see SimulationResult)."""
    result.plotter = plot
    return result
