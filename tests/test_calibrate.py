"""campsim calibrate: the deterministic population path against counts on record, checked by hand."""

from __future__ import annotations

import csv

import pytest

from campsim.cli import main
from tests.conftest import ROOT

DTM = ROOT / "scenarios" / "data" / "anbar-2017-dtm.csv"
RAMADI = ROOT / "scenarios" / "ramadi.yaml"

# 1,000 people, 100 arrivals a day, nobody leaves: P(d) = 1000 + 100 (d + 1) at the end of day d
HAND = """\
name: hand
start: 2017-10-01
days: 10
deterministic: true
population:
  initial: 1000
  household_size: 5
  arrivals:
    - rate: {2017-10-01: 100}
commodities:
  water: {per_person_day: 15}
"""


@pytest.fixture
def hand(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND)
    return path


def calibrate(tmp_path, scenario, observed, *extra):
    out = tmp_path / "out"
    status = main(["calibrate", str(scenario), "--observed", str(observed), "--out", str(out), *extra])
    return status, out


def read_rows(out):
    with open(out / "calibration.csv", newline="") as f:
        return list(csv.DictReader(f))


def errors(out):
    return [float(r["relative_error"]) for r in read_rows(out)]


def test_hand_case_errors(tmp_path, hand, capsys):
    observed = tmp_path / "obs.csv"
    # day 0: P = 1,100 vs 1,000; day 4: 1,500 vs 1,500; day 9: 2,000 vs 2,500
    observed.write_text("date,population\n2017-10-01,1000\n2017-10-05,1500\n2017-10-10,2500\n")
    status, out = calibrate(tmp_path, hand, observed, "--no-charts")
    assert status == 0
    rows = read_rows(out)
    assert [r["date"] for r in rows] == ["2017-10-01", "2017-10-05", "2017-10-10"]
    assert [int(r["day"]) for r in rows] == [0, 4, 9]
    assert [float(r["model"]) for r in rows] == pytest.approx([1100, 1500, 2000], abs=1e-9)
    assert [float(r["difference"]) for r in rows] == pytest.approx([100, 0, -500], abs=1e-9)
    assert errors(out) == pytest.approx([0.1, 0.0, 0.2], abs=1e-12)  # 100/1000, 0, 500/2500
    printed = capsys.readouterr().out
    assert "mean" in printed and "10.00%" in printed and "20.00%" in printed  # mean (0.1 + 0 + 0.2) / 3
    summary = (out / "summary.md").read_text()
    assert "Mean relative error 10.00%" in summary and "2017-10-10" in summary
    assert "| mean | | | 10.00% |" in summary
    assert not (out / "calibration.png").exists()


def test_set_overrides_the_scenario(tmp_path, hand):
    observed = tmp_path / "obs.csv"
    observed.write_text("date,population\n2017-10-02,1250\n")
    # initial 900: P(1) = 900 + 200 = 1,100; |1,100 - 1,250| / 1,250 = 0.12
    status, out = calibrate(tmp_path, hand, observed, "--no-charts", "--set", "population.initial=900")
    assert status == 0
    assert errors(out) == pytest.approx([0.12], abs=1e-12)


def test_households_are_converted_with_household_size(tmp_path, hand):
    observed = tmp_path / "obs.csv"
    # 240 households x 5 = 1,200 people on day 1, where P = 1,200; 500 x 5 = 2,500 on day 9 (P = 2,000)
    observed.write_text("date,households\n#date,#affected+idps+hh\n2017-10-02,240\n2017-10-10,500\n")
    status, out = calibrate(tmp_path, hand, observed, "--no-charts", "--column", "#affected+hh")
    assert status == 0
    assert [float(r["observed"]) for r in read_rows(out)] == [1200, 2500]
    assert errors(out) == pytest.approx([0.0, 0.2], abs=1e-12)
    assert "households x 5 people" in (out / "summary.md").read_text()


def test_column_option_picks_another_column(tmp_path, hand, capsys):
    observed = tmp_path / "obs.csv"
    observed.write_text(
        "date,camp population,registered\n#date+reported,#affected+idps+ind,#affected+idps+registered\n"
        "2017-10-03,1200,1300\n2017-10-08,1800,1800\n"
    )
    # default: the #affected+idps+ind column; P(2) = 1,300, P(7) = 1,800
    assert calibrate(tmp_path, hand, observed, "--no-charts")[0] == 0
    assert errors(tmp_path / "out") == pytest.approx([100 / 1200, 0.0], abs=1e-12)
    status, out = calibrate(tmp_path, hand, observed, "--no-charts", "--force", "--column", "registered")
    assert status == 0
    assert errors(out) == pytest.approx([0.0, 0.0], abs=1e-12)
    assert "'registered'" in capsys.readouterr().out


