"""campsim allocate against issue 13's text: shares within the limits to the last bit, a runnable
allocated.yaml at full funding, what the next US$100,000 saves, the written split at any budget."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import campsim
from campsim.runs.allocate import allocate as run_allocate
from tests.conftest import ROOT
from tests.test_allocate import CAMP, HAND


def write(tmp: Path, name: str, data: dict) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_best_shares_never_pass_max_share_even_by_a_rounding(tmp_path):
    # a cap's USD / requirement used to land an ulp above max-share (0.9000000000000001)
    path = write(tmp_path, "camp", CAMP)
    result = campsim.allocate(path, budget_share=0.9, max_share=0.9, replications=2, step=0.1, jobs=1)
    a = result.allocation
    assert (a["best_share"] <= 0.9).all() and (a["best_share"] >= 0).all()
    shares = result.frontier[[f"best_share_{n}" for n in result.commodities]].to_numpy()
    assert (shares <= 0.9).all()
    assert abs(a["best_usd"].sum() - result.budget_usd) < 0.005
    assert np.allclose(shares @ a["requirement_usd"].to_numpy(), result.frontier["budget_usd"], rtol=0, atol=0.005)


def test_allocated_yaml_at_full_funding_is_a_valid_scenario(tmp_path):
    # every share at 100%: written as 1.0000000000000002 it was rejected ("expected a number <= 1")
    result = campsim.allocate(ROOT / "scenarios" / "ramadi.yaml", budget_share=1.0, replications=2, step=0.01,
                              jobs=1)  # fmt: skip
    assert result.allocation["best_share"].tolist() == [1.0, 1.0, 1.0, 1.0]
    folder = campsim.write_report(result, tmp_path / "report", charts=False)
    again = campsim.load_scenario(folder / "allocated.yaml")
    assert [again.funded_fraction(n) for n in again.commodities] == [1.0, 1.0, 1.0, 1.0]


def test_the_written_split_scaled_to_another_budget_is_its_shares_times_one_factor(tmp_path):
    # Ramadi is written at 62% each: at half the requirement the written split is 50% each, exactly
    # (0.62 x 0.5 / 0.62 was 0.5000000000000001), the same split as the flat one
    result = campsim.allocate(ROOT / "scenarios" / "ramadi.yaml", budget_share=0.5, replications=2, step=0.1,
                              jobs=1)  # fmt: skip
    a = result.allocation
    assert a["written_share"].tolist() == [0.5] * 4 == a["flat_share"].tolist()
    assert a["objective_written"].tolist() == a["objective_flat"].tolist()
    assert result.written_uniform == 0.5


def test_progress_is_told_as_each_chunk_of_allocations_is_simulated(tmp_path):
    # the terminal's bar counts allocations: first the grid (shares 0, 0.25, ..., 1: five), then the rest
    path = write(tmp_path, "camp", CAMP)
    told: list[int] = []
    run_allocate(path, replications=2, step=0.25, jobs=1, progress=told.append)
    assert told[0] == 5 and sum(told) > 5


def test_the_critical_recipe_says_summary_json_means_give_it_only_approximately_over_replications(tmp_path):
    # the objective is the mean of each replication's share x person-days: the product of the means is near it
    path = write(tmp_path, "camp", CAMP)
    for n, approximate in ((1, False), (3, True)):
        result = campsim.allocate(path, objective="critical", replications=n, step=0.25, jobs=1)
        folder = campsim.write_report(result, tmp_path / f"report-{n}", charts=False)
        header = (folder / "allocated.yaml").read_text().splitlines()[2]
        assert "share_person_days_below_critical" in header
        assert ("approximately" in header) is approximate


def test_one_replication_is_said_in_the_singular(tmp_path):
    # a deterministic scenario runs one replication (its expected path): "1 replications" was printed
    from campsim.report.allocate import meta_line

    result = campsim.allocate(write(tmp_path, "hand", HAND), replications=None, step=0.25, jobs=1)
    assert result.replications == 1
    assert " · 1 replication on seed " in meta_line(result)


def test_the_replications_are_drawn_once_for_every_evaluation_and_give_the_same_figures():
    # issue 13: "do not re-draw or re-read anything per point"; each evaluation used to draw them anew
    from campsim.plan.compile import compile
    from campsim.runs import allocate_columns as columns
    from campsim.runs.allocate import Evaluator

    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    plan = compile(s)
    money = columns.budgeted(s, plan)
    run = Evaluator(plan, money, s.seed, 3, np.ones(len(s.commodities)), "person_days", jobs=1)
    first = run([np.full(4, 0.5)])[0]
    drawn = run.drawn
    second = run([np.full(4, 0.7)])[0]
    assert run.drawn is drawn
    fresh = columns.evaluate(plan, money, np.array([[0.5] * 4, [0.7] * 4]), s.seed, 3).person_days
    assert first.tolist() == fresh[0].tolist() and second.tolist() == fresh[1].tolist()


def test_a_terminal_sees_a_counter_of_the_allocations_simulated(tmp_path):
    # like the other commands' bars: a terminal saw nothing for Anbar's ~10 s before the table
    from tests.test_progress import in_pty

    path = write(tmp_path, "camp", CAMP)
    out = in_pty(["allocate", str(path), "-n", "12", "--step", "0.05", "-j", "1", "--no-charts", "--out",
                  str(tmp_path / "r")])  # fmt: skip
    counts = [int(n) for n in re.findall(rb"simulating: (\d+) allocations \[", out)]
    # tqdm redraws at most every 0.1 s: a quick run may show only the start
    assert counts and counts[0] == 0 and b"fewer person-days short" in out


def test_the_headline_names_a_small_share_without_rounding_it_to_0_percent(tmp_path):
    # US$1,000 of Ramadi's US$7,517,054 is 0.0133% each as written: the headline said "instead of 0% each"
    from campsim.report.allocate import headline, percent

    assert [percent(x) for x in (0.62, 0.5, 1.0, 0.446543725754, 0.000133)] == ["62%", "50%", "100%", "44.7%", "0.013%"]
    result = campsim.allocate(ROOT / "scenarios" / "ramadi.yaml", budget=1000, replications=2, step=0.1, jobs=1)
    assert result.written_uniform == pytest.approx(1000 / result.requirement_usd, rel=1e-9)
    assert "0.013% each" in headline(result) and "0% each" not in headline(result)


def test_a_split_written_with_a_commodity_at_0_cannot_be_scaled_to_full_funding_and_the_report_says_so(tmp_path):
    # kits written at 0: no factor on the written shares spends the whole requirement
    data = {
        **CAMP,
        "commodities": {**CAMP["commodities"], "kits": {**CAMP["commodities"]["kits"], "funded_fraction": 0}},
    }
    path = write(tmp_path, "kits0", data)
    result = campsim.allocate(path, budget_share=1.0, replications=2, step=0.25, jobs=1)
    assert result.totals["written"] is None and result.allocation["written_share"].isna().all()
    folder = campsim.write_report(result, tmp_path / "report", charts=False)
    md = (folder / "allocate.md").read_text()
    assert "the written split cannot spend this budget, flat" in md and "written ," not in md
    assert "\n\n\n" not in md  # no empty paragraph where the kept split is the dynamic programme's
    assert "instead of a flat 100% each" in md or "better than a flat 100% each" in md


def test_allocated_yaml_runs_from_the_report_folder_with_its_data_files_copied_beside_it(tmp_path):
    # two data files of one name in two folders: copied as data/table.csv and data/table-2.csv; the report
    # folder then runs as it is, without --data-root (a path out of it was refused without one)
    from campsim.cli import main

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "table.csv").write_text("date,population\n2017-10-01,1000\n2017-10-05,1400\n2017-10-09,1300\n")
    (tmp_path / "b" / "table.csv").write_text("cluster,required_usd,funded_usd\nFood,100,40\nWASH,100,70\n")
    path = tmp_path / "camp.yaml"
    path.write_text(
        "name: data camp\nstart: 2017-10-01\ndays: 20\nseed: 3\n"
        "population: {initial: 1000, household_size: 5, arrivals: [{csv: a/table.csv, kind: population}]}\n"
        "funding: {fts: 'b/table.csv', clusters: {Food: [food], WASH: [water]}}\n"
        "commodities:\n"
        "  food: {per_person_day: 1, unit_cost_usd: 0.5, initial_stock: 5000,\n"
        "         ordering: {order_up_to_days: 10, lead_time_days: 3}}\n"
        "  water: {per_person_day: 15, unit_cost_usd: 0.01, initial_stock: 30000,\n"
        "          ordering: {order_up_to_days: 3, lead_time_days: 1}}\n"
    )
    out = tmp_path / "elsewhere" / "report"
    assert main(["allocate", str(path), "-n", "3", "--step", "0.25", "--out", str(out), "-q", "--no-charts"]) == 0
    text = (out / "allocated.yaml").read_text()
    assert 'csv: "data/table.csv"' in text and 'fts: "data/table-2.csv"' in text and "--data-root" not in text
    assert (out / "data" / "table.csv").read_bytes() == (tmp_path / "a" / "table.csv").read_bytes()
    assert (out / "data" / "table-2.csv").read_bytes() == (tmp_path / "b" / "table.csv").read_bytes()
    assert main(["run", str(out / "allocated.yaml"), "-n", "3", "--seed", "3", "--out", str(tmp_path / "run"), "-q",
                 "--no-charts"]) == 0  # fmt: skip
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    table = pd.read_csv(out / "allocation.csv")
    objective = sum(summary["commodities"][n]["shortfall_person_days"] for n in ("food", "water"))
    assert objective == pytest.approx(table["objective_best"].sum(), rel=1e-9)
