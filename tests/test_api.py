"""The Python API: discoverable names, dates as dates, and compare/sweep/write_report/plot giving
what the CLI gives for the same inputs (real runs, real files, real matplotlib figures)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

import campsim
from campsim.cli import main
from tests.conftest import ROOT
from tests.test_network_report import tiny

PUBLIC = {"simulate", "run_replications", "load_scenario", "scenario_from_dict", "Scenario", "SimulationResult",
          "ReplicatedResult", "NetworkResult", "ScenarioError", "compare", "sweep", "write_report", "plot",
          "CompareResult", "SweepResult", "allocate", "AllocateResult", "forecast",
          "ForecastResult"}  # fmt: skip
CAMP = """\
name: small camp (60% funded)
start: 2017-10-01
days: 40
seed: 7
population: {initial: 2000, arrivals: [{rate: {2017-10-05: 60, 2017-10-15: 0}}]}
funding: {funded_fraction: 0.6}
commodities:
  food: {per_person_day: 1, unit_cost_usd: 0.5, initial_stock: 8000,
         ordering: {order_up_to_days: 12, lead_time_days: 4}}
  water: {per_person_day: 15, unit_cost_usd: 0.01, initial_stock: 90000,
          ordering: {order_up_to_days: 4, lead_time_days: 1}}
  hygiene: {per_person_day: 0.1, unit_cost_usd: 1, initial_stock: 600,
            ordering: {order_up_to_days: 20, lead_time_days: 10}}