def test_shipped_dtm_counts_against_ramadi(tmp_path, capsys):
    status, out = calibrate(tmp_path, RAMADI, DTM, "--svg")  # the one run with charts
    assert status == 0
    for name in ("calibration.csv", "summary.md", "calibration.png", "calibration.svg"):
        assert (out / name).stat().st_size > 0, name
    rows = read_rows(out)
    assert [r["date"] for r in rows] == ["2017-10-02", "2017-10-19", "2017-10-26", "2017-11-28"]
    assert [float(r["observed"]) for r in rows] == [32886, 40266, 41904, 46308]
    # the path by hand: 0.1% leave each day (of yesterday's people); 420/day arrive from 3 Oct, 130 from 1 Nov
    people, path = 32886.0, []
    for day in range(59):
        arrivals = 0 if day < 2 else 420 if day < 31 else 130
        people = people - 0.001 * people + arrivals
        path.append(people)
    assert path[1] == pytest.approx(32886 * 0.999**2)  # 2 Oct: no arrivals yet
    assert [float(r["model"]) for r in rows] == pytest.approx([path[1], path[18], path[25], path[58]], rel=1e-12)
    assert errors(out) == pytest.approx([0.001999, 0.022751, 0.002446, 0.000790], abs=1e-6)  # 2 Oct: 1 - 0.999^2
    assert max(errors(out)) < 0.05  # the tuned scenario stays within 5% of every count on record
    printed = capsys.readouterr().out
    assert "#affected+idps+ind" in printed and "0.70%" in printed


def test_default_report_folder(tmp_path, hand, monkeypatch, capsys):
    observed = tmp_path / "obs.csv"
    observed.write_text("date,population\n2017-10-01,1100\n")
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", str(hand), "--observed", str(observed), "--no-charts", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / "reports" / "calibrate-hand" / "calibration.csv").exists()


BAD = {
    "missing_tag": (
        "date,people\n#date+reported,#affected+arrived\n2017-10-02,1200\n",
        1,  # the header line
        "missing column population",
    ),
    "non_numeric": ("date,population\n2017-10-02,1200\n2017-10-03,lots\n", 3, "population: expected a non-negative"),
    "not_a_table": ("root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/sh\n", 1, "not a table"),
    "negative": ("# a comment line\ndate,population\n2017-10-02,-40\n", 3, "expected a non-negative number"),
    "zero": ("date,population\n2017-10-02,0\n", 2, "relative error undefined"),
    "bad_date": ("date,population\n02/10/2017,1200\n", 2, "expected an ISO date"),
    "before_start": (
        "date,population\n2017-09-30,1200\n",
        2,
        "outside the scenario's horizon 2017-10-01 to 2017-10-10",
    ),
    "after_end": ("date,population\n2017-10-02,1200\n2017-10-11,1300\n", 3, "outside the scenario's horizon"),
    "no_rows": ("date,population\n", 1, "no data rows"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_observed_files_exit_2_with_file_and_line(tmp_path, hand, capsys, case):
    text, line, problem = BAD[case]
    observed = tmp_path / f"{case}.csv"
    observed.write_text(text)
    status, out = calibrate(tmp_path, hand, observed, "--no-charts")
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith(f"{observed}:{line}: "), err
    assert problem in err
    assert not out.exists()  # nothing written


def test_column_option_naming_no_column(tmp_path, hand, capsys):
    observed = tmp_path / "obs.csv"
    observed.write_text("date,population\n2017-10-02,1200\n")
    assert calibrate(tmp_path, hand, observed, "--column", "#affected+hh")[0] == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{observed}:1: no column '#affected+hh'"), err


def test_missing_observed_file(tmp_path, hand, capsys):
    assert calibrate(tmp_path, hand, tmp_path / "nope.csv")[0] == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nope.csv'}: file not found"


def test_help_explains_every_option(capsys):
    assert main(["calibrate", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--observed", "--column", "--out", "--set", "--quiet", "--force", "--no-charts"):
        assert option in text, option


def test_default_column_is_the_headcount_not_the_arrivals_and_households_convert(tmp_path, hand):
    observed = tmp_path / "obs.csv"
    # P(1) = 1,200: the arrivals column (10) must not be taken for the camp population
    observed.write_text(
        "date,new arrivals,people in camp\n#date,#affected+arrived+ind,#affected+ind\n2017-10-02,10,1000\n"
    )
    assert calibrate(tmp_path, hand, observed, "--no-charts")[0] == 0
    assert errors(tmp_path / "out") == pytest.approx([0.2], abs=1e-12)  # |1,200 - 1,000| / 1,000
    # a file of households only: found without --column, x household_size 5 (as kind: population reads it)
    observed.write_text("date,families\n#date,#affected+idps+hh\n2017-10-02,200\n")
    assert calibrate(tmp_path, hand, observed, "--no-charts", "--force")[0] == 0
    assert [float(r["observed"]) for r in read_rows(tmp_path / "out")] == [1000]
