"""State out, state in: a run's state written at the end of a day restarts the run where it stood.

Round trip, deterministic: for every shipped scenario (the networks included) and several
dates D, the state written at the end of D, read back from its CSV text and forecast to the
horizon, gives the run's daily rows after D, and the forecast's totals added to the run's
totals up to D give the run's totals.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

import campsim
from campsim.load.state import parse_state, read_state
from campsim.plan.compile import compile
from campsim.plan.state import truncate
from campsim.report.statefile import state_csv
from campsim.results.state import window
from campsim.results.summary import summarize
from campsim.runs.forecast import capture_state, run_forecast
from campsim.runs.simulate import simulate
from tests.conftest import ALL_SCENARIOS, scenario

DATES = (20, 75, 140)  # mid-horizon days of the shipped six-month scenarios
TOLERANCE = {"rtol": 1e-12, "atol": 1e-9}  # sums of the pipeline re-added from its rows differ in the last bit
# summary figures that add up over days, and those that are the end-of-horizon value
ADDITIVE = ("need", "distributed", "shortfall", "shortfall_person_days", "shortage_days", "ration_cut_days",
            "pipeline_break_days", "received", "spoiled", "overflow", "spent_usd",
            "unmet_cost_usd", "kits_delivered")  # fmt: skip
AT_END = ("end_stock", "end_pipeline", "balance_usd")
MAX_REVIEW_DAYS = 14  # the longest review period of the shipped scenarios


def deterministic(path) -> campsim.Scenario:
    return campsim.load_scenario(path, ["deterministic=true"])


def restarted(s: campsim.Scenario, day: int, replications: int = 1, **kwargs):
    """The state at the end of ``day`` through its CSV text and back, then the forecast from it."""
    state = capture_state(s, s.start + timedelta(days=day))
    back = parse_state(state_csv(state), s, "state.csv")
    return run_forecast(s, back, replications=replications, **kwargs)


def assert_frames_agree(later: pd.DataFrame, forecast: pd.DataFrame) -> None:
    """Rows of a run's table after D against a forecast's: same days, dates and text; numbers to rounding."""
    later = later.reset_index(drop=True)
    assert list(forecast.columns) == list(later.columns)
    assert len(forecast) == len(later)
    for column in later.columns:
        a, b = later[column], forecast[column]
        if a.dtype.kind in "fi" and b.dtype.kind in "fi":
            np.testing.assert_allclose(b.to_numpy(float), a.to_numpy(float), **TOLERANCE, err_msg=column)
        else:
            assert b.tolist() == a.tolist(), column


def assert_totals_add_up(run, upto, forecast, path="commodities") -> None:
    """Each commodity's additive figures: the run's = its days up to D + the forecast's; end figures equal."""
    for name, whole in run.items():
        kits = whole["kind"] != "per_person_day"  # a kit line's shortfall is the backlog still owed at the end
        for key in ADDITIVE:
            if whole.get(key) is None or (kits and key in ("shortfall", "unmet_cost_usd")):
                continue
            parts = upto[name][key] + forecast[name][key]
            assert math.isclose(parts, whole[key], rel_tol=1e-9, abs_tol=1e-6), f"{path}.{name}.{key}"
        # a break stocked by a money-cut review before D is the run's, not the forecast's: the state does not
        # say how the last review went (docs/semantics.md), so those days (at most a review period) drop out
        parts = upto[name]["funds_exhausted_days"] + forecast[name]["funds_exhausted_days"]
        assert parts <= whole["funds_exhausted_days"] <= parts + MAX_REVIEW_DAYS, f"{path}.{name}"
        for key in AT_END + (("shortfall", "unmet_cost_usd") if kits else ()):
            if key in whole:
                assert math.isclose(forecast[name][key], whole[key], rel_tol=1e-9, abs_tol=1e-6), f"{name}.{key}"


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=lambda p: p.stem)
def test_a_state_written_mid_run_reproduces_the_rest_of_the_run(path, day):
    assert_round_trip(path, day)


