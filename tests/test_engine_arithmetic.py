"""The engine against stock paths and dates computed by hand (docs/semantics.md)."""

from __future__ import annotations

import pytest

import campsim
from tests.conftest import assert_books_balance, daily_of, scenario

WATER_ONLY = {"water": {"per_person_day": 15, "initial_stock": 100_000}}


@pytest.mark.parametrize("deterministic", [True, False])
def test_constant_population_without_resupply_runs_out_when_arithmetic_says(deterministic):
    # 1,000 people x 15 L = 15,000 L/day; 100,000 L last 6 full days (90,000 L),
    # day 6 gets the last 10,000 L, days 7-9 get nothing.
    r = campsim.simulate(scenario(WATER_ONLY, deterministic=deterministic))
    w = r.summary["commodities"]["water"]
    assert daily_of(r, "water", "distributed").tolist() == [15_000.0] * 6 + [10_000.0] + [0.0] * 3
    assert w["first_shortage_day"] == 6
    assert w["first_shortage_date"] == "2017-10-07"
    assert w["shortage_days"] == 4
    assert w["longest_shortage_days"] == 4
    assert w["shortfall"] == 50_000.0
    assert w["shortfall_person_days"] == pytest.approx(1000 * 5_000 / 15_000 + 3 * 1000)
    assert w["coverage"] == pytest.approx(100_000 / 150_000)
    assert w["min_ration"] == 0.0
    assert w["end_stock"] == 0.0
    assert w["pipeline_breaks"] == [{"start": "2017-10-07", "end": "2017-10-10", "days": 4}]
    stockouts = r.events[r.events["kind"] == "stockout"]
    assert stockouts["day"].tolist() == [6]
    assert_books_balance(r)


def test_fixed_lead_time_reorder_cycle_follows_the_hand_computed_stock_path():
    # need 100/day; review every 5 days up to 10 days of need; lead time 3 days.
    # day 0: 300-100=200, order 1000-200=800 (due day 3); day 5: 500 left, order 500 (due day 8);
    # day 10: 500 left, order 500 (due day 13).
    s = scenario(
        {"food": {"per_person_day": 1, "initial_stock": 300,
                  "ordering": {"review_every_days": 5, "order_up_to_days": 10, "lead_time_days": 3}}},
        population={"initial": 100}, days=14,
    )  # fmt: skip
    r = campsim.simulate(s)
    assert daily_of(r, "food", "stock").tolist() == [200, 100, 0, 700, 600, 500, 400, 300, 700, 600, 500, 400, 300, 700]
    orders = r.events[r.events["kind"] == "order"]
    assert orders["day"].tolist() == [0, 5, 10]
    assert orders["quantity"].tolist() == [800, 500, 500]
    deliveries = r.events[r.events["kind"] == "delivery"]
    assert deliveries["day"].tolist() == [3, 8, 13]
    assert daily_of(r, "food", "pipeline").tolist() == [800] * 3 + [0] * 2 + [500] * 3 + [0] * 2 + [500] * 3 + [0]
    assert r.summary["commodities"]["food"]["shortage_days"] == 0
    assert_books_balance(r)


def test_62_percent_funded_steady_camp_gets_no_more_than_funding_buys():
    # 1,000 people, 1 ration/day at US$1: requirement 100 days x 1,000 = US$100,000;
    # 62% = US$62,000 buys 62,000 rations, ordered a day ahead on days 0..61, delivered days 1..62.
    s = scenario(
        {"food": {"per_person_day": 1, "unit_cost_usd": 1.0,
                  "ordering": {"review_every_days": 1, "order_up_to_days": 1, "lead_time_days": 1}}},
        days=100, funding={"funded_fraction": 0.62},
    )  # fmt: skip
    r = campsim.simulate(s)
    f = r.summary["commodities"]["food"]
    assert f["requirement_usd"] == 100_000.0
    assert f["received_usd"] == pytest.approx(62_000.0)
    assert f["spent_usd"] == pytest.approx(62_000.0)
    assert f["distributed"] == pytest.approx(62_000.0)
    assert f["distributed"] <= f["received_usd"] / 1.0 + 1e-6
    assert f["shortage_days"] == 1 + 37  # day 0 (nothing on hand) and days 63..99
    assert f["first_shortage_day"] == 0
    assert f["longest_shortage_days"] == 37
    assert f["unmet_cost_usd"] == pytest.approx(38_000.0)
    assert_books_balance(r)


