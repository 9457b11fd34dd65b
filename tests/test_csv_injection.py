"""Names from an untrusted scenario never become live spreadsheet formulas in a CSV (issue 17.3)."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from campsim.cli import main
from campsim.report.csvsafe import safe_frame, safe_text
from tests.conftest import ROOT

EVIL = '=HYPERLINK("http://evil","x")'
STARTS = ("=", "+", "-", "@", "\t", "\r")


def cells(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [cell for row in csv.reader(f) for cell in row]


def formulas(folder):
    """Cells of every CSV in folder that a spreadsheet would run (numbers are not formulas)."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        for cell in cells(path):
            if cell.startswith(STARTS):
                try:
                    float(cell)
                except ValueError:
                    found.append((path.name, cell))
    return found


def test_safe_text_quotes_formulas_and_leaves_numbers():
    assert safe_text(EVIL) == "'" + EVIL
    for text in ["+1 day", "-x", "@SUM(A1)", "\tcmd", "\rcmd", "=1+1"]:
        assert safe_text(text) == "'" + text
    for kept in ["-3", "+1.5e3", "-0.25", "water", "", "a=b", 3, -2.5, None]:
        assert safe_text(kept) == kept
    frame = pd.DataFrame({"name": ["water", "-x"], "value": [-1.5, 2.0], "-col": [1, 2]})
    safe = safe_frame(frame)
    assert list(safe["name"]) == ["water", "'-x"] and list(safe["value"]) == [-1.5, 2.0]
    assert list(safe.columns) == ["name", "value", "'-col"]
    assert list(frame["name"]) == ["water", "-x"]  # the caller's frame is not changed


@pytest.fixture
def evil_ramadi(tmp_path):
    text = (ROOT / "scenarios" / "ramadi.yaml").read_text()
    text = text.replace("\n  hygiene:\n", '\n  \'=HYPERLINK("http://evil","x")\':\n', 1)
    text = re.sub(r"(?m)^name: .*$", "name: '@SUM(1) Ramadi'", text, count=1)
    path = tmp_path / "evil.yaml"
    path.write_text(text)
    (tmp_path / "data").symlink_to(ROOT / "scenarios" / "data")
    return path


def test_every_csv_of_a_replicated_run_and_a_comparison_is_formula_free(evil_ramadi, tmp_path):
    run = tmp_path / "run"
    assert main(["run", str(evil_ramadi), "--out", str(run), "-q", "--no-charts", "-n", "3", "-j", "1"]) == 0
    names = {p.name for p in run.glob("*.csv")}
    assert {"daily.csv", "daily.hxl.csv", "events.csv", "daily_quantiles.csv", "p_shortage_by_date.csv"} <= names
    assert formulas(run) == []
    daily = pd.read_csv(run / "daily.csv")
    assert "'" + EVIL in set(daily["commodity"])
    assert (pd.read_csv(run / "daily.csv")["shortfall"] >= 0).all()  # numbers stay numbers
    summary = json.loads((run / "summary.json").read_text())
    assert EVIL in summary["commodities"]  # the JSON keeps names as given
    assert summary["scenario"] == "@SUM(1) Ramadi"

    compared = tmp_path / "compare"
    argv = ["compare", str(evil_ramadi), "--vary", "funding.funded_fraction=0.5,1", "--out", str(compared)]
    assert main([*argv, "-q", "--no-charts"]) == 0
    assert formulas(compared) == []
    assert "'" + EVIL in set(pd.read_csv(compared / "compare.csv")["commodity"])


def test_network_csvs_are_formula_free(tmp_path):
    text = (ROOT / "tests" / "data" / "network_small.yaml").read_text()
    text = text.replace("baghdad-hub", "+hub").replace("kilo18", "-kilo18")
    path = tmp_path / "net.yaml"
    path.write_text(text)
    out = tmp_path / "net"
    assert main(["run", str(path), "--out", str(out), "-q", "--no-charts"]) == 0
    assert (out / "warehouses.csv").exists()
    assert formulas(out) == []
    assert "'+hub" in set(pd.read_csv(out / "warehouses.csv")["warehouse"])
    assert "'-kilo18" in set(pd.read_csv(out / "daily.csv")["camp"])
