"""campsim: when do food, water and hygiene supplies run short in a camp, and what would prevent it.

Public API::

    import campsim
    scenario = campsim.load_scenario("scenarios/ramadi.yaml")
    result = campsim.simulate(scenario, seed=1)
    result.summary            # the summary.json dict
    result.daily, result.events   # pandas DataFrames
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from campsim.model.errors import ScenarioError

# The API is imported lazily so that `campsim --help` does not pay for pandas and SimPy.
_LAZY = {
    "Scenario": "campsim.model.scenario",
    "SimulationResult": "campsim.results.run",
    "load_scenario": "campsim.load.loader",
    "scenario_from_dict": "campsim.load.loader",
    "simulate": "campsim.runs.simulate",
    "run_replications": "campsim.runs.simulate",
    "ReplicatedResult": "campsim.results.run",
}

if TYPE_CHECKING:
    from campsim.load.loader import load_scenario, scenario_from_dict
    from campsim.model.scenario import Scenario
    from campsim.results.run import ReplicatedResult, SimulationResult
    from campsim.runs.simulate import run_replications, simulate

__all__ = [
    "ReplicatedResult",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "load_scenario",
    "run_replications",
    "scenario_from_dict",
    "simulate",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'campsim' has no attribute {name!r}")