def test_monthly_disbursement_pays_equal_tranches_on_days_0_30_60_90():
    s = scenario({"food": {"per_person_day": 1, "unit_cost_usd": 2.0}}, days=100,
                 funding={"funded_fraction": 0.5, "disbursement": "monthly"})  # fmt: skip
    r = campsim.simulate(s)
    tranches = r.events[r.events["kind"] == "tranche"]
    assert tranches["day"].tolist() == [0, 30, 60, 90]
    assert tranches["cost_usd"].tolist() == pytest.approx([25_000.0] * 4)  # 0.5 x 200,000 / 4


def test_tranche_schedule_shares_and_the_rest_never_arrives():
    s = scenario({"food": {"per_person_day": 1, "unit_cost_usd": 1.0}}, days=10,
                 funding={"disbursement": [{"day": 2, "share": 0.3}, {"date": "2017-10-06", "share": 0.2}]})  # fmt: skip
    r = campsim.simulate(s)
    f = r.summary["commodities"]["food"]
    assert f["received_usd"] == pytest.approx(0.5 * 10_000)
    tranches = r.events[r.events["kind"] == "tranche"]
    assert tranches["day"].tolist() == [2, 5]
    assert daily_of(r, "food", "balance").tolist() == pytest.approx([0, 0, 3000, 3000, 3000] + [5000] * 5)


def test_ration_cut_applies_only_when_cover_is_strictly_below_the_threshold():
    # need 100/day; stock 500 = 5 days of cover; threshold 5 -> day 0 is not below it.
    s = scenario({"food": {"per_person_day": 1, "initial_stock": 500,
                           "rationing": [{"below_days_of_cover": 5, "ration": 0.5},
                                         {"below_days_of_cover": 2, "ration": 0.25}]}},
                 population={"initial": 100}, days=6)  # fmt: skip
    r = campsim.simulate(s)
    # stock 500 (cover 5) -> full 100; 400 (4) -> 50; 350 (3.5) -> 50; 300 -> 50; 250 -> 50; 200 -> 50
    assert daily_of(r, "food", "distributed").tolist() == [100, 50, 50, 50, 50, 50]
    assert daily_of(r, "food", "days_of_cover").tolist() == [5, 4, 3.5, 3, 2.5, 2]
    changes = r.events[r.events["kind"] == "ration_change"]
    assert changes["day"].tolist() == [1]
    assert changes["quantity"].tolist() == [0.5]
    f = r.summary["commodities"]["food"]
    assert f["shortage_days"] == 5  # ration cuts count as shortage
    assert f["pipeline_break_days"] == 0  # but stock always covered the planned (cut) ration
    assert f["min_ration"] == 0.5
    assert f["shortfall_person_days"] == pytest.approx(5 * 100 * 0.5)


def test_lowest_threshold_that_cover_is_below_sets_the_ration():
    s = scenario({"food": {"per_person_day": 1, "initial_stock": 150,
                           "rationing": [{"below_days_of_cover": 2, "ration": 0.5},
                                         {"below_days_of_cover": 7, "ration": 0.8}]}},
                 population={"initial": 100}, days=1)  # fmt: skip
    r = campsim.simulate(s)
    assert daily_of(r, "food", "distributed").tolist() == [50.0]  # cover 1.5 < 2 -> 0.5, not 0.8
    assert r.events.loc[r.events["kind"] == "ration_change", "day"].tolist() == [0]  # day 0 vs 1


def test_stock_spoils_at_the_end_of_its_shelf_life_first_in_first_out():
    # 1,000 on hand from day 0, shelf life 5: what is left at the end of day 4 spoils.
    s = scenario({"food": {"per_person_day": 1, "initial_stock": 1000, "shelf_life_days": 5}},
                 population={"initial": 100}, days=8)  # fmt: skip
    r = campsim.simulate(s)
    assert daily_of(r, "food", "spoiled").tolist() == [0, 0, 0, 0, 500, 0, 0, 0]
    assert daily_of(r, "food", "distributed").tolist() == [100] * 5 + [0] * 3
    assert r.summary["commodities"]["food"]["spoiled"] == 500
    assert_books_balance(r)


