"""The forecast's steps: restart plan and draws, replication 0 through SimPy, all through the batch engine."""

from __future__ import annotations

import numpy as np

from campsim.engines.state import restore_batch, restore_des
from campsim.model.errors import ScenarioError
from campsim.model.outputs import RunArrays
from campsim.model.scenario import Scenario
from campsim.model.state import State
from campsim.plan.arrays import LeadTimePlan, Plan
from campsim.plan.compile import compile
from campsim.plan.state import Start, forecast_view, restart, restart_plan, start_of, truncate
from campsim.plan.state_draws import draw_from
from campsim.results.state import Forecast, renumbered, window
from campsim.runs.executors import _chunk_cap
from campsim.runs.replicate import samples_of
from campsim.runs.simulate import replicated_result


def forecast(
    scenario: Scenario,
    state: State,
    days: int | None,
    replications: int | None,
    seed: int | None,
    delay: LeadTimePlan | None,
    engine: str = "batch",
    progress=None,
) -> Forecast:
    """run_forecast's work (runs/forecast.py documents the arguments)."""
    plan = compile(scenario)
    start = start_of(plan, state)
    first = start.day
    left = plan.days - first
    if days is not None and not 1 <= days <= left:
        raise ScenarioError(
            f"expected 1 to {left} days (the scenario's horizon is {left} days after {state.as_of}), got {days}",
            path="--days",
        )
    stop = plan.days if days is None else first + days
    seed = scenario.seed if seed is None else seed
    n = scenario.replications if replications is None else replications
    steps = restart_plan(plan, first, stop)
    view = forecast_view(truncate(plan, stop), start)
    raw = _run_des(steps, start, seed, 0, delay)
    head = _first_result(scenario, view, window(raw, first, stop), seed)
    if progress is not None:
        progress(1)
    chunks, samples = [], []
    size = _chunk_cap(steps, keep_daily=True, engine=engine)  # what a chunk may hold in memory, as a run's
    for a in range(0, n, size):
        b = min(n, a + size)
        if engine == "des":
            part = [window(_run_des(steps, start, seed, r, delay), first, stop) for r in range(a, b)]
            part = [_with_first(p, r) for p, r in zip(part, range(a, b), strict=True)]
        else:
            part = [_with_first(window(_run_batch(steps, start, seed, a, b, delay), first, stop), a)]
        for arrays in part:
            samples += samples_of(view, arrays, seed)
        chunks += part
        if progress is not None:
            progress(b - max(a, 1))
    result = renumbered(replicated_result(head, samples[1:]), first)
    return Forecast(
        result=result,
        samples=samples,
        arrays=_joined(chunks),
        state=state,
        as_of_day=first - 1,
        days=stop - first,
        start=view.start,
        plan=plan,
    )


def _with_first(arrays: RunArrays, first: int) -> RunArrays:
    arrays.first = first
    return arrays


def _run_des(plan: Plan, start: Start, seed: int, replication: int, delay) -> RunArrays:
    """One replication through the SimPy engine (single camp or network), restarted from ``start``."""
    from campsim.engines.des import CampModel
    from campsim.engines.network import NetworkModel

    drawn = draw_from(plan, start, seed, replication, replication + 1)
    model = (NetworkModel if plan.network is not None else CampModel)(plan, drawn, replication)
    restore_des(model, restart(plan, start, seed, replication, replication + 1, delay), replication)
    raw = model.run()
    raw.first = replication
    return raw


def _run_batch(plan: Plan, start: Start, seed: int, a: int, b: int, delay) -> RunArrays:
    """Replications a..b-1 through the batch engine, restarted from ``start``."""
    from campsim.engines.batch import BatchModel
    from campsim.engines.batch_network import BatchNetwork

    drawn = draw_from(plan, start, seed, a, b)
    model = (BatchNetwork if plan.network is not None else BatchModel)(plan, drawn)
    restore_batch(model, restart(plan, start, seed, a, b, delay))
    return model.run()


def _first_result(scenario: Scenario, view: Plan, raw: RunArrays, seed: int):
    """Replication 0's result on the forecast's days, as simulate() builds a run's."""
    from campsim.runs.simulate import result_of

    return result_of(scenario, view, raw, seed)


def _joined(chunks: list[RunArrays]) -> RunArrays:
    """Chunks of replications as one RunArrays (replication axis last; events: replication 0's)."""
    if len(chunks) == 1:
        return chunks[0]
    head = chunks[0]
    out = {}
    for name, value in head.__dict__.items():
        if isinstance(value, dict):
            out[name] = {k: np.concatenate([c.__dict__[name][k] for c in chunks], axis=-1) for k in value}
        elif isinstance(value, np.ndarray):
            out[name] = np.concatenate([c.__dict__[name] for c in chunks], axis=-1)
        else:
            out[name] = value
    return type(head)(**out)
