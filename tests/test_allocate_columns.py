"""Many allocations stepped as one batch (runs/allocate_columns.py) give each allocation's own run's
figures; and allocate on camp networks, with and without commodities sharing truck capacity."""

from __future__ import annotations

import numpy as np
import pytest

import campsim
from campsim.plan.compile import compile
from campsim.runs import allocate_columns as columns
from campsim.runs.allocate import allocate, interacting_route
from tests.conftest import ROOT
from tests.test_allocate import write
from tests.test_network_report import tiny


def person_days_short(scenario: campsim.Scenario, n: int) -> np.ndarray:
    """[commodity] mean person-days short over n replications, from summary.json."""
    result = campsim.run_replications(scenario, n, engine="batch", jobs=1)
    return np.array([result.summary["commodities"][name]["shortfall_person_days"] for name in scenario.commodities])


@pytest.mark.parametrize("name", ["ramadi", "ramadi-surge", "anbar"])
def test_a_column_gives_the_person_days_short_of_the_allocation_run_on_its_own(name):
    s = campsim.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    plan = compile(s)
    money = columns.budgeted(s, plan)
    written = np.array([s.funded_fraction(n) for n in s.commodities])
    halves = written * 0.5
    n = 4
    got = columns.evaluate(plan, money, np.stack([halves, written]), s.seed, n)
    short = person_days_short(s, n)
    assert got.person_days[1] == pytest.approx(short, rel=1e-9, abs=1e-6)
    sets = [f"commodities.{c}.funded_fraction={float(f)!r}" for c, f in zip(s.commodities, halves, strict=True)]
    short_half = person_days_short(campsim.load_scenario(ROOT / "scenarios" / f"{name}.yaml", sets), n)
    assert got.person_days[0] == pytest.approx(short_half, rel=1e-9, abs=1e-6)


def test_a_column_gives_the_person_days_below_the_critical_level_of_its_run():
    # summary.json has the share of person-days below the critical level; x the camp's person-days
    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    plan = compile(s)
    written = np.array([s.funded_fraction(n) for n in s.commodities])
    got = columns.evaluate(plan, columns.budgeted(s, plan), written[None, :], s.seed, 1)
    run = campsim.simulate(s)
    people = float(run.daily.groupby("day")["population"].first().sum())
    shares = [run.summary["commodities"][n]["share_person_days_below_critical"] or 0.0 for n in s.commodities]
    assert got.critical_days[0] == pytest.approx(np.array(shares) * people, rel=1e-9)
    assert got.critical_days[0][-1] == 0  # household kits have no critical level


def test_the_figures_do_not_depend_on_the_chunks_or_the_processes(monkeypatch):
    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    plan = compile(s)
    money = columns.budgeted(s, plan)
    shares = np.linspace(0, 1, 7)[:, None] * np.ones(len(s.commodities))
    whole = columns.evaluate(plan, money, shares, s.seed, 6)
    monkeypatch.setattr(columns, "CHUNK_COLUMNS", 12)  # two allocations a chunk, four chunks on two processes
    split = columns.evaluate(plan, money, shares, s.seed, 6, jobs=2)
    assert np.array_equal(whole.person_days, split.person_days)
    assert np.array_equal(whole.critical_days, split.critical_days)


def test_tranches_per_column_are_those_the_plan_pays_for_the_same_shares():
    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    plan = compile(s)
    written = np.array([s.funded_fraction(n) for n in s.commodities])
    paid = columns.budgeted(s, plan).tranches(written[None, :])
    assert [(day, line, float(a[0])) for day, today in sorted(paid.items()) for line, a in today] == list(plan.tranches)


def test_a_network_whose_capped_road_carries_one_weighted_item_is_split_by_the_dynamic_programme(tmp_path):
    path = write(tmp_path, "tiny", tiny())  # the hub trucks food only; water is local
    s = campsim.load_scenario(path)
    assert interacting_route(s, compile(s)) is None
    result = allocate(path, replications=2, step=0.1, jobs=1)
    assert result.method == "grid and dynamic programme"
    assert abs(result.allocation["best_usd"].sum() - result.budget_usd) < 0.005


def test_a_network_whose_capped_road_carries_two_weighted_items_also_moves_money_between_pairs(tmp_path):
    data = tiny()
    data["commodities"]["soap"] = {"per_person_day": 0.1, "unit_cost_usd": 1, "kg_per_unit": 0.1}
    # the hub buys both (money matters), and both go to north on its 60 kg/day road
    buying = {"order_up_to_days": 10, "lead_time_days": 2}
    data["warehouses"]["hub"]["commodities"] = {"food": {"initial_stock": 300, "ordering": buying},
                                                "soap": {"initial_stock": 10, "ordering": buying}}  # fmt: skip
    for camp in ("north", "south"):
        data["camps"][camp]["commodities"]["soap"] = {"initial_stock": 5,
                                                      "supply": {"from": "hub", "order_up_to_days": 5}}  # fmt: skip
    data["funding"] = {"funded_fraction": 0.5}
    path = write(tmp_path, "shared", data)
    s = campsim.load_scenario(path)
    assert interacting_route(s, compile(s)) == "hub-north"
    result = allocate(path, replications=2, step=0.1, jobs=1)
    assert result.method.endswith("then pairwise moves (commodities share route hub-north's truck capacity)")
    assert abs(result.allocation["best_usd"].sum() - result.budget_usd) < 0.005
    assert result.totals["best"] <= min(result.totals["flat"], result.totals["written"]) + 1e-9


@pytest.mark.slow
def test_anbar_is_allocated_with_pairwise_moves_on_its_shared_trucks():
    result = allocate(ROOT / "scenarios" / "anbar.yaml", replications=4, step=0.25, jobs=1)
    assert "pairwise moves" in result.method and "baghdad-kilo18" in result.method
    assert abs(result.allocation["best_usd"].sum() - result.budget_usd) < 0.005
    assert result.totals["best"] <= result.totals["flat"] + 1e-9
