"""Shipped scenarios against their recorded results, and the README's figures against a run.

A failure here means results changed: if that was intended, run
`python tests/update_baselines.py` and update the README table.
"""

from __future__ import annotations

import json
import math

import pytest

import campsim
from tests.conftest import ROOT, SCENARIOS


def assert_same(actual, expected, path="summary"):
    if isinstance(expected, dict):
        assert list(actual) == list(expected), path
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{path}.{i}")
    elif isinstance(expected, float):
        assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {actual} != {expected}"
    else:
        assert actual == expected, path


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_matches_its_baseline(path):
    baseline = json.loads((ROOT / "tests" / "baselines" / f"{path.stem}.json").read_text())
    assert_same(campsim.simulate(campsim.load_scenario(path)).summary, baseline)


def test_readme_table_reports_what_the_shipped_pair_gives():
    readme = (ROOT / "README.md").read_text()
    short = campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")).summary
    full = campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "ramadi-funded.yaml")).summary
    for name in short["commodities"]:
        a, b = short["commodities"][name], full["commodities"][name]
        row = (
            f"| {name} | {a['shortfall_person_days']:,.0f} from {a['first_shortage_date']} "
            f"| {b['shortfall_person_days']:,.0f} from {b['first_shortage_date']} |"
        )
        assert row in readme
