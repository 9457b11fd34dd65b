"""Sweeps (grids of variants with replications) and the solver (least funding that works)."""

from __future__ import annotations

import csv
import json

import pytest

from campsim.cli import main
from campsim.model.errors import ScenarioError
from campsim.runs.compare import grid, parse_vary
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"

# 1,000 people eat 1 ration a day at US$1; one day on hand; daily orders, one-day lead time.
# Requirement = 100 days x 1,000 = US$100,000. Orders on days 0..98 feed days 1..99: the
# least funded fraction with no shortage is 99,000 / 100,000 = 0.99.
STEADY = """\
name: steady camp
start: 2017-10-01
days: 100
deterministic: true
population: {initial: 1000}
commodities:
  food:
    per_person_day: 1
    unit_cost_usd: 1
    initial_stock: 1000
    ordering: {review_every_days: 1, order_up_to_days: 1, lead_time_days: 1}
"""


@pytest.mark.parametrize(
    ("option", "key", "values"),
    [
        ("funding.funded_fraction=0.3:1.0:0.35", "funding.funded_fraction", ["0.3", "0.65", "1.0"]),
        ("funding.funded_fraction=0.3:1.0:0.05", "funding.funded_fraction", None),
        ("days=10:30:10", "days", ["10", "20", "30"]),
        (
            "commodities.water.ordering.lead_time_days=1,2,5",
            "commodities.water.ordering.lead_time_days",
            ["1", "2", "5"],
        ),
        ("seed=7", "seed", ["7"]),
    ],
)
def test_vary_parses_ranges_with_hi_included_and_lists(option, key, values):
    parsed_key, parsed = parse_vary(option)
    assert parsed_key == key
    if values is None:
        assert len(parsed) == 15 and parsed[0] == "0.3" and parsed[-1] == "1.0"
    else:
        assert parsed == values


@pytest.mark.parametrize(
    ("option", "words"),
    [("nokey", "KEY=a,b,c"), ("a=1:2", "three numbers"), ("a=2:1:0.5", "hi >= lo"), ("a=0:1:0", "step > 0"),
     ("a=1,,2", "empty value"), ("a=x:y:z", "three numbers")],
)  # fmt: skip
def test_bad_vary_syntax_is_a_clear_error(option, words):
    with pytest.raises(ScenarioError, match=words):
        parse_vary(option)


def test_several_vary_make_the_full_grid():
    points = grid(
        str(RAMADI), (), ("funding.funded_fraction=0.5,1.0", "commodities.water.capacity=3000000:4000000:500000")
    )
    assert [p[0] for p in points] == [
        {"funding.funded_fraction": f, "commodities.water.capacity": c}
        for f in (0.5, 1.0) for c in (3_000_000, 3_500_000, 4_000_000)
    ]  # fmt: skip
    assert points[4][2].commodities["water"].capacity == 3_500_000


def test_sweep_writes_the_curve_and_one_row_per_point_and_commodity(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", str(RAMADI), "--vary", "funding.funded_fraction=0.4:1.0:0.3", "-n", "8", "-j", "1",
                 "--out", str(out), "--svg"]) == 0  # fmt: skip
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert len(rows) == 3 * 4
    assert {"funding.funded_fraction", "commodity", "shortfall_person_days", "shortfall_person_days_p10",
            "shortfall_person_days_p50", "shortfall_person_days_p90", "p_shortage"} <= set(rows[0])  # fmt: skip
    water = {float(r["funding.funded_fraction"]): float(r["shortfall_person_days"]) for r in rows
             if r["commodity"] == "water"}  # fmt: skip
    assert water[0.4] > water[0.7] > water[1.0]  # more funding, less shortage, on common random numbers
    assert (out / "sweep.png").stat().st_size > 0 and (out / "sweep.svg").stat().st_size > 0
    assert 'id="chart-sweep"' in (out / "report.html").read_text()
    assert "funding.funded_fraction" in capsys.readouterr().out


def test_sweep_warns_when_a_commodity_shadows_the_varied_fraction(tmp_path, capsys):
    assert main(["sweep", str(RAMADI), "--vary", "funding.funded_fraction=0.5,1", "--set",
                 "commodities.water.funded_fraction=0.3", "-n", "2", "-j", "1", "--out", str(tmp_path / "s"),
                 "--quiet", "--no-charts"]) == 0  # fmt: skip
    assert "does not move water" in capsys.readouterr().err


