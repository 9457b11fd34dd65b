"""Round trip, stochastic: outcomes forecast from a written state are distributed as the run's own
continuation from that day (400 replications each, independent seeds; two-sample tests).

The continuation is the run's engine stepped from day 0 on draws whose days up to D are
replication 0's and whose later days are fresh: for a single camp drawn by plan/draw.py's own
functions (arrivals and lead times of other replications, departures Binomial along the path
from replication 0's people on D), for a network by the population phase restarted there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from scipy import stats

import campsim
from campsim.engines.batch import simulate_batch
from campsim.engines.batch_network import simulate_network_batch
from campsim.load.state import parse_state
from campsim.plan.compile import compile
from campsim.plan.draw import _draw_departures, draw, draw_network
from campsim.plan.state import start_of
from campsim.plan.state_draws import draw_from
from campsim.plan.streams import stream
from campsim.report.statefile import state_csv
from campsim.runs.forecast import capture_state, run_forecast
from tests.conftest import ROOT
from tests.test_state_engines import spliced

pytestmark = pytest.mark.slow
N, DAY = 400, 60
OTHER_SEED = 991  # the continuation's future draws: independent of the forecast's


def outcomes(arrays, line: int) -> dict[str, np.ndarray]:
    """Per replication: shortfall, break days, end stock, lowest ration, people at the end, ordered."""
    d = arrays.daily
    return {
        "shortfall": d["shortfall"][:, line].sum(axis=0),
        "break days": d["stockout"][:, line].sum(axis=0),
        "end stock": d["stock"][-1, line],
        "received": d["received"][:, line].sum(axis=0),
        "ordered": d["ordered"][:, line].sum(axis=0),
        "people": arrays.population[-1],
    }


def assert_same_distribution(forecast: dict, continuation: dict) -> None:
    for name, got in forecast.items():
        want = continuation[name]
        size = 1e-9 * max(1.0, abs(float(np.mean(want))))  # sums over days differ in the last bits
        if np.ptp(got) <= size and np.ptp(want) <= size:
            assert abs(np.mean(got) - np.mean(want)) <= size, name
            continue
        # P10, P50, P90 within sampling error: the forecast's quantile lies between the continuation's at
        # q -/+ 3.3 standard errors of a quantile's rank (two samples of N: sqrt(2 q (1 - q) / N)), and the
        # distributions as a whole agree (two-sample Kolmogorov-Smirnov at 0.1%)
        for q in (0.1, 0.5, 0.9):
            k = 3.3 * np.sqrt(2 * q * (1 - q) / len(want))
            low, high = np.quantile(want, max(0.0, q - k)), np.quantile(want, min(1.0, q + k))
            assert low - size <= np.quantile(got, q) <= high + size, (name, q)
        assert stats.ks_2samp(got, want).pvalue > 1e-3, name


def test_a_single_camp_forecast_is_distributed_as_the_runs_continuation():
    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    plan = compile(s)
    state = parse_state(state_csv(capture_state(s, s.start + timedelta(days=DAY))), s, "state.csv")
    got = run_forecast(s, state, replications=N).arrays
    run = draw(plan, s.seed, 0, 1)
    others = draw(plan, OTHER_SEED, 0, N)  # plan/draw.py's own arrivals and lead times
    people = int(state.of_kind("population")[0].quantity)
    departures = np.stack([_draw_departures(stream(OTHER_SEED, r, "departures"), people, plan.departures_per_day,
                                            others.arrivals[DAY + 1 :, r]) for r in range(N)], axis=1)  # fmt: skip
    future = replace(others, departures=np.concatenate([np.zeros((DAY + 1, N)), departures]))
    whole = simulate_batch(plan, spliced(plan, run, future, DAY))
    later = type(whole)(**{**whole.__dict__, "daily": {k: v[DAY + 1 :] for k, v in whole.daily.items()},
                           "population": whole.population[DAY + 1 :]})  # fmt: skip
    for line in range(len(plan.lines)):
        assert_same_distribution(outcomes(got, line), outcomes(later, line))


def test_a_network_forecast_is_distributed_as_the_runs_continuation():
    s = campsim.load_scenario(ROOT / "scenarios" / "anbar.yaml")
    plan = compile(s)
    state = parse_state(state_csv(capture_state(s, s.start + timedelta(days=DAY))), s, "state.csv")
    got = run_forecast(s, state, replications=N).arrays
    run = draw_network(plan, s.seed, 0, 1)
    future = draw_from(plan, start_of(plan, state), OTHER_SEED, 0, N)
    whole = simulate_network_batch(plan, spliced(plan, run, future, DAY))
    later = type(whole)(**{**whole.__dict__, "daily": {k: v[DAY + 1 :] for k, v in whole.daily.items()},
                           "population": whole.population[DAY + 1 :]})  # fmt: skip
    for line in range(len(plan.lines)):
        assert_same_distribution(outcomes(got, line), outcomes(later, line))
    for name in ("stock", "dispatched", "ordered"):
        a, b = got.warehouses[name].sum(axis=0), whole.warehouses[name][DAY + 1 :].sum(axis=0)
        for j in range(a.shape[0]):
            assert_same_distribution({name: a[j]}, {name: b[j]})
