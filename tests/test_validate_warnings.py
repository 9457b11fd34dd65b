"""`campsim validate` warns about what will surely go wrong; --strict makes that exit 2 (issue 15.12)."""

from __future__ import annotations

import pytest

import campsim
from campsim.cli import main
from campsim.load.advice import load_with_warnings
from tests.conftest import ROOT

WATER = """\
name: new camp
start: 2017-10-01
days: 60
deterministic: true
population: {{initial: 10000}}
funding: {{funded_fraction: {funded}}}
commodities:
  water:
    unit: litre
    unit_cost_usd: 0.01
    initial_stock: {stock}
    ordering: {{review_every_days: {review}, order_up_to_days: {target}, lead_time_days: {lead}}}
  {extra}
disruptions: [{disruptions}]
"""
GOOD = {"funded": 1, "stock": 600000, "review": 1, "target": 10, "lead": 3, "extra": "", "disruptions": ""}


def _write(tmp_path, **fields):
    path = tmp_path / "camp.yaml"
    path.write_text(WATER.format(**(GOOD | fields)))
    return path


def _warnings(tmp_path, **fields) -> list[str]:
    return load_with_warnings(_write(tmp_path, **fields))[1]


def test_a_sound_scenario_has_no_warnings(tmp_path):
    assert _warnings(tmp_path) == []


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"stock": 300000}, ":11: commodities.water.initial_stock:",
         "covers 2.0 days of the day-0 need (150,000 a day), less than the shortest lead time of 3 days"),
        ({"target": 2.5}, ":12: commodities.water.ordering.order_up_to_days:",
         "2.5 days cannot last from one delivery to the next: with a review every 1 days and a lead time of at "
         "least 3, the target must be at least 3 days"),
        ({"target": 8, "review": 7}, ":12: commodities.water.ordering.order_up_to_days:", "at least 9 days"),
        ({"disruptions": "{start: 2017-10-20, days: 12, commodities: [water]}"}, ":14: disruptions.0.days:",
         "12 days without deliveries of water, longer than the 10.0 days of stock it can hold"),
        ({"disruptions": "{start: 2017-10-20, end: 2017-10-31}"}, ":14: disruptions.0.end:",
         "12 days without deliveries of water"),
        ({"funded": 0}, ":6: funding.funded_fraction:", "water is funded at 0: no order can be paid"),
        ({"extra": "soap: {per_person_day: 0.5}"}, ":13: commodities.soap:", "no unit: the report counts soap"),
    ],
    ids=["stock-below-lead-time", "target-below-review-plus-lead", "weekly-review", "disruption-longer-than-cover",
         "disruption-end-longer-than-cover", "funded-at-zero", "no-unit"],
)  # fmt: skip
def test_each_warning_names_file_line_and_field(tmp_path, fields, where, words):
    (warning,) = _warnings(tmp_path, **fields)
    assert warning.startswith(f"warning: {tmp_path / 'camp.yaml'}{where}")
    assert words in warning


@pytest.mark.parametrize(
    "fields",
    [
        {"stock": 300000},
        {"target": 2.5},
        {"target": 8, "review": 7},
        {"disruptions": "{start: 2017-10-20, days: 12}"},
        {"funded": 0},
    ],
    ids=["stock", "target", "weekly-target", "disruption", "funding"],
)
def test_what_is_warned_about_does_go_wrong(tmp_path, fields):
    """Each warning is true: the deterministic run of the warned scenario goes short of water; the sound one does not."""
    sound = campsim.simulate(campsim.load_scenario(_write(tmp_path))).summary["commodities"]["water"]
    assert sound["shortage_days"] == 0
    warned = campsim.simulate(campsim.load_scenario(_write(tmp_path, **fields))).summary["commodities"]["water"]
    assert warned["shortage_days"] > 0


def test_validate_exits_0_with_warnings_and_2_with_strict(tmp_path, capsys):
    path = str(_write(tmp_path, stock=300000))
    assert main(["validate", path]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: ") and err.startswith("warning: ") and len(err.splitlines()) == 1
    assert main(["validate", "--strict", path]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("warning: ")
    assert main(["validate", "--strict", str(_write(tmp_path))]) == 0


def test_set_can_cause_a_warning(tmp_path, capsys):
    assert main(["validate", "--strict", str(_write(tmp_path)), "--set", "funding.funded_fraction=0"]) == 2
    assert "(--set funding.funded_fraction=0): funding.funded_fraction: water is funded at 0" in capsys.readouterr().err


def test_shipped_scenarios_have_no_warnings():
    shipped = [
        *sorted((ROOT / "scenarios").glob("*.yaml")),
        *sorted((ROOT / "benchmarks" / "scenarios").glob("*.yaml")),
    ]
    assert {path.name: load_with_warnings(path)[1] for path in shipped} == {path.name: [] for path in shipped}


def test_network_camp_and_warehouse_lines_are_checked():
    """The test network's food hub holds 16.7 days against a 30-day lead; its water disruption outlasts kilo18's cover."""
    warnings = load_with_warnings(ROOT / "tests" / "data" / "network_small.yaml")[1]
    text = "\n".join(warnings)
    assert "warehouses.baghdad-hub.commodities.food.initial_stock: covers 16.7 days" in text
    assert "warehouses.baghdad-hub.commodities.food.ordering.order_up_to_days: 30 days cannot last" in text
    assert "disruptions.1.days: 5 days without deliveries of water at " in text
