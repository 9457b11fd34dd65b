"""Why supplies ran out, how long households waited for kits, critical levels and where a
requirement came from: summary keys checked against hand arithmetic (docs/semantics.md)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import campsim
from campsim.engines import batch
from campsim.engines.batch_network import simulate_network_batch
from campsim.plan.compile import compile
from campsim.plan.draw import draw, draw_network
from campsim.results.network import summarize_network
from campsim.results.summary import summarize
from tests.conftest import ROOT, assert_books_balance, daily_of, scenario

# 100 people eat 1 ration a day at US$1; stock 300; every day order up to 3 days' need, lead time 1 day.
FOOD = {"per_person_day": 1, "unit_cost_usd": 1.0, "initial_stock": 300, "requirement_usd": 1000,
        "ordering": {"review_every_days": 1, "order_up_to_days": 3, "lead_time_days": 1}}  # fmt: skip


def money_runs_out(**changes) -> campsim.Scenario:
    """US$450 on day 0 and US$350 on day 8 (45% and 35% of US$1,000), 14 days."""
    funding = {"funded_fraction": 1, "disbursement": [{"day": 0, "share": 0.45}, {"day": 8, "share": 0.35}]}
    return scenario({"food": {**copy.deepcopy(FOOD), **changes}}, population={"initial": 100}, days=14,
                    funding=funding)  # fmt: skip


def test_money_running_out_is_the_cause_and_counted_on_the_days_worked_by_hand():
    # Each review orders 100 (US$100) to lift stock 200 + pipeline 0 to 300: days 0-3 spend US$400.
    # Day 4: US$50 left buys 50 of the 100 asked (cut 50); days 5-7 ask 150, 250, 300 with US$0.
    # Stock after distribution: day 5 250-100 = 150, day 6 50, day 7 50 of 100 (break), day 8 0 (break).
    # Day 8: US$350 arrives, the review buys 300 (not cut); day 9: 300 in, 200 left, asks 100, has 50 (cut 50).
    # Day 10: 50 in, 150 left, asks 150 with US$0 ... day 12 gets 50 of 100 (break), day 13 nothing.
    r = campsim.simulate(money_runs_out())
    assert daily_of(r, "food", "distributed").tolist() == [100] * 7 + [50, 0] + [100] * 3 + [50, 0]
    cut = r.raw.daily["funds_cut"][:, 0, 0].tolist()
    assert cut == [0, 0, 0, 0, 50, 150, 250, 300, 0, 50, 150, 250, 300, 300]
    food = r.summary["commodities"]["food"]
    assert food["pipeline_break_days"] == 4  # days 7, 8, 12 and 13
    assert food["funds_exhausted_days"] == 4  # each after a review that money cut
    assert food["first_shortage_cause"] == "funds exhausted"
    assert food["first_shortage_date"] == "2017-10-08"
    assert food["funds_exhausted_first_date"] == "2017-10-05"
    assert food["balance_usd"] == 0.0
    # one event at the start of each run of money-cut reviews, after that day's order
    events = r.events[r.events["kind"] == "funds_exhausted"]
    assert events["day"].tolist() == [4, 9]
    assert events["quantity"].tolist() == [50.0, 50.0]
    assert events["note"].tolist() == ["balance 50.00 USD before the order"] * 2
    day4 = r.events[r.events["day"] == 4]["kind"].tolist()
    assert day4.index("order") < day4.index("funds_exhausted")
    assert_books_balance(r)


def test_a_break_that_money_did_not_cause_stays_a_pipeline_break():
    # plenty of money, but orders take 6 days and cover 3: days 3-5 and 9-11 get nothing
    r = campsim.simulate(money_runs_out(ordering={"review_every_days": 1, "order_up_to_days": 3,
                                                  "lead_time_days": 6}, requirement_usd=100_000))  # fmt: skip
    food = r.summary["commodities"]["food"]
    assert food["first_shortage_cause"] == "pipeline break"
    assert food["pipeline_break_days"] == 6
    assert food["funds_exhausted_days"] == 0
    assert food["funds_exhausted_first_date"] is None
    assert (r.events["kind"] == "funds_exhausted").sum() == 0


def test_an_order_that_spends_exactly_what_is_left_was_not_cut():
    # US$400 buys days 0-3's orders of 100 exactly; day 4 asks 100 with US$0 left
    r = campsim.simulate(money_runs_out(requirement_usd=400 / 0.45))
    cut = r.raw.daily["funds_cut"][:, 0, 0].tolist()
    assert cut[:5] == [0, 0, 0, 0, 100]


def hub_money(**food) -> campsim.Scenario:
    """A hub buying for one camp of 100 people (1 unit a day, US$1) with US$300; camp 200 on hand, 8 days."""
    return campsim.scenario_from_dict({
        "name": "hub money", "start": "2017-10-01", "days": 8, "deterministic": True,
        "funding": {"funded_fraction": 1, "disbursement": "upfront"},
        "commodities": {"food": {"per_person_day": 1, "unit_cost_usd": 1, "kg_per_unit": 1, "requirement_usd": 300,
                                 **food}},
        "warehouses": {"hub": {"commodities": {"food": {"initial_stock": 0, "ordering": {
            "order_up_to_days": 2, "lead_time_days": 1}}}}},
        "camps": {"a": {"population": {"initial": 100}, "commodities": {"food": {
            "initial_stock": 200, "supply": {"from": "hub", "order_up_to_days": 2}}}}},
        "routes": {"hub-a": {"from": "hub", "to": "a"}},
    })  # fmt: skip


def test_in_a_network_the_money_of_the_warehouse_that_buys_for_a_camp_decides():
    # day 0: the hub orders 200 (US$200, in on day 1); day 1 it asks 200 with US$100: buys 100 (cut 100);
    # the camp eats its 200, then the 200 and 100 shipped on days 1 and 2; days 5-7 it gets nothing,
    # and the hub's last review before each of them was cut by money.
    r = campsim.simulate(hub_money())
    assert r.raw.warehouses["funds_cut"][:, 0, 0].tolist() == [0, 100, 200, 200, 200, 200, 200, 200]
    assert daily_of(r, "food", "distributed").tolist() == [100] * 5 + [0] * 3
    for food in (r.summary["commodities"]["food"], r.summary["camps"]["a"]["commodities"]["food"]):
        assert food["pipeline_break_days"] == 3
        assert food["funds_exhausted_days"] == 3
        assert food["first_shortage_cause"] == "funds exhausted"
        assert food["funds_exhausted_first_date"] == "2017-10-02"
    events = r.events[r.events["kind"] == "funds_exhausted"]
    assert events[["day", "site", "quantity"]].values.tolist() == [[1, "hub", 100.0]]


def test_the_batch_engines_count_money_cuts_as_the_simpy_engines_do():
    plan = compile(money_runs_out())
    arrays = batch.simulate_batch(plan, draw(plan, 0, 0, 2))
    np.testing.assert_array_equal(arrays.daily["funds_cut"][:, :, 1], campsim.simulate(money_runs_out()).raw.daily[
        "funds_cut"][:, :, 0])  # fmt: skip
    for food in (s["commodities"]["food"] for s in summarize(plan, arrays, 0)):
        assert (food["funds_exhausted_days"], food["first_shortage_cause"]) == (4, "funds exhausted")
    plan = compile(hub_money())
    arrays = simulate_network_batch(plan, draw_network(plan, 0, 0, 2))
    np.testing.assert_array_equal(arrays.warehouses["funds_cut"][:, 0, 1], [0, 100, 200, 200, 200, 200, 200, 200])
    for food in (s["commodities"]["food"] for s in summarize_network(plan, arrays, 0)):
        assert (food["funds_exhausted_days"], food["first_shortage_cause"]) == (3, "funds exhausted")


# --- kits: the backlog as waits --------------------------------------------------------------------

KITS = {"per_new_household": 1, "unit": "kit", "initial_stock": 1,
        "donations": [{"day": 2, "quantity": 3}, {"day": 4, "quantity": 4}]}  # fmt: skip
ARRIVALS = {"2017-10-01": 2, "2017-10-02": 3, "2017-10-03": 0, "2017-10-04": 1, "2017-10-05": 0}


def five_days(kits: dict) -> campsim.Scenario:
    population = {"initial": 10, "household_size": 1, "arrivals": [{"rate": ARRIVALS}]}
    return scenario({"kits": kits}, population=population, days=5)


def test_kit_waits_follow_the_backlog_served_oldest_first():
    # households (1 person, 1 kit each) arrive 2, 3, 0, 1, 0 on days 0-4; 1 kit on hand, 3 given on day 2, 4 on day 4.
    # day 0: 1 of 2 handed out (owed 1); day 1: owed 4; day 2: 3 in: day 0's last kit (waited 2) and two of
    # day 1's (1 each), owed 1; day 3: owed 2; day 4: day 1's last (waited 3) and day 3's (1). Kit-days 8.
    r = campsim.simulate(five_days(KITS))
    assert daily_of(r, "kits", "shortfall").tolist() == [1, 4, 1, 2, 0]
    kits = r.summary["commodities"]["kits"]
    assert kits["coverage"] == 1.0  # everything delivered by the end ...
    assert kits["kits_delivered"] == 6
    assert kits["households_waited"] == 5  # ... but only one household got its kit on arrival
    assert kits["on_time_share"] == pytest.approx(1 / 6)
    assert kits["mean_wait_days"] == pytest.approx(8 / 6)  # waits 0, 2, 1, 1, 3, 1
    assert kits["longest_wait_days"] == 3
    assert kits["shortfall_person_days"] == 8  # person-days waiting: households of 1


def test_kits_still_owed_at_the_end_wait_until_the_horizon():
    # without the day-4 donation, day 1's last kit and day 3's are still owed after day 4: waits 4 and 2
    r = campsim.simulate(five_days({**KITS, "donations": KITS["donations"][:1]}))
    kits = r.summary["commodities"]["kits"]
    assert kits["kits_delivered"] == 4
    assert kits["households_waited"] == 5
    assert kits["mean_wait_days"] == pytest.approx((1 + 4 + 1 + 2 + 2) / 6)
    assert kits["longest_wait_days"] == 4


def test_kit_keys_are_none_for_person_day_items_and_averaged_over_replications():
    r = campsim.run_replications(campsim.load_scenario(ROOT / "scenarios" / "ramadi-surge.yaml"), replications=3)
    assert r.summary["commodities"]["water"]["mean_wait_days"] is None
    kits = r.summary["commodities"]["household_kits"]
    spread = r.summary["uncertainty"]["household_kits"]
    for key in ("kits_delivered", "households_waited", "mean_wait_days", "longest_wait_days", "on_time_share"):
        assert spread[key]["p10"] <= kits[key] <= spread[key]["p90"]
    assert 0 < kits["on_time_share"] < 1


# --- critical levels and requirement sources ------------------------------------------------------


def test_critical_level_is_the_scenarios_then_sphere_survival_then_half_the_standard():
    s = scenario({
        "water": {"per_person_day": 15},  # Sphere's survival figure: 7.5 L
        "food": {"per_person_day": 1},  # no survival figure: half the standard
        "soap": {"per_person_day": 15, "critical_per_person_day": 10},  # the scenario's own
        "kits": {"per_new_household": 1},  # no person-day standard
    })  # fmt: skip
    plan = compile(s)
    assert plan.critical_per_person_day[:3].tolist() == [7.5, 0.5, 10.0]
    assert np.isnan(plan.critical_per_person_day[3])
    low = scenario({"water": {"per_person_day": 5}})  # a standard below the survival figure: half of it
    assert compile(low).critical_per_person_day.tolist() == [2.5]


def test_food_at_zero_counts_as_below_its_critical_level():
    # 100 rations for 100 people last 1 day; days 1-9 are at 0, below half a ration
    r = campsim.simulate(scenario({"food": {"per_person_day": 1, "initial_stock": 100}}, population={"initial": 100}))
    assert r.summary["commodities"]["food"]["share_person_days_below_critical"] == pytest.approx(0.9)


def test_the_surge_what_if_keeps_the_base_plans_requirement_and_says_where_it_came_from():
    base = campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")).summary["commodities"]
    surge = campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "ramadi-surge.yaml")).summary["commodities"]
    for name in base:
        assert base[name]["requirement_source"] == "expected need"
        assert surge[name]["requirement_source"] == "file"
        assert surge[name]["requirement_usd"] == pytest.approx(base[name]["requirement_usd"], abs=0.01)
        assert surge[name]["received_usd"] == pytest.approx(base[name]["received_usd"], abs=0.01)


def test_compare_csv_keeps_its_columns_and_appends_the_new_ones():
    from campsim.results.summary import COMPARE_METRICS, METRIC_KEYS

    before = ["need", "distributed", "coverage", "shortfall", "shortfall_person_days", "shortage_days",
              "first_shortage_day", "first_shortage_date", "first_shortage_cause", "longest_shortage_days",
              "min_ration", "peak_people_short", "share_person_days_at_standard", "share_person_days_below_critical",
              "ration_cut_days", "pipeline_break_days", "unmet_cost_usd", "requirement_usd", "received_usd",
              "spent_usd", "balance_usd", "initial_stock", "received", "spoiled", "overflow", "end_stock",
              "end_pipeline"]  # fmt: skip
    added = ["funds_exhausted_days", "kits_delivered", "households_waited", "mean_wait_days", "longest_wait_days",
             "on_time_share"]  # fmt: skip
    assert COMPARE_METRICS == before + added
    assert METRIC_KEYS[-8:] == ("funds_exhausted_days", "funds_exhausted_first_date", "requirement_source", *added[1:])


def test_a_networks_kit_waits_add_up_its_camps():
    # camp a is the five-day case above (6 kits owed, 5 households waited, 8 kit-days, longest 3);
    # camp b gets a household a day and has 5 kits: nobody waits. The network: 11 owed, 5 waited, 8 kit-days.
    def camp(rate, kits):
        return {"population": {"initial": 10, "household_size": 1, "arrivals": [{"rate": rate}]},
                "commodities": {"kits": kits}}  # fmt: skip

    s = campsim.scenario_from_dict({
        "name": "kit network", "start": "2017-10-01", "days": 5, "deterministic": True,
        "commodities": {"kits": {"per_new_household": 1, "unit": "kit"}},
        "camps": {"a": camp(ARRIVALS, {k: KITS[k] for k in ("initial_stock", "donations")}), "b": camp({"2017-10-01": 1}, {"initial_stock": 5})},
    })  # fmt: skip
    r = campsim.simulate(s)
    a, b = (r.summary["camps"][k]["commodities"]["kits"] for k in ("a", "b"))
    assert (a["kits_delivered"], a["households_waited"], a["longest_wait_days"]) == (6, 5, 3)
    assert (b["kits_delivered"], b["households_waited"], b["on_time_share"]) == (5, 0, 1.0)
    kits = r.summary["commodities"]["kits"]
    assert (kits["kits_delivered"], kits["households_waited"], kits["longest_wait_days"]) == (11, 5, 3)
    assert kits["on_time_share"] == pytest.approx(6 / 11)
    assert kits["mean_wait_days"] == pytest.approx(8 / 11)
