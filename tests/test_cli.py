"""The command line, in-process through main(argv), plus one real subprocess smoke test."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from campsim.cli import main
from tests.conftest import ROOT, SCENARIOS

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
SUMMARY_KEYS = ["scenario", "start", "days", "seed", "replications", "population", "commodities", "funding"]
COMMODITY_KEYS = [
    "need", "distributed", "coverage", "shortfall", "shortfall_person_days", "shortage_days",
    "first_shortage_day", "first_shortage_date", "longest_shortage_days", "min_ration",
    "unmet_cost_usd", "requirement_usd", "received_usd", "spent_usd", "balance_usd",
    "initial_stock", "received", "spoiled", "overflow", "end_stock", "end_pipeline",
]  # fmt: skip
DAILY_COLUMNS = ["day", "date", "commodity", "population", "need", "distributed", "shortfall", "ration",
                 "stock", "pipeline", "received", "ordered", "spent", "balance", "days_of_cover"]  # fmt: skip
EVENT_COLUMNS = ["day", "date", "kind", "commodity", "quantity", "cost_usd", "note"]


@pytest.mark.parametrize(
    "path",
    # the main job's scenario in the default run; the others (about 1 s each) with the slow tests
    [p if p.name == "ramadi.yaml" else pytest.param(p, marks=pytest.mark.slow) for p in SCENARIOS],
    ids=lambda p: p.name,
)
def test_run_writes_a_consistent_report(path, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["run", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in ("summary.json", "summary.md", "daily.csv", "events.csv",
                 "cover.png", "ration.png", "population.png", "funding.png"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary)[:3] == ["scenario", "start", "end"]
    assert all(k in summary for k in SUMMARY_KEYS)
    assert summary["replications"] == 1
    daily = pd.read_csv(out / "daily.csv")
    assert list(daily.columns[: len(DAILY_COLUMNS)]) == DAILY_COLUMNS
    assert len(daily) == summary["days"] * len(summary["commodities"])
    events = pd.read_csv(out / "events.csv")
    assert list(events.columns) == EVENT_COLUMNS
    for name, c in summary["commodities"].items():
        assert all(k in c for k in COMMODITY_KEYS), name
        rows = daily[daily["commodity"] == name]
        assert rows["distributed"].sum() == pytest.approx(c["distributed"], rel=1e-9)
        assert rows["spent"].sum() == pytest.approx(c["spent_usd"], rel=1e-9, abs=1e-9)
        assert (rows["shortfall"] > rows["need"] * 1e-9).sum() == c["shortage_days"]
        assert name in printed
        assert f"| {name} |" in (out / "summary.md").read_text()
    assert summary["funding"]["received_usd"] == pytest.approx(
        sum(c["received_usd"] for c in summary["commodities"].values())
    )
    # rows ordered by day, then commodity in file order
    assert daily["commodity"].head(len(summary["commodities"])).tolist() == list(summary["commodities"])
    assert daily["day"].is_monotonic_increasing


def test_days_of_cover_is_empty_on_days_without_need(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("name: nobody\nstart: 2017-10-01\ndays: 3\ncommodities:\n  water: {initial_stock: 5}\n")
    assert main(["run", str(path), "--out", str(tmp_path / "r"), "--quiet", "--no-charts"]) == 0
    rows = list(csv.DictReader((tmp_path / "r" / "daily.csv").open()))
    assert [r["days_of_cover"] for r in rows] == ["", "", ""]
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["commodities"]["water"]["coverage"] == 1.0
    assert summary["commodities"]["water"]["first_shortage_day"] is None


def test_default_output_folder_is_reports_stem_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(RAMADI), "--quiet", "--no-charts"]) == 0
    assert (tmp_path / "reports" / "ramadi" / "summary.json").exists()


def test_same_seed_gives_byte_identical_outputs_and_seed_option_changes_them(tmp_path):
    for name, extra in (("a", []), ("b", []), ("c", ["--seed", "99"])):
        assert main(["run", str(RAMADI), "--out", str(tmp_path / name), "--quiet", "--no-charts", *extra]) == 0
    for file in ("summary.json", "daily.csv", "events.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    c = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert c["seed"] == 99
    assert (tmp_path / "c" / "daily.csv").read_bytes() != (tmp_path / "a" / "daily.csv").read_bytes()


def test_set_overrides_revalidate_and_change_the_run(tmp_path):
    out = tmp_path / "full"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts",
                 "--set", "funding.funded_fraction=1", "--set", "commodities.food.ordering.lead_time_days=30"]) == 0  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    food = summary["commodities"]["food"]
    assert food["received_usd"] == pytest.approx(food["requirement_usd"])
    events = pd.read_csv(out / "events.csv")
    notes = events.loc[(events["kind"] == "order") & (events["commodity"] == "food"), "note"]
    assert set(notes) == {"lead time 30 days"}


def test_replacing_a_report_leaves_no_stale_files(tmp_path):
    out = tmp_path / "r"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts"]) == 0
    (out / "stale.txt").write_text("old")
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts"]) == 0
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no staging folders left


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("name: x\nstart: 2017-10-01\ndays: 10\ncommodities:\n  water:\n    per_person_dya: 3\n",
         [":6:", "commodities.water.per_person_dya", "unknown key", "did you mean per_person_day"]),
        ("name: x\nstart: 2017-10-01\ndays: 10\ncommodities:\n  water:\n    initial_stock: -5\n",
         [":6:", "commodities.water.initial_stock", ">= 0", "-5"]),
        ("name: x\nstart: 2017-10-01\ncommodities: {water: {}}\n", ["days", "required key missing"]),
        ("name: [unclosed\n", ["not valid YAML"]),
        ("name: x\nstart: 2017-10-01\ndays: 10\ncommodities:\n  water:\n    ordering: {order_up_to_days: 3, lead_time_days: {gamma: 2}}\n",
         ["commodities.water.ordering.lead_time_days.gamma", "unknown key", "triangular"]),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_clear_line_and_writes_nothing(tmp_path, capsys, content, words):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert str(path) in err
    for word in words:
        assert word in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_never_replaces_a_folder_that_is_not_a_report(tmp_path, capsys, monkeypatch):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("years of work")
    assert main(["run", str(RAMADI), "--out", str(precious), "--quiet", "--no-charts"]) == 2
    assert "not a campsim report" in capsys.readouterr().err
    assert (precious / "chapter1.tex").read_text() == "years of work"
    monkeypatch.chdir(precious)
    assert main(["run", str(RAMADI), "--out", ".", "--quiet", "--no-charts"]) == 2
    assert sorted(p.name for p in precious.iterdir()) == ["chapter1.tex"]
    (tmp_path / "file.txt").write_text("x")
    assert main(["run", str(RAMADI), "--out", str(tmp_path / "file.txt"), "--quiet"]) == 2


def test_bad_option_values_exit_2(capsys):
    assert main(["run", str(RAMADI), "--seed", "-1"]) == 2
    assert main(["run", str(RAMADI), "--set", "nonsense"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err
    assert main(["run"]) == 2
    assert main(["frobnicate"]) == 2


def test_missing_scenario_file_is_a_clear_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err


def test_validate_checks_several_files_and_reports_each_problem_on_its_own_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstart: 2017-10-01\ndays: 0\ncommodities:\n  water: {capcity: 3}\n")
    assert main(["validate", *map(str, SCENARIOS)]) == 0
    assert capsys.readouterr().out.count("ok: ") == len(SCENARIOS)
    assert main(["validate", str(RAMADI), str(bad)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 2
    assert any(":3: days:" in line for line in lines)
    assert any(":5: commodities.water.capcity: unknown key; did you mean capacity?" in line for line in lines)
    assert "ok: " in captured.out


SHARED = (
    "--out",
    "--seed",
    "--set",
    "--quiet",
    "--force",
    "--replications",
    "--jobs",
    "--executor",
    "--address",
    "--engine",
)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ([], ("run", "compare", "sweep", "solve", "validate")),
        (["run"], (*SHARED, "--no-charts")),
        (["compare"], (*SHARED, "--no-charts", "--vary")),
        (["sweep"], (*SHARED, "--no-charts", "--vary")),
        (["solve"], (*SHARED, "--vary", "--range", "--tol", "--target")),
        (["validate"], ("--set", "--quiet")),
    ],
)
def test_help_explains_every_option(command, options, capsys):
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Usage: campsim" in text
    for option in options:
        assert option in text, option


def test_internal_errors_exit_1_without_a_traceback(monkeypatch, capsys):
    import campsim.runs.simulate  # noqa: F401

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(campsim.runs.simulate, "simulate", broken)
    assert main(["run", str(RAMADI), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_console_script_and_python_dash_m_run_the_main_job(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "campsim", "run", str(RAMADI), "--out", str(tmp_path / "r")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "food" in done.stdout and (tmp_path / "r" / "summary.json").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "campsim", "validate", str(tmp_path / "missing.yaml")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "file not found" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("argv", "heavy"),
    [
        (["--help"], ("pandas", "matplotlib", "pydantic", "simpy", "scipy")),
        (["validate", "scenarios/ramadi.yaml", "-q"], ("pandas", "matplotlib", "simpy")),
    ],
)
def test_quick_commands_start_without_the_heavy_libraries(argv, heavy):
    # what `campsim --help` and `validate` pay at start-up: the rest waits for the commands that use it
    probe = (
        f"import sys\nfrom campsim.cli import main\nmain({argv!r})\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_error_caused_by_ctrl_c_is_an_interruption_not_an_internal_error(tmp_path, monkeypatch, capsys):
    # Ctrl-C while a class is being built during an import surfaces as RuntimeError from KeyboardInterrupt
    import campsim.runs.simulate  # noqa: F401

    def interrupted_import(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__") from exc

    monkeypatch.setattr(campsim.runs.simulate, "simulate", interrupted_import)
    assert main(["run", str(RAMADI), "--out", str(tmp_path / "r"), "--quiet", "--no-charts"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "internal error" not in err


@pytest.mark.parametrize("argv", [["run", "--seed", "-1"], ["run", "--jobs", "0"], ["run", "-n", "1000001"],
                                  ["run", "--max-memory", "lots"], ["run"], ["frobnicate"]])  # fmt: skip
def test_a_bad_option_value_is_one_line_and_exit_2(argv, capsys):
    """click's own usage error takes four lines; campsim says it in one, naming --help."""
    if argv[0] == "run" and len(argv) > 1:
        argv = [argv[0], str(RAMADI), *argv[1:]]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.endswith("--help)") and "Usage:" not in err


