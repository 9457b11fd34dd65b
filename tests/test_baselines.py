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


def engine_summary(summary: dict) -> dict:
    """A summary without ``overrides``: the record of how the scenario was made, which a comparison
    model of the engine (benchmarks/) does not write."""
    return {key: value for key, value in summary.items() if key != "overrides"}


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
        row = f"| {name} | {shortage_words(a)} | {shortage_words(b)} |"
        assert row in readme, row


def shortage_words(c: dict) -> str:
    """How the README's Ramadi tables write a commodity's shortage."""
    if c["first_shortage_date"] is None:
        return f"{c['shortfall_person_days']:,.0f}, no shortage day"
    return f"{c['shortfall_person_days']:,.0f} from {c['first_shortage_date']}"


def test_readme_reports_what_the_fts_scenario_gives():
    readme = (ROOT / "README.md").read_text()
    flat = campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")).summary
    fts = campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "ramadi-fts.yaml")).summary
    for name in fts["commodities"]:
        row = f"| {name} | {shortage_words(flat['commodities'][name])} | {shortage_words(fts['commodities'][name])} |"
        assert row in readme, row
    assert f"US${fts['funding']['received_usd']:,.0f} of US${fts['funding']['requirement_usd']:,.0f}" in readme
