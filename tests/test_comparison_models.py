"""The benchmark's comparison models still compute what campsim computes (else their ratios mean nothing).

benchmarks/run.py checks this before timing; here it is checked on every change, on a
shortened horizon so the per-household model stays quick.
"""

from __future__ import annotations

import math

import pytest

import campsim
from benchmarks import check_models, naive_simpy, scalar_loop
from tests.conftest import ROOT, SCENARIOS

BENCH = ROOT / "benchmarks" / "scenarios"
# the benchmark camp over 120 days, 500 people and a household a day: a second for the naive model
SHORT = [
    "days=120",
    "population.initial=500",
    "population.arrivals.0.rate.2017-10-01=5",
    "funding.disbursement.1.date=2017-11-30",
]


def assert_agree(comparison: check_models.Comparison) -> None:
    assert not comparison.mismatches, "\n".join(comparison.mismatches)
    assert comparison.worst  # something was compared


def test_scalar_loop_and_naive_model_agree_with_campsim_on_the_deterministic_camp():
    s = campsim.load_scenario(BENCH / "deterministic.yaml", SHORT)
    models = {"scalar_loop": scalar_loop.run, "naive_simpy": naive_simpy.run}
    assert_agree(check_models.compare("deterministic", s, range(1), models))


@pytest.mark.parametrize("path", [*SCENARIOS, BENCH / "year.yaml"], ids=lambda p: p.stem)
def test_scalar_loop_agrees_with_campsim_on_random_draws(path):
    s = campsim.load_scenario(path)
    assert_agree(check_models.compare(path.stem, s, range(3), {"scalar_loop": scalar_loop.run}))


def test_naive_model_refuses_what_it_does_not_model():
    with pytest.raises(NotImplementedError, match="stochastic mode"):
        naive_simpy.run(campsim.load_scenario(SCENARIOS[0]))


def test_agreement_check_can_fail():
    s = campsim.load_scenario(BENCH / "deterministic.yaml", SHORT)

    def off_by_one_percent(scenario, inputs):
        out = scalar_loop.run(scenario, inputs)
        for c in out["commodities"].values():
            c["summary"]["distributed"] *= 1.01
        return out

    got = check_models.compare("deterministic", s, range(1), {"broken": off_by_one_percent})
    assert got.mismatches and all("distributed" in m for m in got.mismatches)
    assert math.isclose(max(d for d, _ in got.worst.values()), 0.01 / 1.01, rel_tol=1e-6)
