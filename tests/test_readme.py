"""Every example in the README runs: the scenario example validates and simulates, the Python runs."""

from __future__ import annotations

import re

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


def test_readme_python_example_runs(monkeypatch):
    (code,) = blocks("python")
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["result"].summary["seed"] == 1
    assert namespace["many"].summary["replications"] == 20
