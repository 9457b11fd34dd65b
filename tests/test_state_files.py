"""State files in: a stock report kept in a spreadsheet in state.csv's layout, and each bad row's one line."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

import campsim
from campsim.load.state import read_state
from campsim.model.errors import ScenarioError
from campsim.runs.forecast import run_forecast
from tests.conftest import ROOT, scenario

HEADER = "kind,date,site,commodity,quantity,note"


def water_camp(**top) -> campsim.Scenario:
    """1,000 people, 15 litres a day each, no orders, 30 days from 1 Oct 2017 (deterministic)."""
    return scenario({"water": {"per_person_day": 15, "initial_stock": 0}}, days=30, **top)


def write(tmp_path, *rows: str, name: str = "state.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


GOOD = ("as_of,2017-10-05,,,,", "population,2017-10-05,,,1000,people", "stock,,,water,150000,on hand",
        "balance,2017-10-05,,water,0,US$ left")  # fmt: skip


def test_a_hand_written_stock_report_is_forecast_from_the_day_after_it(tmp_path):
    # 150,000 litres for 1,000 people at 15 l/day: 10 days of cover, then a pipeline break on the 11th day
    s = water_camp()
    got = run_forecast(s, read_state(write(tmp_path, *GOOD), s), replications=1)
    stock = got.arrays.daily["stock"][:, 0, 0]
    assert got.start == date(2017, 10, 6) and got.days == 30 - 5
    np.testing.assert_allclose(stock[:10], 150000 - 15000 * np.arange(1, 11))
    breaks = np.flatnonzero(got.arrays.daily["stockout"][:, 0, 0])
    assert breaks[0] == 10 and got.result.daily["date"].iloc[10] == pd.Timestamp(2017, 10, 16)  # the 11th day
    # a delivery of 60,000 litres on 13 Oct (the forecast's 8th day): four more days before the break
    late = read_state(write(tmp_path, *GOOD, "pipeline,2017-10-13,,water,60000,order"), s)
    stock = run_forecast(s, late, replications=1).arrays.daily["stock"][:, 0, 0]
    assert stock[6] == 150000 - 7 * 15000 and stock[7] == stock[6] - 15000 + 60000
    assert np.flatnonzero(stock == 0)[0] == 13  # 210,000 litres: 14 days, the last of them emptying the shelf


def test_a_spreadsheet_layout_is_read_in_any_order_with_hashtags_and_the_camp_named(tmp_path):
    s = water_camp(name="Kilo 18")
    rows = ("#meta+kind,#date,#loc+name,#item+name,#indicator+quantity+num,#meta+note",
            "stock,,Kilo 18,water,100000,warehouse A", "balance,2017-10-05,,water,12.5,", "stock,,,water,50000,tent",
            "population,2017-10-05,Kilo 18,,1000,", "as_of,2017-10-05,,,,")  # fmt: skip
    state = read_state(write(tmp_path, *rows), s)
    got = run_forecast(s, state, replications=1).arrays.daily
    assert got["stock"][0, 0, 0] == 150000 - 15000  # two stock rows add up
    assert got["balance"][0, 0, 0] == 12.5
    semicolons = [row.replace(",", ";") for row in (HEADER, *rows)]
    (tmp_path / "semicolons.csv").write_text("\n".join(semicolons) + "\n")  # a spreadsheet in a comma-decimal locale
    assert read_state(tmp_path / "semicolons.csv", s).rows == state.rows


@pytest.mark.parametrize("rows, where, words", [
    (GOOD[1:], "state.csv: rows", "no as_of row"),
    ((GOOD[0], *GOOD[2:]), "state.csv: rows", "no row for the population of the camp"),
    (GOOD[:2] + GOOD[3:], "state.csv: rows", "no row for the stock of water at the camp (a row with quantity 0 if"),
    ((*GOOD, "stock,,north,water,5,"), "state.csv:6: stock.site",
     "unknown site 'north'; expected empty or 'hand case' (a single camp)"),
    ((*GOOD, "balance,2017-10-05,north,water,5,"), "state.csv:6: balance.site", "unknown site 'north'; a balance"),
    ((*GOOD, "population,2017-10-05,,,5,kit backlog"), "state.csv:6: population.commodity", "names its kit"),
    ((*GOOD, "stock,,,rice,5,"), "state.csv:6: stock.commodity", "unknown commodity 'rice' at the camp"),
    ((*GOOD, "stock,,,water,-5,"), "state.csv:6: stock.quantity", "negative quantity -5; expected 0 or more"),
    ((*GOOD, "stock,2017-10-06,,water,5,"), "state.csv:6: stock.date",
     "stock received on 2017-10-06, after as_of 2017-10-05"),
    ((*GOOD, "pipeline,2017-10-05,,water,5,order"), "state.csv:6: pipeline.date",
     "arrival 2017-10-05 is on or before as_of 2017-10-05"),
    ((*GOOD, "pipeline,,,water,5,order"), "state.csv:6: pipeline.date", "needs its expected arrival date"),
    ((*GOOD, "pipeline,2017-10-09,,water,5,truck"), "state.csv:6: pipeline.note",
     "expected one of donation, order, got 'truck'"),
    ((*GOOD, "stocks,,,water,5,"), "state.csv:6: kind", "unknown kind 'stocks'; expected one of as_of, stock"),
    ((*GOOD, "stock,,,water,lots,"), "state.csv:6: stock.quantity", "expected a number, got 'lots'"),
    ((*GOOD, "stock,,,water,nan,"), "state.csv:6: stock.quantity", "expected a finite number"),
    ((*GOOD, "stock,2017-13-01,,water,5,"), "state.csv:6: stock.date", "expected a date as YYYY-MM-DD"),
    ((*GOOD, "stock,,,water,5"), "state.csv:6", "expected 6 cells (kind, date, site, commodity, quantity, note)"),
    ((*GOOD, "as_of,2017-10-07,,,,"), "state.csv:6: as_of.kind", "a second as_of row (the first is on line 2)"),
    (("as_of,2017-10-30,,,,", *GOOD[1:]), "state.csv:2: as_of.date", "as_of 2017-10-30 is outside 2017-09-30 to 2017-10-29"),
    (("as_of,2017-09-29,,,,", *GOOD[1:]), "state.csv:2: as_of.date", "as_of 2017-09-29 is outside 2017-09-30 to"),
    (("as_of,,,,,", *GOOD[1:]), "state.csv:2: as_of.date", "the as_of row needs a date"),
    ((*GOOD, "kit_need,2017-10-05,,water,5,"), "state.csv:6: kit_need.commodity",
     "kit_need rows are for kits (per_new_household); 'water' is not one"),
])  # fmt: skip
def test_each_bad_row_is_one_line_naming_the_file_line_and_field(tmp_path, rows, where, words):
    with pytest.raises(ScenarioError) as caught:
        read_state(write(tmp_path, *rows), water_camp())
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'state.csv'}"[: -len("state.csv")] + where), message
    assert words in message and "\n" not in message


def test_a_balance_row_is_required_only_where_money_buys_the_commodity(tmp_path):
    costed = scenario({"water": {"per_person_day": 15, "initial_stock": 0, "unit_cost_usd": 0.01}}, days=30)
    with pytest.raises(ScenarioError, match=r"state.csv: rows: no row for the balance of water \(0 if none\)"):
        read_state(write(tmp_path, *GOOD[:3]), costed)
    # water that costs nothing is never limited by money: a stock report may leave its balance out (0)
    state = read_state(write(tmp_path, *GOOD[:3]), water_camp())
    assert state.of_kind("balance") == [] and run_forecast(water_camp(), state).arrays.daily["balance"].max() == 0


def test_a_spreadsheet_s_dates_thousands_decimal_commas_and_spare_columns_are_read(tmp_path):
    s = water_camp()
    want = read_state(write(tmp_path, *GOOD, "pipeline,2017-10-13,,water,60000.5,order"), s).rows
    saved = ["Kind,Date,Site,Commodity,Quantity,Note,,", "As_of,2017-10-05 00:00:00,,,,,,",
             "population,2017-10-05T00:00:00,,,1000,people,,", 'Stock,,,water,"150,000",on hand,,',
             "balance,2017-10-05,,water,0,US$ left,,", 'Pipeline,2017-10-13,,water,"60,000.5",Order,,']  # fmt: skip
    (tmp_path / "saved.csv").write_text("\n".join(saved) + "\n")
    # lines, kinds (autocorrect's capitals taken off), dates and quantities as written
    assert read_state(tmp_path / "saved.csv", s).rows == want
    # a decimal-comma locale: ; between cells, a comma before the decimals ("150,000" there would be 150)
    local = [r.replace(",", ";") for r in (HEADER, *GOOD)] + ["pipeline;2017-10-13;;water;60000,5;order"]
    (tmp_path / "local.csv").write_text("\n".join(local) + "\n")
    assert read_state(tmp_path / "local.csv", s).rows == want
    # HXL lets the hashtag row stand for the text header
    tags = "#meta+kind,#date,#loc+name,#item+name,#indicator+quantity+num,#meta+note"
    (tmp_path / "tags.csv").write_text("\n".join([tags, *GOOD, "pipeline,2017-10-13,,water,60000.5,order"]) + "\n")
    assert read_state(tmp_path / "tags.csv", s).rows == want
    # a title row above the header, as a spreadsheet's report has it
    titled = ["Stock report, hand case,,,,", "counted by the camp team on 5 Oct,,,,,", HEADER, *GOOD,
              "pipeline,2017-10-13,,water,60000.5,order"]  # fmt: skip
    (tmp_path / "titled.csv").write_text("\n".join(titled) + "\n")
    assert [(r.kind, r.quantity, r.line - 2) for r in read_state(tmp_path / "titled.csv", s).rows] == [
        (r.kind, r.quantity, r.line) for r in want
    ]
    with pytest.raises(ScenarioError, match=r"saved.csv:2: expected 6 cells"):  # a filled seventh cell is not spare
        (tmp_path / "saved.csv").write_text(HEADER + "\nas_of,2017-10-05,,,,,x\n")
        read_state(tmp_path / "saved.csv", s)


@pytest.mark.parametrize("engine", ["des", "batch"])
def test_a_stock_report_of_the_eve_of_the_start_forecasts_the_whole_horizon_as_a_run(tmp_path, engine):
    # as_of 30 Sep: the forecast starts on the scenario's day 0; with the scenario's own initial values it is the run
    ordering = {"review_every_days": 7, "order_up_to_days": 10, "lead_time_days": 5}
    s = scenario({"water": {"per_person_day": 15, "initial_stock": 150000, "ordering": ordering},
                  "kits": {"per_new_household": 1, "initial_stock": 10, "ordering": ordering}},
                 days=30, population={"initial": 1000, "arrivals": [{"rate": {"2017-10-01": 30}}]})  # fmt: skip
    rows = ("as_of,2017-09-30,,,,", "population,,,,1000,", "stock,,,water,150000,", "stock,,,kits,10,")
    got = run_forecast(s, read_state(write(tmp_path, *rows), s), replications=1, engine=engine)
    run = campsim.simulate(s)
    assert got.start == date(2017, 10, 1) and got.days == 30
    pd.testing.assert_frame_equal(got.result.daily.reset_index(drop=True), run.daily.reset_index(drop=True))


def test_a_bad_header_or_an_empty_file_is_refused(tmp_path):
    s = water_camp()
    (tmp_path / "state.csv").write_text("kind,day,site,commodity,quantity,note\n")
    with pytest.raises(ScenarioError, match=r"state.csv:1: expected the header kind,date,site,commodity"):
        read_state(tmp_path / "state.csv", s)
    (tmp_path / "state.csv").write_text("")
    with pytest.raises(ScenarioError, match=r"state.csv: empty state file"):
        read_state(tmp_path / "state.csv", s)
    with pytest.raises(ScenarioError, match=r"missing.csv: file not found"):
        read_state(tmp_path / "missing.csv", s)


def perishable(**top) -> campsim.Scenario:
    return scenario({"food": {"per_person_day": 1, "initial_stock": 0, "shelf_life_days": 5}}, days=30, **top)


def test_perishable_stock_needs_receipt_dates_within_the_scenario(tmp_path):
    rows = ("as_of,2017-10-05,,,,", "population,2017-10-05,,,1000,", "balance,2017-10-05,,food,0,")
    s = perishable()
    with pytest.raises(ScenarioError, match=r"state.csv:5: stock.date: food keeps 5 days: its stock rows need"):
        read_state(write(tmp_path, *rows, "stock,,,food,5000,"), s)
    with pytest.raises(ScenarioError, match=r"stock.date: received on 2017-10-01, food keeps 5 days: it was thrown "
                                            r"away at the end of 2017-10-05, on or before as_of 2017-10-05"):  # fmt: skip
        read_state(write(tmp_path, *rows, "stock,2017-10-01,,food,5000,"), s)
    # 3,000 received on 2 Oct spoil at the end of 6 Oct (five days: 2-6 Oct); 4,000 of 5 Oct last to 9 Oct
    state = read_state(write(tmp_path, *rows, "stock,2017-10-02,,food,3000,", "stock,2017-10-05,,food,4000,"), s)
    got = run_forecast(s, state, replications=1).arrays.daily
    assert got["spoiled"][0, 0, 0] == 2000  # 6 Oct: 1,000 eaten from the oldest batch first, 2,000 thrown away
    assert got["stock"][:3, 0, 0].tolist() == [4000, 3000, 2000]  # the 5 Oct batch, eaten a day at a time


@pytest.mark.parametrize("engine", ["des", "batch"])
def test_perishable_stock_received_before_the_scenario_starts_spoils_on_its_own_day(tmp_path, engine):
    # a stock report at the end of 2 Oct for a scenario starting 1 Oct, with stock received before it; five days of
    # shelf life: what was received on r is thrown away at the end of r + 4 (28 Sep's already at the end of 2 Oct)
    rows = ("as_of,2017-10-02,,,,", "population,2017-10-02,,,1000,", "balance,2017-10-02,,food,0,")
    s = perishable()
    with pytest.raises(ScenarioError, match=r"received on 2017-09-28, food keeps 5 days"):
        read_state(write(tmp_path, *rows, "stock,2017-09-28,,food,2500,"), s)
    state = read_state(write(tmp_path, *rows, "stock,2017-09-29,,food,2500,", "stock,2017-09-30,,food,3000,",
                             "stock,2017-10-02,,food,4000,"), s)  # fmt: skip
    got = run_forecast(s, state, replications=2, engine=engine).arrays.daily
    # 3 Oct: 1,000 eaten from the 29 Sep batch, its other 1,500 thrown away; 4 Oct: 1,000 from the 30 Sep batch,
    # its other 2,000 thrown away; 5 and 6 Oct: 1,000 a day from the 2 Oct batch, whose last 2,000 go on 6 Oct
    assert got["spoiled"][:4, 0, 0].tolist() == [1500, 2000, 0, 2000]
    assert got["stock"][:4, 0, 0].tolist() == [9500 - 1000 - 1500, 7000 - 1000 - 2000, 3000, 0]
    np.testing.assert_array_equal(got["stock"][:, :, 0], got["stock"][:, :, 1])  # deterministic


def network_rows() -> list[str]:
    """A complete state of tests/data/network_small.yaml at the end of 2017-10-10."""
    rows = ["as_of,2017-10-10,,,,"]
    camps = {"kilo18": ("food", "water", "household_kits"), "htc": ("food", "water", "household_kits"),
             "aaf": ("food", "water", "household_kits")}  # fmt: skip
    for camp, items in camps.items():
        rows.append(f"population,2017-10-10,{camp},,9000,")
        rows += [f"stock,,{camp},{item},1000,on hand" for item in items]
        rows += [f"kit_need,2017-10-{d:02},{camp},household_kits,10," for d in range(4, 11)]
    rows += ["stock,,baghdad-hub,food,50000,", "stock,,baghdad-hub,household_kits,300,"]
    rows += [f"balance,2017-10-10,,{item},1000," for item in ("food", "water", "household_kits")]
    return rows


def test_a_network_state_names_its_sites_routes_and_kit_history(tmp_path):
    s = campsim.load_scenario(ROOT / "tests" / "data" / "network_small.yaml")
    good = network_rows()
    state = read_state(write(tmp_path, *good, "pipeline,2017-10-12,htc,food,700,shipment baghdad-htc"), s)
    got = run_forecast(s, state, replications=1)
    line = s.camps["htc"] and list(got.plan.lines).index("htc/food")
    assert got.arrays.shipped_in[1, line, 0] == 700  # the shipment in transit lands on 12 Oct
    for extra, where, words in [
        ("population,2017-10-10,baghdad-hub,,5,", "state.csv:41: population.site", "'baghdad-hub' is a warehouse"),
        ("stock,,baghdad-hub,water,5,", "state.csv:41: stock.commodity", "unknown commodity 'water' at baghdad-hub"),
        ("pipeline,2017-10-12,htc,food,5,shipment baghdad-aaf", "state.csv:41: pipeline.note", "shipment baghdad-htc"),
        ("kit_need,2017-10-01,htc,household_kits,5,", "state.csv:41: kit_need.date", "of the 7 days to as_of"),
    ]:  # fmt: skip
        with pytest.raises(ScenarioError) as caught:
            read_state(write(tmp_path, *good, extra), s)
        assert where in str(caught.value) and words in str(caught.value), str(caught.value)


def test_kit_need_rows_left_out_read_the_scenario_s_expected_new_households_kits(tmp_path):
    # 60 arrivals a day in households of 6: 10 households, 1 kit each = 10 kits a day expected. Reviews every
    # 7 days: the first forecast review, 8 Oct (day 7, the forecast's third day), reads days 1-7 (2-8 Oct),
    # 2-5 Oct from the state
    ordering = {"review_every_days": 7, "order_up_to_days": 3, "lead_time_days": 2}
    s = scenario({"kits": {"per_new_household": 1, "initial_stock": 0, "ordering": ordering}}, days=20,
                 population={"initial": 1000, "household_size": 6, "arrivals": [{"rate": {"2017-10-01": 60}}]})  # fmt: skip
    base = ("as_of,2017-10-05,,,,", "population,,,,1240,", "stock,,,kits,0,")
    history = [f"kit_need,2017-10-0{d},,kits,{{}}," for d in range(1, 6)]
    left_out = run_forecast(s, read_state(write(tmp_path, *base), s)).arrays.daily
    tens = run_forecast(s, read_state(write(tmp_path, *base, *(h.format(10) for h in history)), s)).arrays.daily
    zeros = run_forecast(s, read_state(write(tmp_path, *base, *(h.format(0) for h in history)), s)).arrays.daily
    for name in left_out:
        np.testing.assert_array_equal(left_out[name], tens[name], err_msg=name)
    # the 8 Oct order: up to 3 days x the 7-day mean, 10 (all 10 a day) or 30 / 7 (2-5 Oct read as 0)
    assert left_out["ordered"][2, 0, 0] - zeros["ordered"][2, 0, 0] == pytest.approx(3 * (10 - 30 / 7))


def test_names_that_look_like_formulas_are_guarded_in_the_file_and_read_back_as_written(tmp_path):
    from campsim.load.state import parse_state
    from campsim.report.statefile import state_csv

    s = water_camp(name="=HYPERLINK(1)")
    state = read_state(write(tmp_path, *GOOD, "stock,,=HYPERLINK(1),water,5,@note"), s)
    text = state_csv(state)
    assert "stock,,'=HYPERLINK(1),water,5.0,'@note" in text.splitlines()  # a spreadsheet shows it as text
    back = parse_state(text, s, "state.csv")
    assert [(r.site, r.note) for r in back.of_kind("stock")][-1] == ("=HYPERLINK(1)", "@note")