def test_oldest_stock_is_used_first_so_newer_batches_survive():
    # 300 initial (day 0) + donation of 300 on day 2; need 100/day; shelf life 4.
    # days 0-2 use the initial batch; end of day 3 the initial batch is gone already,
    # the day-2 batch (300) serves days 3-5 and would only spoil at the end of day 5.
    s = scenario({"food": {"per_person_day": 1, "initial_stock": 300, "shelf_life_days": 4,
                           "donations": [{"day": 2, "quantity": 300}]}},
                 population={"initial": 100}, days=7)  # fmt: skip
    r = campsim.simulate(s)
    assert daily_of(r, "food", "distributed").tolist() == [100] * 6 + [0]
    assert r.summary["commodities"]["food"]["spoiled"] == 0
    assert_books_balance(r)


def test_receipts_above_capacity_are_lost_as_overflow_but_count_as_received():
    s = scenario({"food": {"per_person_day": 1, "initial_stock": 900, "capacity": 1000,
                           "donations": [{"day": 0, "quantity": 500}]}},
                 population={"initial": 100}, days=3)  # fmt: skip
    r = campsim.simulate(s)
    f = r.summary["commodities"]["food"]
    assert f["overflow"] == 400
    assert f["received"] == 500
    assert daily_of(r, "food", "stock").tolist() == [900, 800, 700]
    assert r.events.loc[r.events["kind"] == "overflow", "quantity"].tolist() == [400]
    assert_books_balance(r)


def test_disruption_postpones_a_delivery_to_the_first_open_day_even_across_two_closures():
    # order on day 0 with lead time 2 is due day 2; closed days 1-3 and then day 4 -> arrives day 5.
    s = scenario(
        {"food": {"per_person_day": 1, "initial_stock": 1000,
                  "ordering": {"review_every_days": 100, "order_up_to_days": 12, "lead_time_days": 2}},
         "water": {"per_person_day": 1, "initial_stock": 1000, "donations": [{"day": 3, "quantity": 50}]}},
        population={"initial": 100}, days=10,
        disruptions=[{"start": "2017-10-02", "days": 3, "commodities": ["food"], "reason": "bridge"},
                     {"start": 4, "days": 1, "reason": "flood"}],
    )  # fmt: skip
    r = campsim.simulate(s)
    ev = r.events
    assert ev.loc[ev["kind"] == "delivery", "day"].tolist() == [5]
    # water is only closed on day 4 (the second disruption names no commodity: all of them)
    assert ev.loc[ev["kind"] == "donation", "day"].tolist() == [3]
    dis = ev[ev["kind"] == "disruption"]
    assert list(zip(dis["day"], dis["commodity"], dis["note"], strict=True)) == [
        (1, "food", "bridge"),
        (4, "food", "flood"),
        (4, "water", "flood"),
    ]
    assert_books_balance(r)


def test_orders_due_on_or_after_the_horizon_stay_in_the_pipeline():
    s = scenario({"food": {"per_person_day": 1, "initial_stock": 1000,
                           "ordering": {"review_every_days": 1, "order_up_to_days": 20, "lead_time_days": 30}}},
                 population={"initial": 100})  # fmt: skip
    r = campsim.simulate(s)
    f = r.summary["commodities"]["food"]
    assert f["received"] == 0
    # day 0 tops 900 on hand up to 2,000 (order 1,100); days 1-9 each reorder the day's 100
    assert f["end_pipeline"] == pytest.approx(1100 + 9 * 100)
    assert_books_balance(r)


