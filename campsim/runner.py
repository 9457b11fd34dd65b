"""Running scenarios: seeds, random inputs, the engine, and the results it hands back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from campsim import engine
from campsim.engine import EngineResult
from campsim.inputs import draw_inputs
from campsim.results import daily_frame, events_frame, summarize
from campsim.scenario import Scenario


@dataclass
class SimulationResult:
    """One run: the summary.json dict, the daily and events tables, and the raw arrays."""

    scenario: Scenario
    seed: int
    summary: dict[str, Any]
    daily: pd.DataFrame
    events: pd.DataFrame
    raw: EngineResult


def simulate(scenario: Scenario, seed: int | None = None, replication: int = 0) -> SimulationResult:
    """Simulate one replication of a scenario.

    Args:
        scenario: a validated scenario (see :func:`campsim.load_scenario`).
        seed: root seed; defaults to the scenario's own ``seed``.
        replication: which child of the root SeedSequence to draw from (0 for a single run).
    """
    seed = scenario.seed if seed is None else seed
    raw = engine.simulate(scenario, draw_inputs(scenario, seed, replication))
    return SimulationResult(
        scenario=scenario,
        seed=seed,
        summary=summarize(scenario, raw, seed),
        daily=daily_frame(scenario, raw),
        events=events_frame(scenario, raw),
        raw=raw,
    )
