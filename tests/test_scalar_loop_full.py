"""benchmarks/scalar_full.run_full does campsim.simulate's whole job from its own plain-Python day loop.

Same summary.json dict (1e-9 relative), same daily table and same event log, row for row,
on every shipped and benchmark scenario and on a hand-built camp with what those lack
(donations, spoilage, overflow, closures listing commodities, reviews out of file order).
"""

from __future__ import annotations

import pandas as pd
import pytest

import campsim
from benchmarks import scalar_full, scalar_loop
from tests.conftest import ROOT, SCENARIOS, scenario
from tests.test_baselines import assert_same, engine_summary

BENCH = ROOT / "benchmarks" / "scenarios"
PATHS = [*SCENARIOS, *sorted(BENCH.glob("*.yaml"))]
SEEDS = (0, 1)
HAND_SEEDS = (0, 2)  # two draws on which deliveries, too, overflow the hand-built camp's warehouse
EVENT_KEYS = ["day", "date", "kind", "commodity", "note"]


def assert_same_run(got: tuple[dict, pd.DataFrame, pd.DataFrame], want: campsim.SimulationResult) -> None:
    summary, daily, events = got
    assert_same(summary, engine_summary(want.summary))
    pd.testing.assert_frame_equal(daily, want.daily, rtol=1e-9)
    # the log row for row (first the rows' identity, for a readable failure), then the amounts too
    assert len(events) == len(want.events)
    rows, expected = events[EVENT_KEYS].to_numpy().tolist(), want.events[EVENT_KEYS].to_numpy().tolist()
    first = next((i for i, (a, b) in enumerate(zip(rows, expected, strict=True)) if a != b), None)
    assert first is None, f"event {first}: {rows[first]} != {expected[first]}"
    pd.testing.assert_frame_equal(events, want.events, rtol=1e-9)


def hand_built_camp() -> campsim.Scenario:
    """60 stochastic days with every feature the shipped scenarios leave out."""
    ordering = {"order_up_to_days": 9, "lead_time_days": {"uniform": [1, 5]}}
    return scenario(
        {
            "food": {  # perishable and capped: spoilage, overflow of deliveries and of donations
                "per_person_day": 1,
                "unit_cost_usd": 0.5,
                "initial_stock": 9000,
                "capacity": 12000,
                "shelf_life_days": 6,
                "ordering": {"review_every_days": 2, **ordering},
                "rationing": [{"below_days_of_cover": 4, "ration": 0.7}, {"below_days_of_cover": 2, "ration": 0.4}],
                "donations": [
                    {"day": 12, "quantity": 5000},
                    {"day": 12, "quantity": 2500},
                    {"day": 25, "quantity": 30000},
                    {"day": 40, "quantity": 30000},
                ],
            },
            "water": {  # reviewed every 3 days: on day 6 it has waited longest, so it orders before food
                "per_person_day": 15,
                "unit_cost_usd": 0.0075,
                "initial_stock": 20000,
                "ordering": {"review_every_days": 3, **ordering},
            },
            "kits": {  # per arriving household, with a backlog; reviewed daily
                "per_new_household": 1,
                "unit_cost_usd": 300,
                "initial_stock": 5,
                "ordering": {
                    "review_every_days": 1,
                    "order_up_to_days": 10,
                    "lead_time_days": {"triangular": [1, 3, 9]},
                },
            },
        },
        days=60,
        deterministic=False,
        seed=7,
        population={"initial": 1000, "departures_per_day": 0.01, "arrivals": [{"rate": {"2017-10-01": 40}}]},
        funding={"funded_fraction": 0.7, "disbursement": "monthly"},
        disruptions=[
            {"start": 10, "days": 4, "reason": "flood"},  # every commodity, in file order
            {"start": 12, "days": 5, "commodities": ["kits", "food"], "reason": "checkpoint"},  # as listed
            {"start": 30, "days": 3, "commodities": []},  # an empty list closes every route
        ],
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_run_full_gives_what_campsim_simulate_gives(path, seed):
    s = campsim.load_scenario(path)
    assert_same_run(scalar_loop.run_full(s, seed), campsim.simulate(s, seed))  # delegates to scalar_full


@pytest.mark.parametrize("seed", HAND_SEEDS)
def test_run_full_matches_on_a_camp_with_every_feature(seed):
    s = hand_built_camp()
    want = campsim.simulate(s, seed)
    assert_same_run(scalar_full.run_full(s, seed), want)
    # the case keeps exercising what it is here for
    events = want.events
    kinds = set(events["kind"])
    assert {"donation", "spoilage", "overflow", "disruption", "stockout", "restock", "ration_change"} <= kinds
    assert {"deliveries above capacity", "donations above capacity"} <= set(
        events.loc[events["kind"] == "overflow", "note"]
    )
    closed = events.loc[events["kind"] == "disruption", ["day", "commodity"]].to_numpy().tolist()
    assert [12, "kits"] in closed and closed.index([12, "kits"]) < closed.index([12, "food"])
    orders = events[events["kind"] == "order"]
    file_order = {name: i for i, name in enumerate(s.commodities)}
    assert any(
        list(day["commodity"]) != sorted(day["commodity"], key=file_order.get) for _, day in orders.groupby("day")
    ), "no day on which the review order differs from file order"


def test_run_full_uses_the_scenario_seed_by_default():
    s = hand_built_camp()
    summary, _, _ = scalar_full.run_full(s)
    assert summary["seed"] == s.seed
    assert_same(summary, engine_summary(campsim.simulate(s).summary))


def test_the_comparison_can_fail():
    s = hand_built_camp()
    want = campsim.simulate(s, 0)
    summary, daily, events = scalar_full.run_full(s, 0)
    assert_same_run((summary, daily, events), want)

    def fails(got) -> None:
        with pytest.raises(AssertionError):
            assert_same_run(got, want)

    off = {**summary, "commodities": {**summary["commodities"]}}
    off["commodities"]["food"] = {**summary["commodities"]["food"], "spent_usd": summary["commodities"]["food"]["spent_usd"] * (1 + 1e-8)}  # fmt: skip
    fails((off, daily, events))
    nudged = daily.copy()
    nudged.loc[nudged.index[nudged["stock"] > 0][-1], "stock"] *= 1 + 1e-8
    fails((summary, nudged, events))
    day = events[events["kind"] == "order"].groupby("day").filter(lambda rows: len(rows) > 1)["day"].iloc[0]
    first, second = events.index[(events["day"] == day) & (events["kind"] == "order")][:2]
    swapped = events.copy()
    swapped.loc[[first, second]] = events.loc[[second, first]].to_numpy()  # two orders of one day, swapped
    fails((summary, daily, swapped))
    fails((summary, daily, events.drop(index=events.index[-1])))  # one row missing
    renoted = events.copy()
    renoted.loc[first, "note"] = "lead time 99 days"
    fails((summary, daily, renoted))
