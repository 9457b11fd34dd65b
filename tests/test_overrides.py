"""--set, --vary and the API's overrides: one rule for every way in (issue 15.2, 17.8, 17.9)."""

from __future__ import annotations

import pytest

import campsim
from campsim.cli import main
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
TYPO = "no commodity 'watr' in the scenario; did you mean water?"


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", str(RAMADI), "--set", "commodities.watr.per_person_day=20"],
        ["run", str(RAMADI), "--set", "commodities.watr.per_person_day=20"],
        ["compare", str(RAMADI), "--vary", "commodities.watr.funded_fraction=0.5,1"],
        ["compare", str(RAMADI), str(RAMADI), "--set", "commodities.watr.funded_fraction=1"],
        ["sweep", str(RAMADI), "--vary", "commodities.watr.funded_fraction=0.5:1:0.5"],
        ["solve", str(RAMADI), "--vary", "commodities.watr.funded_fraction", "--target", "water.p_shortage<=0.5"],
        ["calibrate", str(RAMADI), "--observed", "x.csv", "--set", "commodities.watr.funded_fraction=1"],
    ],
    ids=["validate", "run", "compare-vary", "compare-set", "sweep", "solve", "calibrate"],
)
def test_a_misspelt_commodity_is_refused_by_every_command(argv, tmp_path, capsys):
    """A typo in an override used to add a phantom commodity 'watr' with 182 shortage days."""
    out = ["--out", str(tmp_path / "out")] if argv[0] != "validate" else []
    assert main([*argv, *out]) == 2
    assert TYPO in _one_line_error(capsys)
    assert not (tmp_path / "out").exists()


def test_the_api_refuses_a_misspelt_commodity_too():
    with pytest.raises(campsim.ScenarioError, match=TYPO):
        campsim.load_scenario(RAMADI, overrides=["commodities.watr.per_person_day=20"])


def test_no_hint_when_nothing_is_close():
    with pytest.raises(campsim.ScenarioError) as info:
        campsim.load_scenario(RAMADI, overrides=["commodities.fuel.per_person_day=20"])
    message = str(info.value)
    assert "no commodity 'fuel' in the scenario (commodities has: food, water" in message
    assert "did you mean" not in message


# --- numbers as YAML 1.2's core schema reads them (17.8, 17.9) -----------------------------

EXPONENTS = """\
name: exponents
start: 2017-10-01
days: 30
deterministic: {deterministic}
commodities:
  water:
    initial_stock: 1e6
    capacity: 1.0e15
    unit_cost_usd: 2.5E-3
    ordering: {{order_up_to_days: 3, lead_time_days: 2}}
"""


def test_exponents_are_numbers(tmp_path):
    """YAML 1.1 read 1e6 as the text '1e6' ("expected a number, got '1e6'")."""
    path = tmp_path / "s.yaml"
    path.write_text(EXPONENTS.format(deterministic="true"))
    water = campsim.load_scenario(path).commodities["water"]
    assert (water.initial_stock, water.capacity, water.unit_cost_usd) == (1e6, 1e15, 0.0025)


@pytest.mark.parametrize(("word", "flag"), [("yes", True), ("on", True), ("no", False), ("Off", False)])
def test_yes_and_no_still_switch_deterministic(tmp_path, word, flag):
    """YAML 1.2 reads yes/no as text; the one switch in the format keeps accepting them."""
    path = tmp_path / "s.yaml"
    path.write_text(EXPONENTS.format(deterministic=word))
    assert campsim.load_scenario(path).deterministic is flag


def test_yes_and_no_are_text_elsewhere(tmp_path):
    """A camp or commodity called NO (Norway) or on stays a name, not a boolean key."""
    path = tmp_path / "s.yaml"
    path.write_text(EXPONENTS.format(deterministic="false").replace("  water:", "  water:\n    unit: on", 1))
    assert campsim.load_scenario(path).commodities["water"].unit == "on"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1e6", None),
        ("-1e-9", "expected a number >= 0, got -1e-09"),
        ("0x1e", "'0x1e' is a hexadecimal number"),
        ("0o17", "'0o17' is an octal number"),
        ("017", "write 17"),
        ("1_000", "underscores in numbers are refused; write 1000"),
    ],
)
def test_set_reads_numbers_as_a_file_does(value, words):
    key = "commodities.water.initial_stock"
    if words is None:
        assert campsim.load_scenario(RAMADI, [f"{key}={value}"]).commodities["water"].initial_stock == 1e6
        return
    with pytest.raises(campsim.ScenarioError, match=words):
        campsim.load_scenario(RAMADI, [f"{key}={value}"])


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("0:1:1e-9", "1,000,000,000 values; at most 10,000"),
        ("0:1:1.0e-9", "1,000,000,000 values; at most 10,000"),
        ("0:1:0x1", "'0x1' is a hexadecimal number"),
        ("0:1_0:1", "underscores in numbers are refused"),
    ],
)
def test_vary_range_reads_numbers_as_a_file_does(spec, words, tmp_path, capsys):
    """1e-9 used to get 'a range is lo:hi:step with three numbers'."""
    argv = ["compare", str(RAMADI), "--vary", f"funding.funded_fraction={spec}", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert words in _one_line_error(capsys)


def test_vary_list_refuses_a_hex_value(tmp_path, capsys):
    assert main(["compare", str(RAMADI), "--vary", "days=0x1e,30", "--out", str(tmp_path / "o")]) == 2
    assert "'0x1e' is a hexadecimal number" in _one_line_error(capsys)


def test_a_whole_number_with_an_exponent_counts_where_an_integer_is_expected(tmp_path):
    """1e4 is a float in YAML 1.2; where a whole number is expected it is one (2.5 is still refused)."""
    s = campsim.load_scenario(
        RAMADI, ["population.initial=1e4", "days=1.2e2", "commodities.food.ordering.review_every_days=7.0"]
    )
    assert (s.population.initial, s.days, s.commodities["food"].ordering.review_every_days) == (10_000, 120, 7)
    assert isinstance(s.population.initial, int)
    with pytest.raises(campsim.ScenarioError, match="days: expected an integer, got 2.5"):
        campsim.load_scenario(RAMADI, ["days=2.5"])
