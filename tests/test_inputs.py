"""Random inputs: named streams, reproducibility, common random numbers, distributions."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

import campsim
from campsim.model.schema import LeadTime
from campsim.plan.compile import arrival_means, lead_time_plan
from campsim.plan.draw import draw_lead_times, stream
from tests.conftest import SCENARIOS, scenario
from tests.conftest import draw_one as draw_inputs


def _draw_lead_times(lead, rng, n):
    return draw_lead_times(lead_time_plan(lead), rng, n)


def mean_lead_time_days(lead):
    return lead_time_plan(lead).mean_days


ORDERED = {"food": {"per_person_day": 1, "initial_stock": 5000, "unit_cost_usd": 1,
                    "ordering": {"review_every_days": 7, "order_up_to_days": 30,
                                 "lead_time_days": {"triangular": [5, 10, 20]}}}}  # fmt: skip


def stochastic(**top):
    return scenario(ORDERED, deterministic=False, days=200,
                    population={"initial": 5000, "departures_per_day": 0.01,
                                "arrivals": [{"rate": {"2017-10-01": 100}}]}, **top)  # fmt: skip


def test_same_seed_same_inputs_and_different_seed_different_inputs():
    s = stochastic()
    a, b, c = draw_inputs(s, 1), draw_inputs(s, 1), draw_inputs(s, 2)
    assert np.array_equal(a.arrivals, b.arrivals) and np.array_equal(a.departures, b.departures)
    assert np.array_equal(a.lead_times_days["food"], b.lead_times_days["food"])
    assert not np.array_equal(a.arrivals, c.arrivals)
    assert not np.array_equal(a.lead_times_days["food"], c.lead_times_days["food"])


def test_seed_defaults_to_the_scenarios_own():
    s = stochastic(seed=42)
    assert campsim.simulate(s).summary == campsim.simulate(s, seed=42).summary
    assert campsim.simulate(s).summary["seed"] == 42


def test_scenarios_share_random_numbers_where_they_share_processes():
    # Funding and an extra commodity do not disturb arrivals or food lead times.
    base = stochastic()
    other = scenario(
        {"water": {"per_person_day": 15, "ordering": {"order_up_to_days": 2, "lead_time_days": {"uniform": [1, 3]}}},
         **ORDERED},
        deterministic=False, days=200, funding={"funded_fraction": 0.3},
        population={"initial": 5000, "departures_per_day": 0.01, "arrivals": [{"rate": {"2017-10-01": 100}}]},
    )  # fmt: skip
    a, b = draw_inputs(base, 7), draw_inputs(other, 7)
    assert np.array_equal(a.arrivals, b.arrivals)
    assert np.array_equal(a.departures, b.departures)
    assert np.array_equal(a.lead_times_days["food"], b.lead_times_days["food"])


def test_replication_i_draws_from_the_ith_child_of_the_seed_sequence():
    s = stochastic()
    assert not np.array_equal(draw_inputs(s, 1, 0).arrivals, draw_inputs(s, 1, 1).arrivals)
    child = np.random.SeedSequence(1).spawn(3)[2]
    named = np.random.SeedSequence(child.entropy, spawn_key=child.spawn_key + (zlib.crc32(b"arrivals"),))
    expected = np.random.Generator(np.random.PCG64(named)).poisson(arrival_means(s))
    assert np.array_equal(draw_inputs(s, 1, 2).arrivals, expected)
    assert np.array_equal(stream(1, 2, "arrivals").poisson(arrival_means(s)), expected)


def test_population_path_follows_arrivals_and_departures():
    s = stochastic()
    inputs = draw_inputs(s, 3)
    r = campsim.simulate(s, seed=3)
    population = r.daily.drop_duplicates("day")["population"].to_numpy()
    assert population.tolist() == (5000 + np.cumsum(inputs.arrivals - inputs.departures)).tolist()
    assert (inputs.arrivals == np.round(inputs.arrivals)).all()


def test_poisson_arrivals_and_binomial_departures_have_the_right_means():
    s = scenario({"water": {"per_person_day": 15}}, deterministic=False, days=3000,
                 population={"initial": 10000, "departures_per_day": 0.01,
                             "arrivals": [{"rate": {"2017-10-01": 100}}]})  # fmt: skip
    inputs = draw_inputs(s, 11)
    # Poisson(100) over 3,000 days: mean 100, sd of the mean 100**0.5 / 3000**0.5 = 0.18
    assert inputs.arrivals.mean() == pytest.approx(100, abs=0.8)
    assert inputs.arrivals.var() == pytest.approx(100, rel=0.1)
    population = 10000 + np.cumsum(inputs.arrivals - inputs.departures)
    before = np.concatenate(([10000], population[:-1]))
    assert inputs.departures.sum() / before.sum() == pytest.approx(0.01, rel=0.02)


@pytest.mark.parametrize(
    ("spec", "mean"),
    [({"triangular": [5, 10, 30]}, 15.0), ({"uniform": [2, 8]}, 5.0), ({"lognormal": {"mean": 45, "sd": 15}}, 45.0)],
)
def test_lead_time_draws_match_their_distribution_mean_plus_the_rounding_up(spec, mean):
    lead = LeadTime.model_validate(spec)
    draws = _draw_lead_times(lead, np.random.default_rng(5), 200_000)
    assert draws.min() >= 1 and draws.dtype.kind == "i"
    # ceil adds on average about half a day for a continuous distribution
    assert draws.mean() == pytest.approx(mean + 0.5, abs=0.1)


def test_lognormal_parameters_are_those_of_the_lead_time_itself():
    lead = LeadTime.model_validate({"lognormal": {"mean": 45, "sd": 15}})
    rng = np.random.default_rng(9)
    sigma2 = math.log1p((15 / 45) ** 2)
    raw = rng.lognormal(math.log(45) - sigma2 / 2, math.sqrt(sigma2), 400_000)
    assert raw.std() == pytest.approx(15, rel=0.02)
    assert _draw_lead_times(lead, np.random.default_rng(9), 400_000).std() == pytest.approx(15, rel=0.03)


@pytest.mark.parametrize(
    ("spec", "days"),
    [(3, 3), (2.2, 3), (0, 1), ({"triangular": [1, 2, 3]}, 2), ({"triangular": [1, 2, 4]}, 3),
     ({"uniform": [1, 4]}, 3), ({"lognormal": {"mean": 45, "sd": 15}}, 45), ({"uniform": [0.1, 0.2]}, 1)],
)  # fmt: skip
def test_deterministic_lead_time_is_the_mean_rounded_up_and_at_least_one(spec, days):
    lead = LeadTime.model_validate(spec if isinstance(spec, dict) else {"fixed": spec})
    assert mean_lead_time_days(lead) == days


def test_arrival_components_add_up_and_surges_are_cut_at_the_horizon(tmp_path):
    (tmp_path / "arr.csv").write_text("date,arrivals\n2017-10-02,7\n2017-10-04,3.5\n2017-12-01,99\n")
    data = {
        "name": "mix", "start": "2017-10-01", "days": 5,
        "population": {"arrivals": [
            {"rate": {"2017-09-01": 10, "2017-10-03": 20}},
            {"surge": {"start": "2017-10-04", "days": 4, "total": 100}},
            {"csv": "arr.csv"},
        ]},
        "commodities": {"water": {}},
    }  # fmt: skip
    s = campsim.scenario_from_dict(data, base_dir=tmp_path)
    assert arrival_means(s).tolist() == [10, 10 + 7, 20, 20 + 25 + 3.5, 20 + 25]


def test_every_shipped_scenario_reproduces_from_its_seed():
    for path in SCENARIOS:
        s = campsim.load_scenario(path)
        a, b = campsim.simulate(s), campsim.simulate(s)
        assert a.summary == b.summary
        assert a.daily.equals(b.daily)
        assert campsim.simulate(s, seed=s.seed + 1).summary != a.summary