@pytest.mark.parametrize("path, day", [
    (ALL_SCENARIOS[-1], 0), (ALL_SCENARIOS[-1], 180),  # ramadi.yaml: its first day, and its last but one
    (ALL_SCENARIOS[0], 51),  # anbar-bridge.yaml, inside its 3-day bridge closure (days 50-52)
])  # fmt: skip
def test_a_state_at_the_edges_of_the_horizon_or_inside_a_disruption_restarts_too(path, day):
    assert_round_trip(path, day)


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=lambda p: p.stem)
def test_a_stochastic_run_s_state_continues_its_replication_draw_for_draw(path, day):
    # as shipped (random arrivals, departures, lead times): the forecast's replication 0 draws what the run's
    # replication 0 draws after D, departures included (the run's path up to D is replayed to reach its stream)
    assert_round_trip(path, day, stochastic=True)


def assert_round_trip(path, day: int, stochastic: bool = False) -> None:
    s = campsim.load_scenario(path) if stochastic else deterministic(path)
    assert s.deterministic is not stochastic
    run = simulate(s)
    got = restarted(s, day)
    result = got.result
    assert got.as_of_day == day and got.start == s.start + timedelta(days=day + 1)
    assert result.summary["start"] == (s.start + timedelta(days=day + 1)).isoformat()
    after = run.daily["day"] > day
    assert_frames_agree(run.daily[after], result.daily)  # replication 0 through the SimPy engine
    for name, values in run.raw.daily.items():  # and through the batch engine
        np.testing.assert_allclose(got.arrays.daily[name], values[day + 1 :], **TOLERANCE, err_msg=name)
    plan = compile(s)
    upto = window(run.raw, 0, day + 1)
    if s.is_network:
        from campsim.results.network import summarize_network

        assert_frames_agree(run.warehouses[run.warehouses["day"] > day], result.warehouses)
        before = summarize_network(truncate(plan, day + 1), upto, s.seed)[0]
        assert_totals_add_up(run.summary["commodities"], before["commodities"], result.summary["commodities"])
        for camp, totals in run.summary["camps"].items():
            assert_totals_add_up(totals["commodities"], before["camps"][camp]["commodities"],
                                 result.summary["camps"][camp]["commodities"], f"camps.{camp}")  # fmt: skip
        # shipments in transit and warehouse stock came through the state
        assert any(r.note.startswith("shipment ") for r in got.state.of_kind("pipeline")) or day == 140
        assert {r.site for r in got.state.of_kind("stock")} >= set(s.warehouses)
    else:
        before = summarize(truncate(plan, day + 1), upto, s.seed)[0]
        assert_totals_add_up(run.summary["commodities"], before["commodities"], result.summary["commodities"])
    people = run.summary["population"]
    assert result.summary["population"]["final"] == people["final"]
    assert before["population"]["arrivals"] + result.summary["population"]["arrivals"] == pytest.approx(
        people["arrivals"], rel=1e-12
    )


@pytest.mark.parametrize("path", [ALL_SCENARIOS[-1], ALL_SCENARIOS[1]], ids=lambda p: p.stem)  # ramadi, anbar
def test_the_run_command_writes_a_state_the_forecast_restarts_from(tmp_path, path):
    from campsim.cli import main

    out = tmp_path / "run"
    args = ["run", str(path), "--set", "deterministic=true", "--out", str(out), "--no-charts", "-q"]
    assert main([*args, "--write-state", "2017-11-15"]) == 0
    s = deterministic(path)
    for name in ("state.csv", "state.hxl.csv"):
        state = read_state(out / name, s)
        assert str(state.as_of) == "2017-11-15" and state.rows[0].kind == "as_of"
        got = run_forecast(s, state, replications=1).result
        daily = pd.read_csv(out / "daily.csv")
        assert_frames_agree(daily[daily["date"] > "2017-11-15"], got.daily.astype({"date": str}))
    lines = (out / "state.hxl.csv").read_text().splitlines()
    assert lines[0] == "kind,date,site,commodity,quantity,note"
    assert lines[1] == "#meta+kind,#date,#loc+name,#item+name,#indicator+quantity+num,#meta+note"
    assert lines[2] == "as_of,2017-11-15,,,0.0,end of day"


