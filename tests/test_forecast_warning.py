"""The forecast warning against hand-computed cases (docs/semantics.md, "Forecast warning")."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import yaml

import campsim
from campsim.plan.arrays import LeadTimePlan
from campsim.results.warning import NONE, Line, lead_p90_days, lower_quantile, warning_frame

AS_OF = date(2017, 10, 5)  # day 4 of the scenarios below: forecast day k is day 4 + k; reviews on days 7, 14, ...


def warn(tmp_path, commodities, extra_rows="", replications=1, **top):
    """The warning of a forecast from a hand-written state at the end of 5 Oct: 1,000 people, the
    stock of each commodity as its ``initial_stock``, no money (every unit cost 0)."""
    data = {"name": "hand camp", "start": "2017-10-01", "days": 30, "deterministic": True,
            "population": {"initial": 1000}, "commodities": commodities, **top}  # fmt: skip
    (tmp_path / "camp.yaml").write_text(yaml.safe_dump(data))
    stock = "".join(f"stock,2017-10-05,,{name},{c['initial_stock']},\n" for name, c in commodities.items())
    money = "".join(f"balance,,,{name},0,\n" for name in commodities)
    state = f"kind,date,site,commodity,quantity,note\nas_of,2017-10-05,,,,\npopulation,,,,1000,\n{stock}{money}"
    (tmp_path / "state.csv").write_text(state + extra_rows)
    got = campsim.forecast(tmp_path / "camp.yaml", tmp_path / "state.csv", replications=replications)
    return got.warning.set_index("commodity")


def water(initial_l, lead):
    """1,000 people x 15 L; reviews every 7 days up to 1 day of need (no order while a day's need is on hand)."""
    ordering = {"review_every_days": 7, "order_up_to_days": 1, "lead_time_days": lead}
    return {"water": {"per_person_day": 15, "initial_stock": initial_l, "ordering": ordering}}


def test_lead_time_p90_is_the_rounded_up_quantile_of_each_distribution():
    # triangular (7, 14, 30): the mode's CDF is 7/23 < 0.9, so x = 30 - sqrt(0.1 x 23 x 16) = 23.93 -> 24
    assert lead_p90_days(LeadTimePlan("triangular", (7, 14, 30), 17)) == 24
    assert lead_p90_days(LeadTimePlan("uniform", (5, 15), 10)) == 14  # 5 + 0.9 x 10, no fp day added
    assert lead_p90_days(LeadTimePlan("fixed", (14.5,), 15)) == 15
    # lognormal mean 10, sd 5: sigma^2 = ln 1.25; exp(ln 10 - 0.1116 + 0.4724 x 1.2816) = 16.35 -> 17
    assert lead_p90_days(LeadTimePlan("lognormal", (10, 5), 10)) == 17
    assert lead_p90_days(None) is None


def test_quantiles_count_no_break_as_later_than_any_date():
    days = np.array([3, 5, NONE, NONE, 8, NONE, NONE, NONE, NONE, NONE])
    assert lower_quantile(days, 0.1) == 3
    assert lower_quantile(days, 0.2) == 5
    assert lower_quantile(days, 0.3) == 8
    assert lower_quantile(days, 0.5) == NONE  # reads "none within the forecast"


def test_ten_days_of_cover_no_pipeline_and_a_14_day_lead_time_is_red_with_a_break_on_day_11(tmp_path):
    # 150,000 L / 15,000 L a day = 10 days of cover: days 1-10 after as_of met, day 11 (16 Oct) breaks.
    # The day-7 review sees more than a day's need; the day-14 review (day 10 after as_of) orders 15,000 L,
    # landing on day 28 (day 24 after as_of) within the forecast (days 5-29, 25 days).
    w = warn(tmp_path, water(150_000, 14)).loc["water"]
    assert w["cover_days_today"] == 10
    assert w["status"] == "red"  # an order placed today lands on 19 Oct, after the break on 16 Oct
    assert (w["break_p10_date"], w["break_p50_date"], w["break_p90_date"]) == ("2017-10-16",) * 3
    assert w["shortage_p50_date"] == "2017-10-16"
    assert (w["p_break_7d"], w["p_break_14d"], w["p_break_30d"]) == (0.0, 1.0, 1.0)
    assert w["lead_time_p90_days"] == 14
    assert w["order_by_date"] == "2017-10-02"  # 16 Oct - 14 days: already past
    assert w["order_quantity"] == 25 * 15_000 - 150_000 - 15_000  # need - on hand - the rule's order = 210,000
    assert w["person_days_short"] == (13 + 1) * 1000  # days 11-23 and 25 after as_of; day 24 gets the 15,000 L


def test_a_delivery_on_day_8_moves_the_break_to_day_17_and_the_warning_to_amber(tmp_path):
    # days 1-7 use 105,000 L (45,000 left); 100,000 L land on day 8: 145,000 cover days 8-16 (135,000),
    # 10,000 L are left for day 17 (22 Oct): the break. Order-by = day 17 - 14 = day 3 (8 Oct), within 14: amber.
    pipeline = "pipeline,2017-10-13,,water,100000,order\n"
    w = warn(tmp_path, water(150_000, 14), pipeline).loc["water"]
    assert (w["break_p50_date"], w["order_by_date"], w["status"]) == ("2017-10-22", "2017-10-08", "amber")
    # 400,000 L on day 8: 445,000 cover days 8-36, the break is on day 37 (11 Nov), order by day 23: green
    pipeline = "pipeline,2017-10-13,,water,400000,order\n"
    w = warn(tmp_path, water(150_000, 14), pipeline, days=50).loc["water"]
    assert (w["break_p50_date"], w["order_by_date"], w["status"]) == ("2017-11-11", "2017-10-28", "green")


@pytest.mark.parametrize("deterministic", [False, True])
def test_order_by_date_for_a_triangular_lead_time_is_the_p10_break_less_its_p90(tmp_path, deterministic):
    # 450,000 L = 30 days: the break is on day 31 (5 Nov) in every replication (no arrivals, no departures;
    # the reviews on days 3-24 after as_of see more than a day's need). P90 of triangular (7, 14, 30) = 24
    # days: order by day 31 - 24 = day 7 (12 Oct), amber; not red: no replication breaks before day 24.
    # Deterministic mode too: the line's lead time is the distribution written, though its orders take the mean.
    w = warn(tmp_path, water(450_000, {"triangular": [7, 14, 30]}), replications=20, days=60,
             deterministic=deterministic).loc["water"]  # fmt: skip
    assert w["break_p10_date"] == w["break_p90_date"] == "2017-11-05"
    assert w["lead_time_p90_days"] == 24
    assert (w["order_by_date"], w["status"]) == ("2017-10-12", "amber")


def test_rows_are_sorted_by_urgency_red_then_amber_then_green():
    def line(name, breaks, lead):
        arr = np.array(breaks, dtype=float)
        return Line("", "camp", name, "L", 1.0, lead, arr, arr, 0.0, 0.0)

    lines = [line("green", [NONE] * 4, 5), line("amber-late", [25] * 4, 14), line("red", [3] * 4, 5),
             line("amber-soon", [18] * 4, 14)]  # fmt: skip
    frame = warning_frame(lines, AS_OF)
    assert frame["commodity"].tolist() == ["red", "amber-soon", "amber-late", "green"]
    assert frame["order_by_date"].tolist() == ["2017-10-03", "2017-10-09", "2017-10-16", ""]  # 3-5, 18-14, 25-14 days


def test_a_line_with_no_lead_time_has_no_order_by_date_and_is_red_when_a_break_is_likely():
    def line(breaks):
        arr = np.array(breaks, dtype=float)
        return Line("", "camp", "soap", "bar", 3.0, None, arr, arr, 12.0, 500.0)

    likely, possible, never = (warning_frame([line(b)], AS_OF).iloc[0] for b in
                               ([4, 5, 6, NONE], [20, NONE, NONE, NONE], [NONE] * 4))  # fmt: skip
    assert (likely["status"], likely["p_break_before_resupply"], likely["order_by_date"]) == ("red", 0.75, "")
    # amber needs an order-by date on or before as_of + 14 days: with nothing to order there is none, so green
    assert (possible["status"], possible["break_p10_date"], possible["break_p50_date"]) == ("green", "2017-10-25", "")
    assert possible["order_by_date"] == "" and possible["p_break_before_resupply"] == 0.25
    assert never["status"] == "green"
    assert np.isnan(likely["order_quantity"])  # no order-by date, no quantity


def test_a_likely_break_with_nothing_to_order_reads_its_chance_and_p10_date_in_words():
    from types import SimpleNamespace

    from campsim.report.forecast_text import headline
    from campsim.results.warning import p_break_by_date

    breaks = np.array([4, 5, 6, NONE])  # first breaks 9, 10, 11 Oct and none: 75% within the forecast
    line = Line("", "camp", "soap", "bar", 3.0, None, breaks, breaks, 12.0, 500.0)
    got = SimpleNamespace(warning=warning_frame([line], AS_OF), p_break_by_date=p_break_by_date([line], AS_OF, 20),
                          as_of=AS_OF)  # fmt: skip
    red, amber = headline(got)
    # P10 = the 1st of 4 sorted = day 4 (9 Oct); P(first break by 9 Oct) = 1/4
    assert red == ["soap: 75% chance of a pipeline break within the forecast (25% by 9 Oct 2017); it has no "
                   "ordering rule or supply, so no order can prevent it"] and amber == []  # fmt: skip


def test_a_break_with_enough_on_the_way_in_total_asks_for_an_earlier_delivery_not_more():
    from types import SimpleNamespace

    from campsim.report.forecast_text import headline
    from campsim.results.warning import p_break_by_date

    breaks = np.array([18.0] * 4)  # every replication breaks on day 18 (23 Oct); lead 14: order by day 4, amber
    line = Line("", "camp", "water", "litre", 9.0, 14, breaks, breaks, 5000.0, 0.0)  # order quantity 0
    got = SimpleNamespace(warning=warning_frame([line], AS_OF), p_break_by_date=p_break_by_date([line], AS_OF, 25),
                          as_of=AS_OF)  # fmt: skip
    red, amber = headline(got)
    assert amber == ["water: 100% chance of a pipeline break by 23 Oct 2017; what is on hand and on the way, with "
                     "the rules' own orders, covers its expected need to the end of the forecast: no extra quantity "
                     "is needed, only an earlier delivery"]  # fmt: skip


def test_an_amber_row_whose_order_by_date_has_passed_says_to_order_now():
    from types import SimpleNamespace

    from campsim.report.forecast_text import headline
    from campsim.results.warning import p_break_by_date

    # breaks on days 10, 20, 20, 20 and a 14-day lead: P(break before day 14) = 25%, not red; the P10 break is
    # day 10 (15 Oct), so the order-by date is day 10 - 14 = day -4 (1 Oct), before as_of (5 Oct): amber
    breaks = np.array([10.0, 20.0, 20.0, 20.0])
    line = Line("", "camp", "water", "litre", 9.0, 14, breaks, breaks, 5000.0, 60000.0)
    got = SimpleNamespace(warning=warning_frame([line], AS_OF), p_break_by_date=p_break_by_date([line], AS_OF, 25),
                          as_of=AS_OF)  # fmt: skip
    red, amber = headline(got)
    assert amber == ["water: 25% chance of a pipeline break by 15 Oct 2017; order 60,000 litres by 1 Oct 2017 "
                     "(already past: order now)"]  # fmt: skip
