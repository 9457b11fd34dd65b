"""Shared helpers: small scenarios built in code, and the books-balance check every run must pass."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

import campsim

ROOT = Path(__file__).resolve().parent.parent
ALL_SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _is_network(path: Path) -> bool:
    import yaml

    return "camps" in (yaml.safe_load(path.read_text()) or {})


SCENARIOS = [p for p in ALL_SCENARIOS if not _is_network(p)]  # single camps
NETWORK_SCENARIOS = [p for p in ALL_SCENARIOS if _is_network(p)]


def draw_one(s: campsim.Scenario, seed: int | None = None, replication: int = 0):
    """One replication's random inputs as 1-D arrays by day (lead times by commodity name)."""
    from benchmarks.inputs import draw_inputs  # the comparison models' view of the same draws

    return draw_inputs(s, seed, replication)


def scenario(commodities: dict[str, Any], **top: Any) -> campsim.Scenario:
    """A deterministic 10-day scenario of 1,000 people unless told otherwise."""
    data: dict[str, Any] = {
        "name": "hand case",
        "start": "2017-10-01",
        "days": 10,
        "deterministic": True,
        "population": {"initial": 1000},
        "commodities": copy.deepcopy(commodities),
    }
    data.update(copy.deepcopy(top))
    return campsim.scenario_from_dict(data)


def daily_of(result: campsim.SimulationResult, name: str, column: str) -> np.ndarray:
    """One commodity's daily column as an array."""
    rows = result.daily[result.daily["commodity"] == name]
    return rows[column].to_numpy()


def assert_books_balance(result: campsim.SimulationResult) -> None:
    """Stock and money balance, bounds, and daily/summary/events consistency."""
    s, daily, events = result.summary, result.daily, result.events
    spec = result.scenario.commodities
    for name, c in s["commodities"].items():
        rows = daily[daily["commodity"] == name]
        inflow = c["initial_stock"] + c["received"]
        outflow = c["distributed"] + c["spoiled"] + c["overflow"] + c["end_stock"]
        assert inflow == pytest.approx(outflow, rel=1e-9, abs=1e-9), name
        assert c["received_usd"] == pytest.approx(c["spent_usd"] + c["balance_usd"], rel=1e-9, abs=1e-9)
        assert ((rows["ration"] >= 0) & (rows["ration"] <= 1 + 1e-12)).all(), name
        assert (rows["stock"] >= 0).all() and (rows["pipeline"] >= -1e-9).all(), name
        assert (rows["balance"] >= -1e-9).all(), name
        if spec[name].capacity is not None:
            assert (rows["stock"] <= spec[name].capacity * (1 + 1e-12)).all(), name
        cum_in = rows["funds_received"].cumsum().to_numpy()
        cum_out = rows["spent"].cumsum().to_numpy()
        assert (cum_out <= cum_in * (1 + 1e-9) + 1e-9).all(), name
        assert rows["distributed"].sum() == pytest.approx(c["distributed"], rel=1e-9, abs=1e-9)
        assert rows["received"].sum() == pytest.approx(c["received"], rel=1e-9, abs=1e-9)
        assert rows["spent"].sum() == pytest.approx(c["spent_usd"], rel=1e-9, abs=1e-9)
        if c["kind"] == "per_person_day":
            assert rows["need"].sum() == pytest.approx(c["need"], rel=1e-9, abs=1e-9)
        mine = events[events["commodity"] == name]
        ordered = mine.loc[mine["kind"] == "order", "quantity"].sum()
        assert ordered == pytest.approx(rows["ordered"].sum(), rel=1e-9, abs=1e-9)
        arrived = mine.loc[mine["kind"].isin(["delivery", "donation"]), "quantity"].sum()
        assert arrived == pytest.approx(c["received"], rel=1e-9, abs=1e-9)
        in_transit = ordered - mine.loc[mine["kind"] == "delivery", "quantity"].sum()
        assert in_transit == pytest.approx(c["end_pipeline"], rel=1e-9, abs=1e-6)
        # stock moves only by receipts, overflow, distribution and spoilage
        stock = rows["stock"].to_numpy()
        before = np.concatenate(([c["initial_stock"]], stock[:-1]))
        moved = (rows["received"] - rows["overflow"] - rows["distributed"] - rows["spoiled"]).to_numpy()
        np.testing.assert_allclose(stock, before + moved, rtol=1e-9, atol=1e-6)
    numbers = daily.select_dtypes("number").drop(columns=["days_of_cover"]).to_numpy()
    assert np.isfinite(numbers).all()


# Hypothesis: a fixed, quick profile by default (pyproject's addopts pick "ci");
# `python -m pytest -m slow --hypothesis-profile=thorough` locally for thousands of examples.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("thorough", max_examples=5000, deadline=None)
