"""A forecast from a state: both engines agree, a stochastic forecast is the run's own continuation,
and --delay-risk delays each pipeline row from a stream of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import campsim
from campsim.engines.batch import simulate_batch
from campsim.engines.batch_network import simulate_network_batch
from campsim.load.state import parse_state
from campsim.model.errors import ScenarioError
from campsim.plan.compile import compile
from campsim.plan.draw import draw, draw_network
from campsim.plan.state import restart, start_of
from campsim.plan.state_draws import draw_from
from campsim.report.statefile import state_csv
from campsim.runs.forecast import capture_state, delay_plan, run_forecast
from tests.conftest import ALL_SCENARIOS, NETWORK_SCENARIOS, ROOT
from tests.test_state import perishable_camp

DELAY = "{triangular: [0, 2, 10]}"


def state_at(s: campsim.Scenario, day: int):
    """Replication 0's state at the end of ``day``, through its CSV text."""
    return parse_state(state_csv(capture_state(s, s.start + timedelta(days=day))), s, "state.csv")


def assert_arrays_agree(got, want, what: str) -> None:
    """Every daily field (and a network's warehouses, shipments, money) bit for bit."""
    for name, values in want.daily.items():
        np.testing.assert_array_equal(got.daily[name], values, err_msg=f"{what} {name}")
    np.testing.assert_array_equal(got.population, want.population, err_msg=f"{what} population")
    np.testing.assert_array_equal(got.end_pipeline, want.end_pipeline, err_msg=f"{what} end pipeline")
    for name, values in getattr(want, "warehouses", {}).items():
        np.testing.assert_array_equal(got.warehouses[name], values, err_msg=f"{what} warehouse {name}")
    if getattr(want, "money", None) is not None:
        for name in ("money", "shipped_in", "route_kg", "end_warehouse_pipeline"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=f"{what} {name}")


@pytest.mark.parametrize("delay", [None, DELAY], ids=["on time", "delay risk"])
@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=lambda p: p.stem)
def test_both_engines_agree_from_a_state(path, delay):
    s = campsim.load_scenario(path)
    state = state_at(s, 50)
    des = run_forecast(s, state, days=40, replications=3, engine="des", delay_risk=delay)
    batch = run_forecast(s, state, days=40, replications=3, engine="batch", delay_risk=delay)
    assert_arrays_agree(batch.arrays, des.arrays, path.stem)
    # replication 0's tables come from the SimPy engine either way
    assert batch.result.daily.equals(des.result.daily)


@pytest.mark.parametrize("day", [3, 13, 30])
def test_both_engines_agree_from_perishable_stock_held_donations_and_a_kit_backlog(day):
    s = perishable_camp(deterministic=False)
    state = state_at(s, day)
    for delay in (None, DELAY):
        des = run_forecast(s, state, replications=4, engine="des", delay_risk=delay)
        batch = run_forecast(s, state, replications=4, engine="batch", delay_risk=delay)
        assert_arrays_agree(batch.arrays, des.arrays, f"day {day}, delay {delay}")


def spliced(plan, run, future, day: int):
    """Draws whose days up to ``day`` are replication 0's of the run and whose later days are ``future``'s:
    the run's own continuation, stepped by the engine from day 0 without any state."""
    reps = future.replications

    def join(past, later):
        out = np.array(later, copy=True)
        out[: day + 1] = np.repeat(past[: day + 1, ..., :1], reps, axis=-1)
        return out

    names = ("arrivals", "departures", "lead_times_days")
    if plan.network is None:
        return replace(future, **{n: join(getattr(run, n), getattr(future, n)) for n in names})
    path = type(future.path)(**{k: join(getattr(run.path, k), v) for k, v in future.path.__dict__.items()})
    more = ("w_lead_times_days", "transit_days")
    return replace(future, path=path, **{n: join(getattr(run, n), getattr(future, n)) for n in names + more})


@pytest.mark.parametrize("path", [ALL_SCENARIOS[-1], *NETWORK_SCENARIOS], ids=lambda p: p.stem)
def test_a_stochastic_forecast_is_the_run_continued_with_fresh_draws(path):
    s, day, reps = campsim.load_scenario(path), 60, 5
    plan = compile(s)
    state = state_at(s, day)
    got = run_forecast(s, state, replications=reps).arrays
    network = plan.network is not None
    run = (draw_network if network else draw)(plan, s.seed, 0, 1)
    future = draw_from(plan, start_of(plan, state), s.seed, 0, reps)
    whole = (simulate_network_batch if network else simulate_batch)(plan, spliced(plan, run, future, day))
    for name, values in whole.daily.items():
        np.testing.assert_allclose(got.daily[name], values[day + 1 :], rtol=1e-12, atol=1e-9, err_msg=name)
    for name, values in getattr(whole, "warehouses", {}).items():
        np.testing.assert_allclose(got.warehouses[name], values[day + 1 :], rtol=1e-12, atol=1e-9, err_msg=name)
    # and the forecast is not one path: replications differ after as_of
    assert not np.array_equal(got.population[:, 0], got.population[:, 1])