def test_bad_sweep_input_exits_2_and_writes_nothing(tmp_path, capsys):
    assert (
        main(["sweep", str(RAMADI), "--vary", "funding.funded_fraction=0.5:2:0.5", "--out", str(tmp_path / "s")]) == 2
    )
    assert "funding.funded_fraction" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_solver_finds_the_hand_computed_least_funding(tmp_path, capsys):
    path = tmp_path / "steady.yaml"
    path.write_text(STEADY)
    out = tmp_path / "solve"
    status = main(["solve", str(path), "--vary", "funding.funded_fraction", "--target", "food.shortage_days<=0",
                   "--tol", "0.0001", "-n", "1", "-j", "1", "--out", str(out)])  # fmt: skip
    assert status == 0
    message = capsys.readouterr().out
    rows = list(csv.DictReader((out / "solve.csv").open()))
    met = [float(r["funding.funded_fraction"]) for r in rows if r["meets_targets"] == "True"]
    unmet = [float(r["funding.funded_fraction"]) for r in rows if r["meets_targets"] == "False"]
    answer = min(met)
    assert 0.99 <= answer <= 0.99 + 0.0001
    assert max(unmet) < 0.99
    # US$ on top of the scenario as written (fully funded by default): (answer - 1) x 100,000
    assert f"US${(answer - 1) * 100_000:,.0f}" in message


def test_solver_says_so_when_no_value_meets_the_targets(tmp_path, capsys):
    path = tmp_path / "steady.yaml"
    path.write_text(STEADY)
    status = main(["solve", str(path), "--vary", "funding.funded_fraction", "--range", "0:0.5",
                   "--target", "food.shortage_days<=0", "-n", "1", "-j", "1", "--out", str(tmp_path / "s")])  # fmt: skip
    assert status == 3
    assert "no value of funding.funded_fraction in [0, 0.5] meets food.shortage_days<=0" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("target", "words"),
    [("water<=1", "expected COMMODITY.METRIC"), ("fuel.p_shortage<=0.1", "unknown commodity"),
     ("food.happiness<=1", "unknown metric"), ("food.p_shortage.p90<=0.1", "already a probability"),
     ("food.mean_wait_days<=1", "applies to per_new_household (kit) items only")],
)  # fmt: skip
def test_bad_targets_exit_2(tmp_path, capsys, target, words):
    path = tmp_path / "steady.yaml"
    path.write_text(STEADY)
    assert main(["solve", str(path), "--vary", "funding.funded_fraction", "--target", target, "-n", "1",
                 "--out", str(tmp_path / "s")]) == 2  # fmt: skip
    assert words in capsys.readouterr().err


def test_solver_targets_can_use_quantiles_and_commodity_knobs(tmp_path, capsys):
    path = tmp_path / "steady.yaml"
    path.write_text(STEADY)
    assert main(["solve", str(path), "--vary", "commodities.food.funded_fraction", "--target",
                 "food.shortfall_person_days.p90<=2000", "--tol", "0.001", "-n", "3", "-j", "1",
                 "--out", str(tmp_path / "s")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "least commodities.food.funded_fraction" in out
    summary_rows = list(csv.DictReader((tmp_path / "s" / "solve.csv").open()))
    assert all(json.loads(r["meets_targets"].lower()) in (True, False) for r in summary_rows)


def test_a_solve_of_the_same_scenario_puts_its_figure_in_the_run_headline(tmp_path, monkeypatch, capsys):
    path = tmp_path / "steady.yaml"
    path.write_text(STEADY.replace("name: steady camp", "name: steady camp\nfunding: {funded_fraction: 0.5}"))
    monkeypatch.chdir(tmp_path)
    assert main(["solve", str(path), "--vary", "funding.funded_fraction", "--target", "food.shortage_days<=0",
                 "--tol", "0.001", "-n", "1", "-j", "1", "--quiet"]) == 0  # fmt: skip
    record = json.loads((tmp_path / "reports" / "solve-steady" / "solve.json").read_text())
    assert 0.99 <= record["value"] <= 0.991
    assert record["cost_usd"] == pytest.approx((record["value"] - 0.5) * 100_000)
    assert main(["run", str(path), "--quiet", "--no-charts"]) == 0
    summary = json.loads((tmp_path / "reports" / "steady" / "summary.json").read_text())
    assert summary["solve"]["value"] == record["value"]
    money = f"US${record['cost_usd']:,.0f} more than this scenario"
    assert money in (tmp_path / "reports" / "steady" / "summary.md").read_text()
    assert money in (tmp_path / "reports" / "steady" / "report.html").read_text()
    # a different scenario (here: an override) does not borrow that figure
    assert main(["run", str(path), "--set", "days=90", "--quiet", "--no-charts", "--out", "other"]) == 0
    assert "solve" not in json.loads((tmp_path / "other" / "summary.json").read_text())


def test_a_sweep_over_words_draws_them_as_categories(tmp_path):
    out = tmp_path / "words"
    assert main(["sweep", str(RAMADI), "--vary", "funding.disbursement=upfront,monthly", "-n", "2", "-j", "1",
                 "--out", str(out), "--quiet"]) == 0  # fmt: skip
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert [r["funding.disbursement"] for r in rows[::4]] == ["upfront", "monthly"]
    assert "at the funding disbursement = upfront to" in (out / "report.html").read_text()
    assert (out / "sweep.png").stat().st_size > 0
