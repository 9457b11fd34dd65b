"""What a run hands to reports and users: the summary, the tables, the arrays.

Defined in results/, below the machinery that runs scenarios, so report code reads
results without importing an engine, a loader or an executor.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from campsim.model.outputs import RunArrays
from campsim.model.scenario import Scenario
from campsim.plan.compile import Plan
from campsim.results.summary import Summary


@dataclass
class SimulationResult:
    """One run: the summary.json dict, the daily and events tables, and the raw arrays."""

    scenario: Scenario
    seed: int
    summary: Summary
    daily: pd.DataFrame
    events: pd.DataFrame
    raw: RunArrays
    plan: Plan | None = None


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
