"""The forecast runner: a scenario restarted from a state on the day after its as_of date.

The scenario keeps giving the rules (standards, rationing, ordering and requisitions, lead
times, arrivals, tranches still to come, disruptions); the state gives what is on hand, on
the way, owed and left at the end of as_of (load/state.py). Day numbers continue from the
scenario's start, so reviews, tranches and disruptions fall on the days a run has them.
Replication 0 runs through the SimPy engine (its daily and events tables); every
replication runs through the batch engine for the statistics (the engines agree).
docs/semantics.md, "State and forecast", states every choice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from campsim.model.errors import ScenarioError
from campsim.model.scenario import Scenario
from campsim.model.schema import LeadTime
from campsim.model.state import State
from campsim.plan.arrays import LeadTimePlan, lead_time_plan
from campsim.results.state import Forecast


def delay_plan(delay_risk: Any) -> LeadTimePlan | None:
    """--delay-risk as a distribution: None, a LeadTime, a number of days, a mapping or its YAML text
    (``'{triangular: [0, 2, 10]}'``), written as lead_time_days are."""
    if delay_risk is None or isinstance(delay_risk, LeadTimePlan):
        return delay_risk
    value = delay_risk
    if isinstance(value, str):
        import yaml

        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ScenarioError(
                f"expected a distribution such as '{{triangular: [0, 2, 10]}}', got {delay_risk!r}", path="--delay-risk"
            ) from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = {"fixed": value}
    if not isinstance(value, dict | LeadTime):  # a word or a list: pydantic would name its own class
        raise ScenarioError(
            f"expected a number of days or one of {{triangular: [min, mode, max]}}, {{uniform: [low, high]}}, "
            f"{{lognormal: {{mean: m, sd: s}}}}, got {delay_risk!r}",
            path="--delay-risk",
        )
    try:
        lead = value if isinstance(value, LeadTime) else LeadTime.model_validate(value)
    except ValidationError as exc:
        words = "; ".join(
            ": ".join(p for p in (".".join(map(str, e["loc"])), e["msg"].removeprefix("Value error, ")) if p)
            for e in exc.errors()
        )
        raise ScenarioError(
            f"expected a number of days or one of {{triangular: [min, mode, max]}}, "
            f"{{uniform: [low, high]}}, {{lognormal: {{mean: m, sd: s}}}}: {words}",
            path="--delay-risk",
        ) from None
    return lead_time_plan(lead)


def run_forecast(
    scenario: Scenario,
    state: State,
    days: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    delay_risk: Any = None,
    jobs: int | None = None,
    engine: str = "batch",
    progress=None,
) -> Forecast:
    """Forecast a scenario from a state: its model restarted on the day after ``state.as_of``.

    Args:
        scenario: a validated scenario (the rules).
        state: a checked state of that scenario (load.state.read_state, or a captured one).
        days: how many days to forecast (default: to the scenario's horizon; it may not pass it).
        replications: how many (default: the scenario's own).
        seed: root seed (default: the scenario's).
        delay_risk: one extra random delay (whole days, rounded up, at least 0) on each
            pipeline row of the state, from its own stream ``delay_risk``; written like
            lead_time_days ('{triangular: [0, 2, 10]}'), or None for none.
        jobs: kept for the CLI's --jobs; the batch engine steps every replication in this
            process (it is fast enough for 1,000 replications of a network).
        engine: "batch" (default) or "des" for the replications' statistics.
        progress: called with the number of replications done, as they finish.

    Raises:
        ScenarioError: --days past the scenario's horizon, or a bad --delay-risk.
    """
    from campsim.runs.forecast_steps import forecast

    return forecast(scenario, state, days, replications, seed, delay_plan(delay_risk), engine, progress)


def capture_state(scenario: Scenario, as_of: date, seed: int | None = None) -> State:
    """Replication 0's state at the end of ``as_of`` (what ``run --write-state`` writes).

    Raises:
        ScenarioError: as_of outside the scenario's days, or its last day (nothing would be left to forecast).
    """
    from campsim.engines.state import capture
    from campsim.plan.compile import compile
    from campsim.plan.draw import draw, draw_network
    from campsim.plan.state_rows import state_of

    plan = compile(scenario)
    day = (as_of - plan.start).days
    if not 0 <= day < plan.days - 1:
        last = plan.start + timedelta(days=plan.days - 2)
        raise ScenarioError(
            f"{as_of} is outside {plan.start} to {last}, the days whose end a forecast can start "
            "from (the scenario's days but its last)",
            path="--write-state",
        )
    seed = scenario.seed if seed is None else seed
    drawn = (draw_network if plan.network is not None else draw)(plan, seed, 0, 1)
    return state_of(plan, capture(plan, drawn, day))
