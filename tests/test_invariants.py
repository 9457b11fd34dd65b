"""The books balance on every run: shipped scenarios, many seeds, and stressed variants."""

from __future__ import annotations

import pytest

import campsim
from tests.conftest import SCENARIOS, assert_books_balance

RAMADI = next(p for p in SCENARIOS if p.name == "ramadi.yaml")

VARIANTS = {
    "as shipped": [],
    "deterministic": ["deterministic=true"],
    "perishable food, tight store": [
        "commodities.food.shelf_life_days=20",
        "commodities.food.capacity=2100000",
        "commodities.water.capacity=1600000",
    ],
    "unfunded": ["funding.funded_fraction=0"],
    "monthly tranches": ["funding.disbursement=monthly"],
    "long closure": ["disruptions.0.days=40"],
    "slow water": ["commodities.water.ordering.lead_time_days=6"],
    "high turnover": ["population.departures_per_day=0.05"],
}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
@pytest.mark.parametrize("seed", [0, 1, 2017])
def test_shipped_scenarios_balance_for_any_seed(path, seed):
    assert_books_balance(campsim.simulate(campsim.load_scenario(path), seed=seed))


@pytest.mark.parametrize("overrides", VARIANTS.values(), ids=VARIANTS.keys())
def test_stressed_variants_balance(overrides):
    result = campsim.simulate(campsim.load_scenario(RAMADI, overrides))
    assert_books_balance(result)


def test_different_seeds_give_different_stochastic_results():
    s = campsim.load_scenario(RAMADI)
    summaries = {seed: campsim.simulate(s, seed=seed).summary for seed in (1, 2, 3)}
    people = {seed: summary["population"]["arrivals"] for seed, summary in summaries.items()}
    assert len(set(people.values())) == 3


def test_deterministic_mode_ignores_the_seed():
    s = campsim.load_scenario(RAMADI, ["deterministic=true"])
    assert campsim.simulate(s, seed=1).daily.equals(campsim.simulate(s, seed=2).daily)


def test_full_funding_never_does_worse_than_62_percent_on_the_shipped_pair():
    short = campsim.simulate(campsim.load_scenario(RAMADI)).summary["commodities"]
    funded_path = next(p for p in SCENARIOS if p.name == "ramadi-funded.yaml")
    full = campsim.simulate(campsim.load_scenario(funded_path)).summary["commodities"]
    for name in short:
        assert full[name]["shortfall_person_days"] <= short[name]["shortfall_person_days"], name
    # the shipped pair differs only in funding
    assert campsim.load_scenario(funded_path).funding.funded_fraction == 1.0
    assert campsim.load_scenario(RAMADI).funding.funded_fraction == 0.62
