"""The forecast warning against hand-computed cases (docs/semantics.md, "Forecast warning")."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from campsim.plan.arrays import LeadTimePlan
from campsim.results.warning import NONE, Line, forecast_lines, lead_p90_days, lower_quantile, warning_frame
from campsim.engines.batch import simulate_batch
from campsim.plan.draw import draw
from campsim.runs.simulate import run_replications
from tests.conftest import scenario

AS_OF = date(2017, 9, 30)  # the day before the scenario's start: forecast day k is day k - 1 of the run


def warn_from_start(s, replications=1):
    """The warning of a run from day 0, as a forecast from the day before it."""
    result = run_replications(s, replications, jobs=1)
    plan = result.plan
    arrays = simulate_batch(plan, draw(plan, s.seed, 0, replications))
    stock = {("", name): float(q) for name, q in zip(plan.lines, plan.initial_stock, strict=True)}
    lines = forecast_lines(plan, arrays, result.summary, result.daily, stock)
    return warning_frame(lines, AS_OF).set_index("commodity")


def water(initial_l, lead, **extra):
    """1,000 people x 15 L; reviews every 7 days up to 1 day of need (no order until the stock is gone)."""
    ordering = {"review_every_days": 7, "order_up_to_days": 1, "lead_time_days": lead}
    return {"water": {"per_person_day": 15, "initial_stock": initial_l, "ordering": ordering, **extra}}


def test_lead_time_p90_is_the_rounded_up_quantile_of_each_distribution():
    # triangular (7, 14, 30): the mode's CDF is 7/23 < 0.9, so x = 30 - sqrt(0.1 x 23 x 16) = 23.93 -> 24
    assert lead_p90_days(LeadTimePlan("triangular", (7, 14, 30), 17)) == 24
    assert lead_p90_days(LeadTimePlan("uniform", (5, 15), 10)) == 14  # 5 + 0.9 x 10, no fp day added
    assert lead_p90_days(LeadTimePlan("fixed", (14.5,), 15)) == 15
    # lognormal mean 10, sd 5: sigma^2 = ln 1.25; exp(ln 10 - 0.1116 + 0.4724 x 1.2816) = 16.35 -> 17
    assert lead_p90_days(LeadTimePlan("lognormal", (10, 5), 10)) == 17
    assert lead_p90_days(LeadTimePlan("triangular", (7, 14, 30), 17), deterministic=True) == 17
    assert lead_p90_days(None) is None


def test_quantiles_count_no_break_as_later_than_any_date():
    days = np.array([3, 5, NONE, NONE, 8, NONE, NONE, NONE, NONE, NONE])
    assert lower_quantile(days, 0.1) == 3
    assert lower_quantile(days, 0.2) == 5
    assert lower_quantile(days, 0.3) == 8
    assert lower_quantile(days, 0.5) == NONE  # reads "none within the forecast"


def test_ten_days_of_cover_no_pipeline_and_a_14_day_lead_time_is_red_with_a_break_on_day_11():
    # 150,000 L / 15,000 L a day = 10 days of cover: days 1-10 met, day 11 breaks. The reviews on days
    # 1 and 8 see more than a day's need; the one on day 15 orders, arriving on day 29, after the forecast.
    w = warn_from_start(scenario(water(150_000, 14), days=20)).loc["water"]
    assert w["cover_days_today"] == 10
    assert w["status"] == "red"  # an order placed today arrives on day 14, after the break on day 11
    assert (w["break_p10_date"], w["break_p50_date"], w["break_p90_date"]) == ("2017-10-11",) * 3
    assert w["shortage_p50_date"] == "2017-10-11"
    assert (w["p_break_7d"], w["p_break_14d"], w["p_break_30d"]) == (0.0, 1.0, 1.0)
    assert w["lead_time_p90_days"] == 14
    assert w["order_by_date"] == "2017-09-27"  # day 11 - 14 = 3 days before as_of: already past
    assert w["order_quantity"] == 150_000  # need 20 x 15,000 - stock 150,000; nothing arrives in time
    assert w["person_days_short"] == 10 * 1000  # days 11-20, everyone short of all of it


def test_a_delivery_on_day_8_moves_the_break_to_day_17_and_the_warning_to_amber():
    # days 1-7 use 105,000 L (45,000 left); 100,000 L land on day 8: 145,000 cover days 8-16 (135,000),
    # 10,000 L are left for day 17: the break. Order-by = 17 - 14 = day 3, within 14 days: amber.
    donation = {"donations": [{"day": 7, "quantity": 100_000}]}
    w = warn_from_start(scenario(water(150_000, 14, **donation), days=20)).loc["water"]
    assert w["break_p50_date"] == "2017-10-17"
    assert w["status"] == "amber"
    assert w["order_by_date"] == "2017-10-03"
    # a larger delivery: 445,000 L cover days 8-36, the break is on day 37, order by day 23: green
    donation = {"donations": [{"day": 7, "quantity": 400_000}]}
    w = warn_from_start(scenario(water(150_000, 14, **donation), days=40)).loc["water"]
    assert (w["break_p50_date"], w["order_by_date"], w["status"]) == ("2017-11-06", "2017-10-23", "green")


def test_order_by_date_for_a_triangular_lead_time_is_the_p10_break_less_its_p90():
    # 450,000 L = 30 days: the break is on day 31 in every replication (no arrivals, no departures; the
    # rule's first order is on the day-36 review). P90 of triangular (7, 14, 30) = 24 days: order by
    # day 31 - 24 = 7 (amber); not red, since no replication breaks before day 24.
    s = scenario(water(450_000, {"triangular": [7, 14, 30]}), days=40, deterministic=False)
    w = warn_from_start(s, replications=20).loc["water"]
    assert w["break_p10_date"] == "2017-10-31"
    assert w["lead_time_p90_days"] == 24
    assert (w["order_by_date"], w["status"]) == ("2017-10-07", "amber")


def test_rows_are_sorted_by_urgency_red_then_amber_then_green():
    def line(name, breaks, lead):
        arr = np.array(breaks, dtype=float)
        return Line("", "camp", name, "L", 1.0, lead, arr, arr, 0.0, 0.0)

    lines = [line("green", [NONE] * 4, 5), line("amber-late", [25] * 4, 14), line("red", [3] * 4, 5),
             line("amber-soon", [18] * 4, 14)]  # fmt: skip
    frame = warning_frame(lines, AS_OF)
    assert frame["commodity"].tolist() == ["red", "amber-soon", "amber-late", "green"]
    assert frame["order_by_date"].tolist() == [str(AS_OF - timedelta(days=2)), "2017-10-04", "2017-10-11", ""]


def test_a_line_with_no_lead_time_has_no_order_by_date_and_is_red_when_a_break_is_likely():
    def line(breaks):
        arr = np.array(breaks, dtype=float)
        return Line("", "camp", "soap", "bar", 3.0, None, arr, arr, 12.0, 500.0)

    likely, possible, never = (warning_frame([line(b)], AS_OF).iloc[0] for b in
                               ([4, 5, 6, NONE], [20, NONE, NONE, NONE], [NONE] * 4))  # fmt: skip
    assert (likely["status"], likely["p_break_before_resupply"], likely["order_by_date"]) == ("red", 0.75, "")
    assert (possible["status"], possible["break_p10_date"], possible["break_p50_date"]) == ("amber", "2017-10-20", "")
    assert never["status"] == "green"
    assert np.isnan(likely["order_quantity"])  # no order-by date, no quantity