"""
FOOTER = re.compile(r"Written by campsim \S+ on [0-9-]+ [0-9:]+")  # the page's clock time, the one difference


@pytest.fixture
def camp(tmp_path) -> Path:
    path = tmp_path / "camp.yaml"
    path.write_text(CAMP)
    (tmp_path / "funded.yaml").write_text(CAMP.replace("60% funded", "fully funded").replace("0.6}", "1.0}"))
    return path


def assert_same_folder(ours: Path, cli: Path) -> None:
    """The same files, byte for byte (report.html up to the clock time it was written)."""
    names = sorted(p.name for p in ours.iterdir())
    assert names == sorted(p.name for p in cli.iterdir())
    for name in names:
        a, b = (ours / name).read_bytes(), (cli / name).read_bytes()
        if name == "report.html":
            a, b = FOOTER.sub("", a.decode()), FOOTER.sub("", b.decode())
        assert a == b, name


def test_dir_lists_the_public_names_and_no_helpers():
    names = set(dir(campsim))
    assert PUBLIC <= names
    assert not names & {"Any", "TYPE_CHECKING", "importlib", "typing", "annotations"}
    assert all(getattr(campsim, name) is not None for name in PUBLIC)
    assert set(campsim.__all__) == PUBLIC


def test_import_campsim_and_its_dir_stay_light():
    # `campsim --help` must stay fast: neither importing campsim nor listing it loads pandas or SimPy
    code = "import sys, campsim; dir(campsim); print(sorted(m for m in ('pandas', 'simpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_tables_give_dates_as_datetime64_and_files_keep_iso_dates(camp, tmp_path):
    s = campsim.load_scenario(camp)
    result = campsim.simulate(s)
    assert result.daily["date"].dtype == "datetime64[s]"
    assert result.events["date"].dtype == "datetime64[s]"
    assert result.daily["date"].iloc[0] == pd.Timestamp("2017-10-01")
    assert result.daily["date"].iloc[-1] == pd.Timestamp("2017-11-09")  # day 39
    # the date is the start plus the day number, on every row
    offsets = (result.daily["date"] - pd.Timestamp("2017-10-01")).dt.days.to_numpy()
    assert np.array_equal(offsets, result.daily["day"].to_numpy())
    offsets = (result.events["date"] - pd.Timestamp("2017-10-01")).dt.days.to_numpy()
    assert np.array_equal(offsets, result.events["day"].to_numpy())
    many = campsim.run_replications(s, 3, jobs=1)
    assert many.daily_quantiles["date"].dtype == "datetime64[s]"
    assert many.p_shortage_by_date["date"].dtype == "datetime64[s]"
    folder = campsim.write_report(many, tmp_path / "rep", charts=False)
    for name in ("daily.csv", "events.csv", "daily_quantiles.csv", "p_shortage_by_date.csv"):
        lines = (folder / name).read_text().splitlines()
        assert lines[1].split(",")[1] == "2017-10-01", name  # ISO dates, as always
    assert (folder / "daily.hxl.csv").read_text().splitlines()[2].split(",")[1] == "2017-10-01"


def test_a_network_result_gives_dates_as_datetime64(tmp_path):
    result = campsim.simulate(campsim.scenario_from_dict(tiny()))
    for frame in (result.daily, result.events, result.warehouses):
        assert frame["date"].dtype == "datetime64[s]"
    many = campsim.run_replications(campsim.scenario_from_dict({**tiny(), "deterministic": False}), 3, jobs=1)
    assert many.daily_quantiles["date"].dtype == many.p_shortage_by_date["date"].dtype == "datetime64[s]"


def test_write_report_writes_what_campsim_run_writes(camp, tmp_path):
    assert main(["run", str(camp), "--out", str(tmp_path / "cli"), "-q", "--no-charts"]) == 0
    ours = campsim.write_report(campsim.simulate(campsim.load_scenario(camp)), tmp_path / "api", charts=False)
    assert_same_folder(ours, tmp_path / "cli")
    # replications, and a camp network
    assert main(["run", str(camp), "--out", str(tmp_path / "cli-n"), "-q", "--no-charts", "-n", "4", "-j", "1"]) == 0
    many = campsim.run_replications(campsim.load_scenario(camp), 4, jobs=1)
    assert_same_folder(campsim.write_report(many, tmp_path / "api-n", charts=False), tmp_path / "cli-n")
    network = tmp_path / "tiny.yaml"
    network.write_text(yaml.safe_dump(tiny(), sort_keys=False))
    assert main(["run", str(network), "--out", str(tmp_path / "cli-net"), "-q", "--no-charts"]) == 0
    net = campsim.write_report(campsim.simulate(campsim.load_scenario(network)), tmp_path / "api-net", charts=False)
    assert_same_folder(net, tmp_path / "cli-net")


@pytest.mark.slow
def test_write_report_with_charts_writes_the_same_charts_as_the_cli(camp, tmp_path):
    assert main(["run", str(camp), "--out", str(tmp_path / "cli"), "-q", "-j", "1"]) == 0
    ours = campsim.write_report(campsim.simulate(campsim.load_scenario(camp)), tmp_path / "api")
    assert (ours / "cover.png").is_file()
    assert_same_folder(ours, tmp_path / "cli")


def test_compare_gives_the_table_and_folder_of_campsim_compare(camp, tmp_path):
    funded = camp.parent / "funded.yaml"
    argv = ["compare", str(camp), str(funded), "-q", "--no-charts"]
    assert main([*argv, "--out", str(tmp_path / "cli")]) == 0
    got = campsim.compare([camp, funded])
    assert [label for label, _ in got.runs] == ["60% funded", "fully funded"]
    assert_same_folder(campsim.write_report(got, tmp_path / "api", charts=False), tmp_path / "cli")
    table = pd.read_csv(tmp_path / "cli" / "compare.csv", keep_default_na=False, na_values=[""])
    assert list(got.table.columns) == list(table.columns)
    assert got.table["shortfall_person_days"].tolist() == pytest.approx(table["shortfall_person_days"].tolist())
    # Scenario objects compare as their files do
    objects = campsim.compare([campsim.load_scenario(camp), campsim.load_scenario(funded)])
    pd.testing.assert_frame_equal(objects.table, got.table)
    # variants with replications, as --vary ... -n 3
    vary = ["--vary", "funding.funded_fraction=0.4,0.8", "-n", "3", "-j", "1"]
    assert main(["compare", str(camp), *vary, "-q", "--no-charts", "--out", str(tmp_path / "cli-v")]) == 0
    varied = campsim.compare(camp, vary={"funding.funded_fraction": [0.4, 0.8]}, replications=3, jobs=1)
    assert [label for label, _ in varied.runs] == ["funding.funded_fraction=0.4", "funding.funded_fraction=0.8"]
    assert_same_folder(campsim.write_report(varied, tmp_path / "api-v", charts=False), tmp_path / "cli-v")


def test_sweep_gives_the_table_and_folder_of_campsim_sweep(camp, tmp_path):
    argv = ["sweep", str(camp), "--vary", "funding.funded_fraction=0.4:1:0.3", "-n", "3", "-j", "1", "-q"]
    assert main([*argv, "--no-charts", "--out", str(tmp_path / "cli")]) == 0
    got = campsim.sweep(camp, vary={"funding.funded_fraction": "0.4:1:0.3"}, replications=3, jobs=1)
    assert got.table["funding.funded_fraction"].unique().tolist() == [0.4, 0.7, 1.0]
    assert_same_folder(campsim.write_report(got, tmp_path / "api", charts=False), tmp_path / "cli")
    # a list of values, and a Scenario loaded from the file, run the same grid
    listed = campsim.sweep(campsim.load_scenario(camp), vary={"funding.funded_fraction": [0.4, 0.7, 1.0]},
                           replications=3, jobs=1)  # fmt: skip
    pd.testing.assert_frame_equal(listed.table, got.table)
    # more money, less shortage: the sweep's own arithmetic, end to end
    food = got.table[got.table["commodity"] == "food"]["shortfall_person_days"].to_numpy()
    assert food[0] > food[-1]


def test_plot_draws_one_panel_per_commodity(camp):
    result = campsim.simulate(campsim.load_scenario(camp))
    fig = result.plot()
    assert isinstance(fig, Figure)
    assert [ax.get_ylabel() for ax in fig.axes] == ["food\ndays of cover", "water\ndays of cover",
                                                    "hygiene\ndays of cover"]  # fmt: skip
    # one line per commodity: its days of cover, day by day
    water = result.daily[result.daily["commodity"] == "water"]["days_of_cover"].to_numpy()
    assert np.allclose(fig.axes[1].get_lines()[0].get_ydata(), water)
    assert isinstance(result.plot("funding"), Figure)
    assert campsim.plot(result).axes[0].get_ylabel() == "food\ndays of cover"
    many = campsim.run_replications(campsim.load_scenario(camp), 3, jobs=1)
    assert isinstance(many.plot("fan"), Figure)
    with pytest.raises(campsim.ScenarioError, match="no chart 'map'; this result has cover, ration"):
        result.plot("map")
    with pytest.raises(campsim.ScenarioError, match="fan"):
        result.plot("fan")  # one run has no replications to fan out


def test_plot_of_a_network_a_comparison_and_a_sweep(camp):
    network = campsim.simulate(campsim.scenario_from_dict(tiny()))
    fig = network.plot()
    assert fig.get_suptitle().startswith("Days of cover per camp")  # one panel per camp and commodity
    assert [ax.get_title() for ax in fig.axes[:2]] == ["food", "water"]
    assert [ax.get_ylabel() for ax in fig.axes[::2]] == ["north\ndays of cover", "south\ndays of cover"]
    assert isinstance(network.plot("network_map"), Figure)
    both = campsim.compare([camp, camp.parent / "funded.yaml"])
    overlaid = both.plot()
    assert len(overlaid.axes) == 3
    assert [len(ax.get_lines()) >= 2 for ax in overlaid.axes] == [True] * 3  # both scenarios on each panel
    swept = campsim.sweep(camp, vary={"funding.funded_fraction": [0.5, 1.0]}, replications=2, jobs=1)
    fig = swept.plot()
    assert fig.axes[0].get_ylabel().startswith("shortfall (person-days)")
    assert fig.axes[1].get_ylabel() == "P(any shortage day)"


def test_bad_calls_raise_scenario_errors_and_never_exit(camp, tmp_path):
    with pytest.raises(campsim.ScenarioError, match="two or more"):
        campsim.compare([camp])
    with pytest.raises(campsim.ScenarioError, match="sweep needs vary"):
        campsim.sweep(camp, vary={})
    with pytest.raises(campsim.ScenarioError, match="unknown key|no "):
        campsim.sweep(camp, vary={"funding.funded_fractoin": [0.5]}, replications=2, jobs=1)
    changed = campsim.load_scenario(camp).model_copy(update={"days": 20})
    with pytest.raises(campsim.ScenarioError, match="needs the file it was loaded from, unchanged"):
        campsim.sweep(changed, vary={"funding.funded_fraction": [0.5]})
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = campsim.simulate(campsim.load_scenario(camp))
    with pytest.raises(campsim.ScenarioError, match="not a campsim report"):
        campsim.write_report(result, tmp_path / "mine", charts=False)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    from campsim.runs.simulate import simulate as bare  # below the API: no charts attached

    with pytest.raises(campsim.ScenarioError, match=r"campsim.plot\(result\)"):
        bare(campsim.load_scenario(camp)).plot()
