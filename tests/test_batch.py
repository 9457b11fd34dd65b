"""The batch engine against the SimPy engine: the same numbers, day by day, on the same draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import campsim
from campsim.engines import batch, des
from campsim.plan.compile import compile
from campsim.plan.draw import draw, draw_fresh
from campsim.results.summary import summarize
from tests.conftest import SCENARIOS, scenario
from tests.test_baselines import assert_same as assert_close  # 1e-9 relative: the bar
from tests.test_properties import scenarios

REPLICATIONS = 6


def assert_engines_agree(s: campsim.Scenario, replications: int = REPLICATIONS) -> None:
    """Every daily value, end pipeline and summary metric of each replication agrees."""
    plan = compile(s)
    inputs = draw_fresh(plan, s.seed, 0, replications)
    got = batch.simulate_batch(plan, inputs)
    summaries = summarize(plan, got, s.seed)
    for r in range(replications):
        want = des.simulate(plan, draw_fresh(plan, s.seed, r, r + 1))  # drawn on its own, as a single run is
        np.testing.assert_array_equal(got.population[:, r], want.population[:, 0])
        for field, values in want.daily.items():
            for i, name in enumerate(plan.lines):
                # bit-identical: the engines share every operation, so not even a rounding differs
                np.testing.assert_array_equal(got.daily[field][:, i, r], values[:, i, 0], err_msg=f"{r} {name} {field}")
        np.testing.assert_array_equal(got.end_pipeline[:, r], want.end_pipeline[:, 0])
        assert_close(summaries[r], summarize(plan, want, s.seed)[0], f"replication {r}")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_batch_engine_matches_the_simpy_engine_on_shipped_scenarios(path):
    assert_engines_agree(campsim.load_scenario(path))


def test_batch_engine_matches_on_perishable_capped_disrupted_stock():
    # FIFO spoilage, capacity overflow, same-day deliveries after a closure, donations, kits
    s = scenario(
        {
            "food": {
                "per_person_day": 1,
                "unit_cost_usd": 0.5,
                "initial_stock": 9000,
                "capacity": 12000,
                "shelf_life_days": 6,
                "ordering": {"review_every_days": 1, "order_up_to_days": 9, "lead_time_days": {"uniform": [1, 5]}},
                "rationing": [{"below_days_of_cover": 4, "ration": 0.7}, {"below_days_of_cover": 2, "ration": 0.4}],
                "donations": [{"day": 12, "quantity": 5000}, {"day": 12, "quantity": 2500}],
            },
            "kits": {
                "per_new_household": 1,
                "unit_cost_usd": 300,
                "initial_stock": 5,
                "ordering": {
                    "review_every_days": 3,
                    "order_up_to_days": 10,
                    "lead_time_days": {"triangular": [1, 3, 9]},
                },
            },
        },  # fmt: skip
        days=60,
        deterministic=False,
        seed=7,
        population={"initial": 1000, "departures_per_day": 0.01, "arrivals": [{"rate": {"2017-10-01": 40}}]},
        funding={"funded_fraction": 0.7, "disbursement": "monthly"},
        disruptions=[
            {"start": 10, "days": 4},
            {"start": 12, "days": 5, "commodities": ["food"]},
            {"start": 30, "days": 3, "commodities": []},  # an empty list closes every route
        ],
    )
    assert_engines_agree(s, replications=10)


def test_batch_engine_deterministic_mode_repeats_the_expected_path():
    s = campsim.load_scenario(SCENARIOS[0]).model_copy(update={"deterministic": True})
    plan = compile(s)
    got = batch.simulate_batch(plan, draw(plan, 1, 0, 3))
    np.testing.assert_array_equal(got.population[:, 0], got.population[:, 2])
    assert_engines_agree(s, replications=2)


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_batch_engine_matches_the_simpy_engine_on_generated_scenarios(data):
    assert_engines_agree(campsim.scenario_from_dict(data), replications=3)


def test_replicated_run_is_the_same_with_either_engine_and_any_chunking():
    s = campsim.load_scenario(SCENARIOS[0])
    des = campsim.run_replications(s, 24, jobs=1, engine="des")
    fast = campsim.run_replications(s, 24, jobs=1, engine="batch")
    pooled = campsim.run_replications(s, 24, jobs=2, engine="batch")
    assert_close(fast.summary, des.summary)
    assert fast.summary == pooled.summary  # chunking changes not a bit
    assert fast.daily_quantiles.equals(des.daily_quantiles)
    assert fast.daily.equals(des.daily)  # replication 0's table comes from the SimPy engine either way
    assert fast.events.equals(des.events)


def test_cli_engine_flag_selects_the_engine_and_rejects_others(tmp_path, capsys):
    from campsim.cli import main

    path = str(SCENARIOS[0])
    assert (
        main(["run", path, "-n", "3", "-j", "1", "--engine", "des", "--no-charts", "-q", "--out", str(tmp_path / "d")])
        == 0
    )
    assert main(["run", path, "-n", "3", "-j", "1", "--no-charts", "-q", "--out", str(tmp_path / "b")]) == 0
    import json

    des = json.loads((tmp_path / "d" / "summary.json").read_text())
    fast = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert_close(fast, des)
    assert main(["run", path, "-n", "3", "--engine", "numba"]) == 2
    assert "'numba' is not one of 'batch', 'des'" in capsys.readouterr().err


def test_inputs_are_drawn_once_for_scenarios_that_differ_only_in_money():
    s = campsim.load_scenario(SCENARIOS[0])
    first = draw(compile(s), 5, 0, 4)
    richer = s.model_copy(update={"funding": s.funding.model_copy(update={"funded_fraction": 0.9})})
    assert draw(compile(richer), 5, 0, 4) is first  # a funding sweep reuses the draws
    assert not first.arrivals.flags.writeable  # shared, so read-only
    other = compile(campsim.load_scenario(SCENARIOS[0], ["commodities.food.ordering.lead_time_days=90"]))
    redrawn = draw(other, 5, 0, 4)
    assert redrawn is not first
    np.testing.assert_array_equal(redrawn.lead_times_days[:, other.line_index["food"]], np.full((s.days, 4), 90))
    np.testing.assert_array_equal(redrawn.arrivals, first.arrivals)  # common random numbers elsewhere
    for r in range(4):
        np.testing.assert_array_equal(first.departures[:, r], draw_fresh(compile(s), 5, r, r + 1).departures[:, 0])


def test_batch_engine_matches_with_data_driven_arrivals_and_departures(tmp_path):
    (tmp_path / "camp.csv").write_text("date,population\n#date,#affected+idps+ind\n2017-10-01,900\n2017-10-20,2500\n"
                                       "2017-11-10,1200\n")  # fmt: skip
    s = campsim.scenario_from_dict(
        {
            "name": "dtm-driven",
            "start": "2017-10-01",
            "days": 60,
            "seed": 11,
            "population": {
                "initial": 1000,
                "departures_per_day": 0.01,
                "arrivals": [{"csv": "camp.csv", "kind": "population"}],
            },  # fmt: skip
            "commodities": {
                "food": {
                    "per_person_day": 1,
                    "unit_cost_usd": 0.5,
                    "initial_stock": 20000,
                    "ordering": {"order_up_to_days": 20, "lead_time_days": {"uniform": [2, 9]}},
                },
                "kits": {
                    "per_new_household": 1,
                    "unit_cost_usd": 50,
                    "initial_stock": 10,
                    "ordering": {"review_every_days": 5, "order_up_to_days": 14, "lead_time_days": 4},
                },
            },  # fmt: skip
        },
        base_dir=tmp_path,
    )
    assert draw_fresh(compile(s), 11).departures.sum() > 0.01 * 1000 * 60  # the fall adds departures
    assert_engines_agree(s, replications=8)


def test_input_cache_tells_apart_scenarios_that_differ_only_in_data_departures(tmp_path):
    # same arrivals, different falls in the population series: different departures draws
    def scenario_with(fall_to: int):
        (tmp_path / f"p{fall_to}.csv").write_text(f"date,population\n2017-10-01,500\n2017-10-03,{fall_to}\n")
        return campsim.scenario_from_dict(
            {
                "name": "falls",
                "start": "2017-10-01",
                "days": 5,
                "seed": 2,
                "population": {"initial": 1000, "arrivals": [{"csv": f"p{fall_to}.csv", "kind": "population"}]},
                "commodities": {"water": {"per_person_day": 15}},
            },  # fmt: skip
            base_dir=tmp_path,
        )

    small, large = scenario_with(400), scenario_with(0)
    small, large = compile(small), compile(large)
    np.testing.assert_array_equal(draw(small, 2, 0, 3).arrivals, draw(large, 2, 0, 3).arrivals)
    for plan in (small, large):
        drawn = draw(plan, 2, 0, 3)
        for r in range(3):
            np.testing.assert_array_equal(drawn.departures[:, r], draw_fresh(plan, 2, r, r + 1).departures[:, 0])


def test_a_population_series_falling_to_zero_never_leaves_fewer_than_no_one(tmp_path):
    # 11 people, 30% leaving a day, and the series falling to 0: 3.3 + 7.7 scheduled could
    # round above 11 and leave -8.9e-16 people, on which the engines then disagreed
    (tmp_path / "camp.csv").write_text("date,population\n2017-10-01,11\n2017-10-02,0\n")
    s = campsim.scenario_from_dict(
        {
            "name": "emptied",
            "start": "2017-10-01",
            "days": 4,
            "deterministic": True,
            "population": {
                "initial": 11,
                "departures_per_day": 0.3,
                "arrivals": [{"csv": "camp.csv", "kind": "population"}],
            },
            "commodities": {
                "food": {
                    "per_person_day": 1,
                    "initial_stock": 100,
                    "rationing": [{"below_days_of_cover": 3, "ration": 0.5}],
                },
                "water": {"per_person_day": 1, "initial_stock": 7.7},
            },
        },
        base_dir=tmp_path,
    )
    path = compile(s).expected_population
    assert path[0] == pytest.approx(7.7, rel=1e-15) and path[1:].tolist() == [0.0, 0.0, 0.0]  # exactly 0, not -8.9e-16
    assert_engines_agree(s, replications=2)
    summary = campsim.simulate(s).summary["commodities"]["food"]
    assert summary["ration_cut_days"] == 0 and summary["pipeline_break_days"] == 0


@pytest.mark.parametrize("reps", [1, 2, 5])
@pytest.mark.parametrize("order", ["C", "F"])
def test_day_sums_add_day_by_day_whatever_the_layout(reps, order):
    from campsim.results.metrics import day_sums

    values = np.asarray(np.random.default_rng(reps).random((365, reps)) * 1e6, order=order)
    by_hand = [0.0] * reps
    for row in values.tolist():
        by_hand = [a + b for a, b in zip(by_hand, row, strict=True)]
    assert day_sums(values).tolist() == by_hand  # bit for bit: numpy adds a lone column pairwise
