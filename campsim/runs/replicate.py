"""Replications: what each one returns to the process that aggregates them.

Replication i draws from the i-th child of ``SeedSequence(seed)`` (see plan/draw.py), so
a single run is replication 0 and results do not depend on how replications are chunked
or which executor runs them: samples are always aggregated in replication order
(results/aggregate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from campsim.engines import batch, des
from campsim.model.outputs import RunArrays
from campsim.plan.compile import Plan
from campsim.plan.draw import draw
from campsim.results.aggregate import DAILY_DTYPE, DAILY_METRICS
from campsim.results.summary import Summary, summarize

ENGINES = ("batch", "des")


@dataclass
class Sample:
    """What one replication contributes: its summary and a few daily series."""

    index: int
    summary: Summary
    daily: np.ndarray | None  # [days, lines, len(DAILY_METRICS)]
    population: np.ndarray | None  # [days]; a network's: [days, lines], each line's camp


def samples_of(plan: Plan, arrays: RunArrays, seed: int, keep_daily: bool = True) -> list[Sample]:
    """Each replication of ``arrays`` as a Sample (a network's: its lines are camp x commodity).

    Sweeps and the solver only need summaries: with ``keep_daily=False`` the daily series
    are dropped in the worker, so a 100,000-run sweep holds no daily tables.
    """
    if plan.network is not None:
        from campsim.results.network import summarize_network

        summaries = summarize_network(plan, arrays, seed)
    else:
        summaries = summarize(plan, arrays, seed)
    indices = range(arrays.first, arrays.first + arrays.replications)
    if not keep_daily:
        empty, flat = np.empty((0, 0, 0), DAILY_DTYPE), np.empty(0, DAILY_DTYPE)
        return [Sample(i, summary, empty, flat) for i, summary in zip(indices, summaries, strict=True)]
    # [days, lines, replications, metrics] -> one [days, lines, metrics] block per replication
    cube = np.stack([arrays.daily[m] for m in DAILY_METRICS], axis=-1).astype(DAILY_DTYPE)
    cube = np.ascontiguousarray(cube.transpose(2, 0, 1, 3))
    if plan.network is not None:  # each camp line's own camp: [replications, days, lines]
        per_line = arrays.camp_population["population"][:, plan.network.sites.line_camp, :]
        people = np.ascontiguousarray(per_line.transpose(2, 0, 1).astype(DAILY_DTYPE))
    else:
        people = np.ascontiguousarray(arrays.population.T.astype(DAILY_DTYPE))
    return [
        Sample(i, summary, cube[k], people[k]) for k, (i, summary) in enumerate(zip(indices, summaries, strict=True))
    ]


def run_chunk(
    plan: Plan, seed: int, start: int, stop: int, keep_daily: bool = True, engine: str = "batch"
) -> list[Sample]:
    """Replications start..stop-1: the unit of work sent to a worker process or Dask.

    ``engine="batch"`` steps them all at once; ``"des"`` runs the SimPy engine once per
    replication. Both give the same samples.
    """
    if plan.network is not None:
        return network_chunk(plan, seed, start, stop, keep_daily, engine)
    drawn = draw(plan, seed, start, stop)
    if engine == "des":
        return [
            sample
            for i in range(start, stop)
            for sample in samples_of(plan, des.simulate(plan, drawn, i), seed, keep_daily)
        ]
    return samples_of(plan, batch.simulate_batch(plan, drawn), seed, keep_daily)


def network_chunk(plan: Plan, seed: int, start: int, stop: int, keep_daily: bool, engine: str) -> list[Sample]:
    """Replications start..stop-1 of a camp network, through its batch or SimPy engine."""
    from campsim.engines.batch_network import simulate_network_batch
    from campsim.engines.network import simulate_network
    from campsim.plan.draw import draw_network

    drawn = draw_network(plan, seed, start, stop)
    if engine == "des":
        return [
            s for i in range(start, stop) for s in samples_of(plan, simulate_network(plan, drawn, i), seed, keep_daily)
        ]
    return samples_of(plan, simulate_network_batch(plan, drawn), seed, keep_daily)
