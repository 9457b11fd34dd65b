"""What a run hands to reports and users: the summary, the tables, the arrays.

Defined in results/, below the machinery that runs scenarios, so report code reads
results without importing an engine, a loader or an executor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from campsim.model.outputs import RunArrays
from campsim.model.scenario import Scenario
from campsim.plan.compile import Plan
from campsim.results.summary import Summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class SimulationResult:
    """One run: the summary.json dict, the daily and events tables, and the raw arrays.

    ``plotter`` draws the result; campsim's API (:mod:`campsim.api`, above report/) hands it
    over with every result it returns, because results/ sits below the charts and imports none.
    """

    scenario: Scenario
    seed: int
    summary: Summary
    daily: pd.DataFrame
    events: pd.DataFrame
    raw: RunArrays
    plan: Plan | None = None
    plotter: Callable[..., Figure] | None = field(default=None, kw_only=True, repr=False, compare=False)

    def plot(self, chart: str | None = None) -> Figure:
        """The run's main chart as a matplotlib Figure: stock in days of cover with the shortage days
        shaded, one panel per commodity (a camp network: days of cover per camp).

        Args:
            chart: another chart by its report name, e.g. "ration", "funding", "fan"
                (a network: "network_map", "warehouse_stock", "route_use").

        Raises:
            ScenarioError: an unknown chart name, or a result not made by campsim's API.
        """
        if self.plotter is None:
            from campsim.model.errors import ScenarioError

            raise ScenarioError("this result has no charts attached: make it with campsim.simulate or "
                                "campsim.run_replications, or draw it with campsim.plot(result)")  # fmt: skip
        return self.plotter(self, chart)


def commodities_of(runs: list[tuple[str, SimulationResult]]) -> list[str]:
    """Union of the runs' commodities, in first-seen order (scenarios compare on this list)."""
    names: list[str] = []
    for _, r in runs:
        names += [n for n in r.scenario.commodities if n not in names]
    return names


@dataclass
class ReplicatedResult(SimulationResult):
    """Many replications: the aggregated summary, replication 0's tables, and daily quantiles."""

    daily_quantiles: pd.DataFrame | None = None
    p_shortage_by_date: pd.DataFrame | None = None


@dataclass
class NetworkResult(SimulationResult):
    """One run of a camp network: daily (with camp), warehouses and events (with site) tables."""

    warehouses: pd.DataFrame | None = None
    daily_quantiles: pd.DataFrame | None = None  # replicated runs: P10/P50/P90 by day, camp and commodity
    p_shortage_by_date: pd.DataFrame | None = None