def test_a_delay_risk_delays_each_pipeline_row_by_its_own_draw():
    s = campsim.load_scenario(ROOT / "scenarios" / "anbar.yaml")  # shipments, direct and warehouse orders
    plan = compile(s)
    start = start_of(plan, state_at(s, 60))
    due = np.array([row.due for row in start.pipeline])
    assert len(due) >= 4
    on_time = restart(plan, start, s.seed, 0, 200).land
    late = restart(plan, start, s.seed, 0, 200, delay_plan(DELAY)).land
    np.testing.assert_array_equal(on_time, np.repeat(due[:, None], 200, axis=1))  # no disruption in anbar.yaml
    delay = late - due[:, None]
    assert delay.min() >= 1 and delay.max() <= 10  # whole days of triangular(0, 2, 10), rounded up (0 has P = 0)
    assert len({tuple(column) for column in delay.T}) > 150  # each replication draws its own
    assert len({tuple(row) for row in delay}) == len(due)  # and each row its own
    assert delay.mean() == pytest.approx(4 + 0.5, abs=0.4)  # E[ceil(X)] ~ E[X] + 1/2, E[X] = 4
    again = restart(plan, start, s.seed, 0, 200, delay_plan(DELAY)).land
    np.testing.assert_array_equal(again, late)  # from its stream: the same seed, the same delays


def test_a_fixed_delay_moves_every_receipt_of_the_state_that_many_days():
    s = campsim.load_scenario(ALL_SCENARIOS[-1], ["deterministic=true"])
    state = state_at(s, 60)
    rows = state.of_kind("pipeline")
    plain = run_forecast(s, state, days=20, replications=1)
    late = run_forecast(s, state, days=20, replications=1, delay_risk=3)
    for row in rows:
        i = list(s.commodities).index(row.commodity)
        d = (row.date - s.start).days - 61  # its day in the forecast
        if d + 3 < 20:
            assert plain.arrays.daily["received"][d, i, 0] >= row.quantity
            assert late.arrays.daily["received"][d + 3, i, 0] >= row.quantity
    # in deterministic mode a distribution's delay is its mean rounded up: triangular(0, 2, 10) -> 4 days
    assert np.array_equal(restart(compile(s), start_of(compile(s), state), 1, 0, 1, delay_plan(DELAY)).land[:, 0],
                          np.array([(r.date - s.start).days + 4 for r in rows]))  # fmt: skip
    # the delay draws from its own stream: arrivals and departures stay the forecast's
    np.testing.assert_array_equal(late.arrays.population, plain.arrays.population)


def test_a_forecast_of_some_days_stops_there_and_refuses_to_pass_the_horizon():
    s = campsim.load_scenario(ALL_SCENARIOS[-1], ["deterministic=true"])
    state = state_at(s, 60)
    short = run_forecast(s, state, days=10, replications=2)
    whole = run_forecast(s, state, replications=2)
    assert short.days == 10 and whole.days == 182 - 61
    assert list(short.result.daily["date"].unique()) == list(whole.result.daily["date"].unique()[:10])
    assert short.result.daily["day"].min() == 61  # day numbers continue the scenario's
    for name, values in short.arrays.daily.items():
        np.testing.assert_array_equal(values, whole.arrays.daily[name][:10], err_msg=name)
    assert short.result.summary["days"] == 10
    with pytest.raises(ScenarioError, match=r"--days: expected 1 to 121 days .* got 122"):
        run_forecast(s, state, days=122)


