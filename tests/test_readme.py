"""Every example in the README runs: the scenario example validates and simulates, the Python runs."""

from __future__ import annotations

import json
import re

import pytest
import yaml

import campsim
from tests.conftest import ROOT, assert_books_balance

README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_readme_gives_exactly_two_setup_commands_that_ci_runs():
    commands = blocks("bash")
    assert commands == [
        "pip install -e . && campsim run scenarios/ramadi.yaml\n",
        "pip install -e '.[test]' && python -m pytest -q\n",
    ]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m pytest -q" in ci and "campsim run scenarios/ramadi.yaml" in ci


def test_readme_scenario_example_is_valid_and_runs(tmp_path):
    (example,) = blocks("yaml")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "arrivals.csv").write_text("date,arrivals\n2017-10-03,120\n2017-10-04,80\n")
    for shipped in (ROOT / "scenarios" / "data").glob("*.csv"):  # the DTM and FTS files it names
        (tmp_path / "data" / shipped.name).write_bytes(shipped.read_bytes())
    path = tmp_path / "example.yaml"
    path.write_text(example)
    assert isinstance(yaml.safe_load(example), dict)
    result = campsim.simulate(campsim.load_scenario(path))
    assert result.summary["population"]["initial"] == 32886
    assert_books_balance(result)


@pytest.mark.slow  # about 10 s: six charts for write_report, a comparison and a sweep of the six-month scenario
def test_readme_python_example_runs(monkeypatch, tmp_path):
    # in a folder of its own (it writes reports/ramadi-80), with the shipped scenarios beside it
    (code,) = blocks("python")
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    result, many, both, curve = (namespace[k] for k in ("result", "many", "both", "curve"))
    assert result.summary["seed"] == 1
    assert many.summary["replications"] == 20
    assert str(result.daily["date"].dtype).startswith("datetime64")
    # the weekly sums add up to the daily shortfall
    assert namespace["weekly"].sum() == pytest.approx(result.daily["shortfall"].sum())
    assert [ax.get_ylabel().split("\n")[0] for ax in namespace["fig"].axes] == list(result.scenario.commodities)
    assert both.table["scenario"].unique().tolist() == ["62% funded", "fully funded"]
    assert curve.table["commodities.water.funded_fraction"].unique().tolist() == [0.6, 0.8, 1.0]
    written = tmp_path / "reports" / "ramadi-80"
    assert json.loads((written / "summary.json").read_text()) == result.summary
    assert (written / "cover.png").is_file() and (written / "report.html").is_file()


def test_readme_python_example_calls_only_public_names():
    # the quick check of the default run; the example itself runs in the slow test above
    (code,) = blocks("python")
    compile(code, "README.md", "exec")
    called = set(re.findall(r"campsim\.(\w+)", code))
    assert called and called <= set(dir(campsim)), called - set(dir(campsim))
