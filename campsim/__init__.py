"""campsim: when do food, water and hygiene supplies run short in a camp, and what would prevent it.

Public API::

    import campsim
    scenario = campsim.load_scenario("scenarios/ramadi.yaml")
    result = campsim.simulate(scenario, seed=1)
    result.summary                # the summary.json dict
    result.daily, result.events   # pandas DataFrames, dates as datetime64
    result.plot()                 # a matplotlib Figure: days of cover per commodity
    campsim.compare(["scenarios/ramadi.yaml", "scenarios/ramadi-funded.yaml"]).table
    campsim.sweep("scenarios/ramadi.yaml", vary={"funding.funded_fraction": "0.5:1:0.25"}, replications=20)
    campsim.forecast("scenarios/anbar.yaml", "reports/anbar/state.csv", days=60).warning   # run --write-state first
    campsim.write_report(result, "reports/mine")
    campsim.allocate("scenarios/ramadi.yaml").allocation   # the best split of the same budget

``dir(campsim)`` lists these names; see campsim/api.py for the calls.
"""

from __future__ import annotations

import typing

from campsim.model.errors import ScenarioError

# The API is imported lazily so that `campsim --help` does not pay for pandas and SimPy.
_LAZY = {
    "Scenario": "campsim.model.scenario",
    "SimulationResult": "campsim.results.run",
    "ReplicatedResult": "campsim.results.run",
    "NetworkResult": "campsim.results.run",
    "load_scenario": "campsim.load.loader",
    "scenario_from_dict": "campsim.load.loader",
    "simulate": "campsim.api",
    "run_replications": "campsim.api",
    "forecast": "campsim.api",
    "ForecastResult": "campsim.results.warning",
    "compare": "campsim.api",
    "sweep": "campsim.api",
    "write_report": "campsim.api",
    "allocate": "campsim.api",
    "AllocateResult": "campsim.results.allocate",
    "plot": "campsim.api",
    "CompareResult": "campsim.api",
    "SweepResult": "campsim.api",
}

if typing.TYPE_CHECKING:
    from campsim.api import (
        CompareResult,
        SweepResult,
        allocate,
        compare,
        forecast,
        plot,
        run_replications,
        simulate,
        sweep,
        write_report,
    )
    from campsim.load.loader import load_scenario, scenario_from_dict
    from campsim.model.scenario import Scenario
    from campsim.results.allocate import AllocateResult
    from campsim.results.run import NetworkResult, ReplicatedResult, SimulationResult
    from campsim.results.warning import ForecastResult

__all__ = [
    "AllocateResult",
    "CompareResult",
    "ForecastResult",
    "NetworkResult",
    "ReplicatedResult",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "SweepResult",
    "allocate",
    "compare",
    "forecast",
    "load_scenario",
    "plot",
    "run_replications",
    "scenario_from_dict",
    "simulate",
    "sweep",
    "write_report",
]
__version__ = "0.1.0"

del typing, annotations  # helpers of this file, not part of the API (dir(campsim) shows __all__)


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'campsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
