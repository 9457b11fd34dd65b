"""campsim: when do food, water and hygiene supplies run short in a camp, and what would prevent it.

Public API::

    import campsim
    scenario = campsim.load_scenario("scenarios/ramadi.yaml")
    result = campsim.simulate(scenario, seed=1)
    result.summary            # the summary.json dict
    result.daily, result.events   # pandas DataFrames
"""

from __future__ import annotations

from campsim.errors import ScenarioError
from campsim.loader import load_scenario, scenario_from_dict
from campsim.runner import SimulationResult, simulate
from campsim.scenario import Scenario

__all__ = [
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "load_scenario",
    "scenario_from_dict",
    "simulate",
]
__version__ = "0.1.0"