def test_a_date_outside_the_horizon_writes_nothing(tmp_path, capsys):
    from campsim.cli import main

    out = tmp_path / "run"
    status = main(["run", str(ALL_SCENARIOS[-1]), "--out", str(out), "--write-state", "2018-03-31", "-q"])
    assert status == 2 and not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["--write-state: 2018-03-31 is outside 2017-10-01 to 2018-03-30, the days whose end a forecast "
                   "can start from (the scenario's days but its last)"]  # fmt: skip


def perishable_camp(**top) -> campsim.Scenario:
    """Spoilage by receipt day, capacity, closures, donations (one held at a closed gate), kits with a backlog."""
    return scenario(
        {
            "food": {
                "per_person_day": 1,
                "unit_cost_usd": 0.5,
                "initial_stock": 9000,
                "capacity": 12000,
                "shelf_life_days": 6,
                "ordering": {"review_every_days": 1, "order_up_to_days": 9, "lead_time_days": {"uniform": [1, 5]}},
                "rationing": [{"below_days_of_cover": 4, "ration": 0.7}, {"below_days_of_cover": 2, "ration": 0.4}],
                "donations": [{"day": 12, "quantity": 5000}, {"day": 12, "quantity": 2500}],
            },
            "kits": {
                "per_new_household": 2,
                "unit_cost_usd": 300,
                "initial_stock": 5,
                "ordering": {
                    "review_every_days": 3,
                    "order_up_to_days": 10,
                    "lead_time_days": {"triangular": [1, 3, 9]},
                },
            },
        },  # fmt: skip
        days=60,
        seed=7,
        population={"initial": 1000, "departures_per_day": 0.01, "arrivals": [{"rate": {"2017-10-01": 40}}]},
        funding={"funded_fraction": 0.7, "disbursement": "monthly"},
        disruptions=[{"start": 10, "days": 4}, {"start": 12, "days": 5, "commodities": ["food"]}],
        **top,
    )


@pytest.mark.parametrize("day", [3, 11, 13, 15, 30])
def test_perishable_stock_donations_at_a_closed_gate_and_a_kit_backlog_come_back(day):
    s = perishable_camp()
    run = simulate(s)
    got = restarted(s, day)
    assert_frames_agree(run.daily[run.daily["day"] > day], got.result.daily)
    stock = [r for r in got.state.of_kind("stock") if r.commodity == "food"]
    assert all(r.date is not None or r.quantity == 0 for r in stock)  # perishable: each batch with its receipt date
    owed = [r.quantity for r in got.state.of_kind("population") if r.commodity == "kits"]
    assert owed[0] > 0 if day in (3, 30) else owed == [0.0]  # households owed a kit (2 kits each)
    if day in (13, 15):  # the day-12 donations wait at the closed gate until day 17: in the pipeline
        gifts = [r for r in got.state.of_kind("pipeline") if r.note == "donation"]
        assert [(r.date, r.quantity) for r in gifts] == [(s.start + timedelta(days=17), 5000.0),
                                                         (s.start + timedelta(days=17), 2500.0)]  # fmt: skip


def test_docs_list_every_state_column_with_its_hashtag_and_libhxl_reads_the_file(tmp_path):
    from campsim.model.state import STATE_COLUMNS, STATE_HASHTAGS
    from campsim.report.statefile import write_state_files
    from tests.conftest import ROOT
    from tests.test_hxl_out import libhxl_report

    doc = (ROOT / "docs" / "hxl.md").read_text()
    for column, tag in zip(STATE_COLUMNS, STATE_HASHTAGS, strict=True):
        assert f"| `{column}` | `{tag}` |" in doc
    s = campsim.load_scenario(ALL_SCENARIOS[-1])  # ramadi.yaml, as the page shows it
    write_state_files(capture_state(s, s.start + timedelta(days=40)), tmp_path)
    lines = (tmp_path / "state.hxl.csv").read_text().splitlines()
    assert "\n".join(lines[:3]) in doc
    built_in, _, people = libhxl_report(tmp_path / "state.hxl.csv")
    assert built_in["stats"]["error"] == 0, built_in["issues"][:3]
    assert not any(people.values())  # the quantity column is not counted as people
