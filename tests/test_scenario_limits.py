"""Limits that keep every derived quantity finite and every date drawable (issue 17.5, 17.6)."""

from __future__ import annotations

import json
import warnings

import pytest

import campsim
from campsim.cli import main

LIMITS = """\
name: {name}
start: {start}
days: {days}
population:
  initial: 1000
  household_size: {household_size}
  arrivals: [{{rate: {{{start}: {arrivals}}}}}]
commodities:
  kits:
    per_new_household: {quantity}
    unit_cost_usd: {quantity}
    kg_per_unit: {quantity}
    initial_stock: 1000
    ordering: {{order_up_to_days: {quantity}, lead_time_days: 2, max_order: {quantity}}}
  water:
    per_person_day: {quantity}
    unit_cost_usd: {quantity}
    initial_stock: 1000
    ordering: {{order_up_to_days: 3, lead_time_days: 2}}
"""


def _write(tmp_path, **fields):
    values = {"name": "limits", "start": "2017-10-01", "days": 30, "household_size": 6, "arrivals": 100,
              "quantity": 1, **fields}  # fmt: skip
    path = tmp_path / "limits.yaml"
    path.write_text(LIMITS.format(**values))
    return path


def _strict_json(text: str) -> dict:
    def refuse(constant: str) -> float:
        raise ValueError(f"{constant} in summary.json")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("household_size", ["1e-310", "1e-290", "0.5", "30.5"])
def test_household_size_outside_1_to_30_exits_2(tmp_path, capsys, household_size):
    """1e-310 made kit needs infinite: 'internal error: Out of range float values are not JSON compliant'."""
    path = _write(tmp_path, household_size=household_size, quantity="1e15")
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-charts"]) == 2
    err = capsys.readouterr().err
    assert "population.household_size: expected a number" in err and len(err.strip().splitlines()) == 1


def test_the_largest_allowed_quantities_give_a_finite_summary(tmp_path):
    """household_size 1, a billion arrivals a day and every quantity and price at its 1e15 limit."""
    path = _write(tmp_path, household_size=1, arrivals=1_000_000_000, quantity="1e15")
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-charts", "-q"]) == 0
    summary = _strict_json((tmp_path / "out" / "summary.json").read_text())
    assert 1e39 < summary["commodities"]["kits"]["unmet_cost_usd"] < 1e42  # kits x price, all finite


def test_the_last_day_may_be_the_last_date_of_the_range(tmp_path):
    """start + days - 1 = 2199-12-31 is allowed (an off-by-one refused 9999-12-01 + 31 days)."""
    s = campsim.load_scenario(_write(tmp_path, start="2199-12-01", days=31))
    assert (s.start.isoformat(), s.days) == ("2199-12-01", 31)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("start", "days"),
    [("2199-12-01", 31), ("1900-01-01", 31)],
    ids=["last-day-2199-12-31", "first-day-1900-01-01"],
)
def test_a_scenario_at_either_end_of_the_date_range_runs_and_draws(tmp_path, start, days):
    """The last day may equal the limit (start + days - 1 = 2199-12-31: an off-by-one refused it)."""
    path = _write(tmp_path, start=start, days=days)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas and matplotlib warned about far dates
        assert main(["run", str(path), "--out", str(tmp_path / "out"), "-q", "--jobs", "1"]) == 0
    assert (tmp_path / "out" / "report.html").exists()
    assert (tmp_path / "out" / "daily.csv").read_text().splitlines()[-1].split(",")[1] in {"2199-12-31", "1900-01-31"}


def test_one_day_past_the_range_is_refused(tmp_path):
    with pytest.raises(campsim.ScenarioError, match="the last day 2200-01-01"):
        campsim.load_scenario(_write(tmp_path, start="2199-12-01", days=32))


def test_a_scenario_file_of_a_hundred_thousand_dates_is_refused_before_the_full_parse(tmp_path, capsys):
    """The node count comes from libyaml's event stream, so the slow line-keeping parse never starts."""
    rate = [f"        {1900 + i // 336}-{(i // 28) % 12 + 1:02d}-{i % 28 + 1:02d}: {i}" for i in range(100_000)]
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(["name: x", "start: 2017-10-01", "days: 10", "population:", "  initial: 5",
                               "  arrivals:", "    - rate:", *rate]) + "\n")  # fmt: skip
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("more than 200,000 YAML nodes: a scenario file holds settings; long series belong in a "
                        "data file (csv:)") and len(err.splitlines()) == 1  # fmt: skip
