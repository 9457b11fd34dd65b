"""The network loop's whole job: ``run_network``, the Network's records handed to campsim's result code."""

from __future__ import annotations

import pandas as pd

from benchmarks.network_loop.day import Network
from campsim.model.scenario import Scenario
from campsim.plan.compile import compile
from campsim.results.network import network_daily_frame, network_events_frame, summarize_network, warehouses_frame


def run_network(
    scenario: Scenario, seed: int | None = None, replication: int = 0
) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What ``campsim.simulate(scenario, seed)`` returns for a network, as (summary, daily, warehouses, events)."""
    seed = scenario.seed if seed is None else seed
    network = Network(scenario)
    network.draw(seed, replication)
    network.run()
    arrays = network.arrays(replication)
    plan = compile(scenario)  # for the result builders only: dates, names, units, per-line metrics
    return (
        summarize_network(plan, arrays, seed)[0],
        network_daily_frame(plan, arrays, replication),
        warehouses_frame(plan, arrays, replication),
        network_events_frame(plan, arrays),
    )