@pytest.mark.parametrize("character", ["\x02", "\x1b", "\x7f", "\x0c", "\ufffe"])
def test_a_control_character_in_a_scenario_file_is_bad_input_not_an_internal_error(tmp_path, capsys, character):
    path = tmp_path / "ctl.yaml"
    path.write_text(f'start: 2017-10-01\nname: "a{character}b"\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:2: character U+{ord(character):04X} is not allowed") and len(err.splitlines()) == 1


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_a_progress_bar_shows_in_a_pseudo_terminal_of_unknown_size(tmp_path):
    """A pty that reports 0 x 0 (as `script` and many CI consoles make) used to make tqdm draw nothing."""
    from tests.test_progress import in_pty  # a new pty, without COLUMNS and LINES: it reports 0 x 0

    out = in_pty(["run", str(RAMADI), "-n", "400", "-j", "1", "--no-charts", "--out", str(tmp_path / "r")])
    assert b"replications:" in out and b"%|" in out


def test_a_compare_measures_each_scenario_against_the_first(tmp_path):
    """Reports issue: the change in person-days short, and the cost per person-day averted =
    (funding received - the first's) / (the first's person-days short - this one's); empty when none is averted."""
    out = tmp_path / "c"
    assert main(["compare", str(RAMADI), str(ROOT / "scenarios" / "ramadi-funded.yaml"), "--out", str(out), "-q",
                 "--no-charts"]) == 0  # fmt: skip
    table = pd.read_csv(out / "compare.csv")
    assert list(table.columns[-2:]) == ["shortfall_person_days_vs_first", "usd_per_person_day_averted"]
    first, second = (table[table["scenario"] == s].set_index("commodity") for s in table["scenario"].unique())
    assert (first["shortfall_person_days_vs_first"] == 0).all() and first["usd_per_person_day_averted"].isna().all()
    for name, row in second.iterrows():
        base = first.loc[name]
        change = row["shortfall_person_days"] - base["shortfall_person_days"]
        assert row["shortfall_person_days_vs_first"] == pytest.approx(change, rel=1e-12, abs=1e-9)
        if change < 0:
            cost = (row["received_usd"] - base["received_usd"]) / -change
            assert row["usd_per_person_day_averted"] == pytest.approx(cost, rel=1e-12)
            assert f"| {name} | {change:,.0f} (US${cost:,.2f} each) |" in (out / "compare.md").read_text()
        else:
            assert pd.isna(row["usd_per_person_day_averted"])
    assert second.loc["food", "usd_per_person_day_averted"] > 0  # full funding averts food shortage at a cost