def test_household_kits_carry_a_backlog_until_served():
    # 10 arrivals/day in households of 5 = 2 kits/day; 3 kits on hand.
    s = scenario({"kits": {"per_new_household": 1, "initial_stock": 3}},
                 population={"initial": 0, "household_size": 5, "arrivals": [{"rate": {"2017-10-01": 10}}]},
                 days=4)  # fmt: skip
    r = campsim.simulate(s)
    assert daily_of(r, "kits", "need").tolist() == [2, 2, 3, 5]  # new kits + yesterday's backlog
    assert daily_of(r, "kits", "shortfall").tolist() == [0, 1, 3, 5]
    k = r.summary["commodities"]["kits"]
    assert k["need"] == 8  # each arriving household's kit counted once
    assert k["distributed"] == 3
    assert k["shortfall"] == 5  # the backlog left at the end
    assert k["shortfall_person_days"] == (0 + 1 + 3 + 5) * 5
    assert k["shortage_days"] == 3
    assert k["coverage"] == pytest.approx(3 / 8)
    assert_books_balance(r)


def test_kit_order_target_uses_the_mean_new_need_of_the_last_seven_days_plus_backlog():
    # arrivals 30/day for 3 days then 0: 5 kits/day for 3 days (household 6).
    # review on day 3: window days 0-3 -> mean (5+5+5+0)/4 = 3.75 kits; x 4 days = 15.
    s = scenario(
        {"kits": {"per_new_household": 1, "initial_stock": 100,
                  "ordering": {"review_every_days": 3, "order_up_to_days": 4, "lead_time_days": 1}}},
        population={"initial": 0, "arrivals": [{"surge": {"start": "2017-10-01", "days": 3, "total": 90}}]},
        days=4,
    )  # fmt: skip
    r = campsim.simulate(s)
    # day 0 target 4 x 5 = 20 < 95 on hand: no order; day 3 target 15 < 85: no order
    assert r.events[r.events["kind"] == "order"].empty
    s2 = s.model_copy(deep=True)
    s2.commodities["kits"].initial_stock = 5
    r2 = campsim.simulate(s2)
    orders = r2.events[r2.events["kind"] == "order"]
    # day 0: stock 0 after 5 kits, target 20 -> order 20 (arrives day 1);
    # day 3: stock 20-5-5=10 after day 2, day 3 need 0 -> position 10, target 15 -> order 5
    assert orders["day"].tolist() == [0, 3]
    assert orders["quantity"].tolist() == pytest.approx([20, 5])


def test_requirement_defaults_to_full_expected_need_times_unit_cost():
    # 1,000 people, +100/day from day 0, 1% leave each day: P(d) = 0.99 P(d-1) + 100.
    s = scenario({"water": {"per_person_day": 15, "unit_cost_usd": 0.01}}, days=3,
                 population={"initial": 1000, "departures_per_day": 0.01,
                             "arrivals": [{"rate": {"2017-10-01": 100}}]})  # fmt: skip
    p0 = 1000 * 0.99 + 100
    p1 = p0 * 0.99 + 100
    p2 = p1 * 0.99 + 100
    r = campsim.simulate(s)
    assert r.summary["commodities"]["water"]["requirement_usd"] == pytest.approx((p0 + p1 + p2) * 15 * 0.01)
    assert r.daily.drop_duplicates("day")["population"].tolist() == pytest.approx([p0, p1, p2])


def test_money_caps_orders_and_is_never_overspent():
    s = scenario(
        {"food": {"per_person_day": 1, "unit_cost_usd": 3.0, "requirement_usd": 1000,
                  "ordering": {"review_every_days": 1, "order_up_to_days": 2, "lead_time_days": 1}}},
        population={"initial": 100},
    )  # fmt: skip
    r = campsim.simulate(s)
    f = r.summary["commodities"]["food"]
    assert f["spent_usd"] == pytest.approx(1000.0)
    assert f["balance_usd"] == 0.0
    assert r.events.loc[r.events["kind"] == "order", "quantity"].tolist() == pytest.approx([200, 100, 1000 / 3 - 300])
    assert_books_balance(r)


def test_free_items_are_not_capped_by_money_and_max_order_caps_each_order():
    s = scenario(
        {"water": {"per_person_day": 15, "ordering": {"review_every_days": 1, "order_up_to_days": 2,
                                                       "lead_time_days": 1, "max_order": 20_000}}},
    )  # fmt: skip
    r = campsim.simulate(s)
    orders = r.events.loc[r.events["kind"] == "order", "quantity"].tolist()
    assert orders[0] == 20_000 and max(orders) == 20_000
    assert r.summary["commodities"]["water"]["spent_usd"] == 0
