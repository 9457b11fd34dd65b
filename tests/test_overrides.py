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
