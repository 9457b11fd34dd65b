"""Running a scenario: compile its plan, draw, run an engine, and hand back the results."""

from __future__ import annotations

from campsim.engines import des
from campsim.model.scenario import Scenario
from campsim.plan.compile import Plan, compile
from campsim.plan.draw import draw
from campsim.results.aggregate import DAILY_ORDER, aggregate, daily_quantiles, days_of_first, p_shortage_by_date
from campsim.results.run import NetworkResult, ReplicatedResult, SimulationResult, commodities_of
from campsim.results.summary import summarize
from campsim.results.tables import daily_frame, events_frame, first_shortage_frame, quantile_frame
from campsim.runs.replicate import Sample, samples_of

__all__ = [
    "ReplicatedResult",
    "SimulationResult",
    "commodities_of",
    "replicated_result",
    "run_replications",
    "simulate",
]


def simulate(
    scenario: Scenario, seed: int | None = None, replication: int = 0, plan: Plan | None = None
) -> SimulationResult:
    """Simulate one replication of a scenario with the SimPy engine.

    Args:
        scenario: a validated scenario (see :func:`campsim.load_scenario`).
        seed: root seed; defaults to the scenario's own ``seed``.
        replication: which child of the root SeedSequence to draw from (0 for a single run).
        plan: the scenario's compiled plan, if the caller has it already.
    """
    seed = scenario.seed if seed is None else seed
    plan = compile(scenario) if plan is None else plan
    if plan.network is not None:
        return simulate_network_run(scenario, plan, seed, replication)
    raw = des.simulate(plan, draw(plan, seed, replication, replication + 1))
    return result_of(scenario, plan, raw, seed, replication)


def result_of(scenario: Scenario, plan: Plan, raw, seed: int, replication: int = 0) -> SimulationResult:
    """One replication's result from its engine arrays: summary, daily and events tables (a
    network's also warehouses), as a run (and a forecast's replication 0) reports them."""
    if plan.network is not None:
        from campsim.results.network import (
            network_daily_frame,
            network_events_frame,
            summarize_network,
            warehouses_frame,
        )

        return NetworkResult(
            scenario=scenario,
            seed=seed,
            summary=recorded(summarize_network(plan, raw, seed)[0], scenario),
            daily=network_daily_frame(plan, raw, replication),
            events=network_events_frame(plan, raw),
            raw=raw,
            plan=plan,
            warehouses=warehouses_frame(plan, raw, replication),
        )
    return SimulationResult(
        scenario=scenario,
        seed=seed,
        summary=recorded(summarize(plan, raw, seed)[0], scenario),
        daily=daily_frame(plan, raw, replication),
        events=events_frame(plan, raw),
        raw=raw,
        plan=plan,
    )


def recorded(summary: dict, scenario: Scenario) -> dict:
    """The summary with the overrides its scenario was run with (``overrides``, after the head's other
    keys), so a report of a changed scenario says what was changed."""
    out = {}
    for key, value in summary.items():
        if key != "overrides":
            out[key] = value
        if key == "replications":
            out["overrides"] = list(scenario.overrides)
    return out


def simulate_network_run(scenario: Scenario, plan: Plan, seed: int, replication: int = 0) -> NetworkResult:
    """One replication of a camp network through the SimPy network engine."""
    from campsim.engines.network import simulate_network
    from campsim.plan.draw import draw_network

    raw = simulate_network(plan, draw_network(plan, seed, replication, replication + 1))
    return result_of(scenario, plan, raw, seed, replication)


def run_replications(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    progress=None,
    engine: str = "batch",
) -> ReplicatedResult:
    """Run ``replications`` (default: the scenario's own) and aggregate them.

    Replication i uses the i-th child of ``SeedSequence(seed)``; results are identical
    whatever ``jobs`` and ``executor`` (see executors.py). daily and events describe
    replication 0, so they match a single ``simulate``; that SimPy run is replication 0's
    sample too, and the executor runs replications 1..N-1. ``engine="batch"`` computes
    the statistics with the vectorised engine (the same numbers, faster); "des" with SimPy.
    """
    from campsim.runs.executors import Execution, run_grid

    seed = scenario.seed if seed is None else seed
    n = scenario.replications if replications is None else replications
    first = simulate(scenario, seed=seed)
    if progress is not None:
        progress(1)
    rest = run_grid([(first.plan, seed, 1, n)], Execution(jobs, executor, address, engine), progress)[0]
    return replicated_result(first, rest)


def first_sample(first: SimulationResult) -> Sample:
    """Replication 0's sample, from its SimPy run."""
    return samples_of(first.plan, first.raw, first.seed)[0]


def replicated_result(first: SimulationResult, rest: list[Sample]) -> ReplicatedResult:
    """Aggregate replication 0's run and the samples of replications 1..N-1."""
    samples = [first_sample(first), *sorted(rest, key=lambda s: s.index)]
    plan = first.plan
    if plan.network is not None:
        return replicated_network_result(first, samples)
    summary = recorded(aggregate(plan, [s.summary for s in samples]), first.scenario)
    by_date = {
        name: p_shortage_by_date(plan, days_of_first([s.summary["commodities"][name] for s in samples]))
        for name in plan.lines
    }
    quantiles = quantile_frame(plan, daily_quantiles(plan, samples), DAILY_ORDER)  # releases the samples' series
    return ReplicatedResult(
        scenario=first.scenario,
        seed=first.seed,
        summary=summary,
        daily=first.daily,
        events=first.events,
        raw=first.raw,
        plan=plan,
        daily_quantiles=quantiles,
        p_shortage_by_date=first_shortage_frame(plan, by_date),
    )


def replicated_network_result(first: NetworkResult, samples: list[Sample]) -> NetworkResult:
    """A network's replications: the aggregated summary (camps included), replication 0's tables,
    and daily quantiles and P(first shortage by date) per camp and commodity."""
    from campsim.results.aggregate import aggregate_network

    plan = first.plan
    sites, camps = plan.network.sites, plan.network.camps.names
    lines = zip(plan.lines, sites.line_camp, sites.line_commodity, strict=True)
    where = {line: (camps[k], sites.commodities[c]) for line, k, c in lines}
    by_date = {
        line: p_shortage_by_date(plan, days_of_first([s.summary["camps"][camp]["commodities"][item] for s in samples]))
        for line, (camp, item) in where.items()
    }

    def per_camp(frame):
        frame.insert(2, "camp", frame["commodity"].map(lambda line: where[line][0]))
        frame["commodity"] = frame["commodity"].map(lambda line: where[line][1])
        return frame  # population_pXX: the camp's own people

    quantiles = quantile_frame(plan, daily_quantiles(plan, samples), DAILY_ORDER)
    return NetworkResult(
        scenario=first.scenario,
        seed=first.seed,
        summary=recorded(aggregate_network(plan, [s.summary for s in samples]), first.scenario),
        daily=first.daily,
        events=first.events,
        raw=first.raw,
        plan=plan,
        warehouses=first.warehouses,
        daily_quantiles=per_camp(quantiles),
        p_shortage_by_date=per_camp(first_shortage_frame(plan, by_date)),
    )