@pytest.mark.parametrize("text, words", [
    ("{triangular: [5, 2, 10]}", "min <= mode <= max"),
    ("{gamma: 3}", "--delay-risk: expected a number of days or one of"),
    ("{triangular: [0, 2", "--delay-risk: expected a distribution"),
    ("soon", "{lognormal: {mean: m, sd: s}}, got 'soon'"),  # a word, not pydantic's "instance of LeadTime"
])  # fmt: skip
def test_a_bad_delay_risk_is_one_clear_line(text, words):
    with pytest.raises(ScenarioError) as caught:
        delay_plan(text)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def hand_state(s, as_of: int, draw):
    """A random but valid state of perishable_camp() at the end of day ``as_of`` (hypothesis draws)."""
    from campsim.load.state import check_state
    from campsim.model.state import StateRow

    def when(day: int):
        return s.start + timedelta(days=day)

    amount = st.floats(0, 20000, allow_nan=False, allow_infinity=False)
    rows = [StateRow("as_of", when(as_of), "", "", 0.0), StateRow("population", when(as_of), "", "", float(draw(st.integers(0, 5000)))),
            StateRow("population", when(as_of), "", "kits", float(draw(st.integers(0, 50)))),
            StateRow("stock", None, "", "food", 0.0), StateRow("stock", None, "", "kits", draw(amount))]  # fmt: skip
    for received in draw(st.lists(st.integers(as_of - 4, as_of), max_size=3)):  # shelf life 6: still on hand
        rows.append(StateRow("stock", when(received), "", "food", draw(amount)))
    for _ in range(draw(st.integers(0, 5))):
        item = draw(st.sampled_from(["food", "kits"]))
        note = draw(st.sampled_from(["order", "donation"]))
        rows.append(StateRow("pipeline", when(draw(st.integers(as_of + 1, 70))), "", item, draw(amount), note))
    rows += [StateRow("balance", when(as_of), "", item, draw(st.floats(0, 1e5))) for item in ("food", "kits")]
    rows += [StateRow("kit_need", when(d), "", "kits", float(draw(st.integers(0, 30)))) for d in range(max(0, as_of - 6),
                                                                                            as_of + 1)]  # fmt: skip
    return check_state(rows, s)


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_both_engines_agree_from_any_valid_state(data):
    s = perishable_camp(deterministic=data.draw(st.booleans()))
    state = hand_state(s, data.draw(st.integers(0, 58)), data.draw)
    delay = data.draw(st.sampled_from([None, 2, DELAY]))
    des = run_forecast(s, state, replications=3, engine="des", delay_risk=delay)
    batch = run_forecast(s, state, replications=3, engine="batch", delay_risk=delay)
    assert_arrays_agree(batch.arrays, des.arrays, "hand state")


def network_hand_state(s, as_of: int, draw):
    """A random but valid state of tests/data/network_small.yaml at the end of day ``as_of``."""
    from campsim.load.state import check_state
    from campsim.model.state import StateRow

    def when(day: int):
        return s.start + timedelta(days=day)

    amount = st.floats(0, 50000, allow_nan=False, allow_infinity=False)
    rows = [StateRow("as_of", when(as_of), "", "", 0.0)]
    routes = {camp: name for name, r in s.routes.items() for camp in [r.to]}
    for camp, spec in s.camps.items():
        rows += [StateRow("population", when(as_of), camp, "", float(draw(st.integers(0, 50000)))),
                 StateRow("population", when(as_of), camp, "household_kits", float(draw(st.integers(0, 50))))]  # fmt: skip
        for item, stock in spec.commodities.items():
            rows.append(StateRow("stock", None, camp, item, draw(amount)))
            for _ in range(draw(st.integers(0, 2))):
                note = "donation" if draw(st.booleans()) else ("order" if stock.supply is None else
                                                               f"shipment {routes[camp]}")  # fmt: skip
                rows.append(StateRow("pipeline", when(draw(st.integers(as_of + 1, 200))), camp, item, draw(amount),
                                     note))  # fmt: skip
        rows += [StateRow("kit_need", when(d), camp, "household_kits", float(draw(st.integers(0, 30))))
                 for d in range(max(0, as_of - 6), as_of + 1)]  # fmt: skip
    for item in s.warehouses["baghdad-hub"].commodities:
        rows.append(StateRow("stock", None, "baghdad-hub", item, draw(amount)))
        for _ in range(draw(st.integers(0, 2))):
            rows.append(StateRow("pipeline", when(draw(st.integers(as_of + 1, 200))), "baghdad-hub", item,
                                 draw(amount), draw(st.sampled_from(["order", "donation"]))))  # fmt: skip
    rows += [StateRow("balance", when(as_of), "", item, draw(st.floats(0, 1e6))) for item in s.commodities]
    return check_state(rows, s)


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_both_network_engines_agree_from_any_valid_state(data):
    s = campsim.load_scenario(ROOT / "tests" / "data" / "network_small.yaml")
    state = network_hand_state(s, data.draw(st.integers(0, 180)), data.draw)
    delay = data.draw(st.sampled_from([None, 1, DELAY]))
    days = data.draw(st.sampled_from([None, 30]))
    if days is not None and state.day_index(s.start) + 1 + days > s.days:
        days = None
    des = run_forecast(s, state, days=days, replications=2, engine="des", delay_risk=delay)
    batch = run_forecast(s, state, days=days, replications=2, engine="batch", delay_risk=delay)
    assert_arrays_agree(batch.arrays, des.arrays, "network hand state")
