"""campsim allocate: the best split of a fixed budget, checked by hand, against a greedy, against
independent runs, through allocated.yaml, and its bad input (issue 13)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import campsim
from campsim.cli import main
from campsim.plan.compile import compile
from campsim.report.allocate import headline
from campsim.results.allocate import ALLOCATION_COLUMNS
from campsim.runs import allocate_columns as columns
from campsim.runs.allocate_split import UNITS, best_points, grid_shares, unit_costs
from tests.conftest import ROOT

# A constant camp of 100 people for 10 days, two items of the same need (1 a person a day), no stock,
# ordered daily up to one day's need, landing the next day; all money up front. Each item's
# requirement is what can land within the horizon (orders of days 0-8: 900 units), so a share f buys
# 900 f units and leaves 1000 - 900 f person-days short, whatever the item: cheap costs US$1 a unit
# (900 at full funding), dear US$4 (3,600). A dollar saves 1 person-day of cheap, 1/4 of dear.
HAND = {
    "name": "two items, one cheap", "start": "2017-10-01", "days": 10, "deterministic": True,
    "population": {"initial": 100},
    "funding": {"funded_fraction": 0.5, "disbursement": "upfront"},
    "commodities": {
        name: {"per_person_day": 1, "unit_cost_usd": cost, "initial_stock": 0, "requirement_usd": 900 * cost,
               "funded_fraction": share,
               "ordering": {"review_every_days": 1, "order_up_to_days": 1, "lead_time_days": 1}}
        for name, cost, share in (("cheap", 1, 0.3), ("dear", 4, 0.55))
    },
}  # fmt: skip


def write(tmp: Path, name: str, data: dict) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> tuple[Path, campsim.AllocateResult]:
    tmp = tmp_path_factory.mktemp("hand")
    path = write(tmp, "hand", HAND)
    return path, campsim.allocate(path, replications=2, jobs=1)


def test_the_best_split_funds_the_cheaper_person_day_first_to_its_cap(hand):
    _, result = hand
    a = result.allocation.set_index("commodity")
    # the budget is what the written split delivers: 0.3 x 900 + 0.55 x 3,600 = US$2,250
    assert result.budget_usd == pytest.approx(2250, abs=1e-9)
    # cheap to its cap (US$900, 900 units), the other US$1,350 to dear: 337.5 units
    assert a.loc["cheap", "best_share"] == pytest.approx(1.0, abs=1e-12)
    assert a.loc["dear", "best_usd"] == pytest.approx(1350, abs=1e-9)
    assert a.loc["dear", "best_share"] == pytest.approx(1350 / 3600, abs=1e-12)
    assert a["best_usd"].sum() == pytest.approx(2250, abs=0.005)
    # best: 1000 - 900 = 100 short of cheap, 1000 - 337.5 = 662.5 of dear
    assert a.loc["cheap", "objective_best"] == pytest.approx(100, abs=1e-9)
    assert a.loc["dear", "objective_best"] == pytest.approx(662.5, abs=1e-9)
    # flat: 50% each: 450 units of cheap, 1,800 / 4 = 450 of dear: 550 short each
    assert a["flat_share"].tolist() == [0.5, 0.5]
    assert result.totals["flat"] == pytest.approx(550 + 550, abs=1e-9)
    # as written: 0.3 x 900 = 270 units (730 short), 0.55 x 3,600 / 4 = 495 (505 short)
    assert a.loc["cheap", "objective_written"] == pytest.approx(730, abs=1e-9)
    assert a.loc["dear", "objective_written"] == pytest.approx(505, abs=1e-9)
    assert result.totals["best"] == pytest.approx(762.5, abs=1e-9)
    assert result.kept == "best" and result.method == "grid and dynamic programme"
    # the next US$100,000: cheap is at its cap; dear can take only US$2,250 of it (to its cap), which lands
    # 562.5 more units: 562.5 person-days saved (not scaled up to 25,000, more than are short)
    assert np.isnan(a.loc["cheap", "marginal_person_days_per_100k"])
    assert a.loc["dear", "marginal_person_days_per_100k"] == pytest.approx(562.5, rel=1e-12)
    # a flat split doing as well: 2 x (1000 - 900 f) = 762.5 at f = 1237.5 / 1800 = 0.6875 -> US$3,093.75
    assert result.flat_equivalent_usd == pytest.approx(0.6875 * 4500, rel=1e-9)


def greedy_points(curves: np.ndarray, costs: np.ndarray, units: int = UNITS) -> list[int]:
    """Marginal allocation: repeatedly take the step up the grid with the best saving per unit that fits."""
    points = [0] * curves.shape[1]
    spent = int(costs[0].sum())
    while True:
        rates = [((curves[g, c] - curves[g + 1, c]) / max(costs[g + 1, c] - costs[g, c], 1), c)
                 for c, g in enumerate(points)
                 if g + 1 < len(curves) and spent + costs[g + 1, c] - costs[g, c] <= units]  # fmt: skip
        rate, c = max(rates, default=(0.0, None))
        if c is None or rate <= 0:
            return points
        spent += int(costs[points[c] + 1, c] - costs[points[c], c])
        points[c] += 1


def test_the_dynamic_programme_beats_a_greedy_marginal_allocation_on_a_curve_that_is_not_convex():
    # shares 0, 0.5, 1 of two items requiring US$100 each; a budget of US$100 (1000 units: 500 a step)
    grid, req = np.array([0.0, 0.5, 1.0]), np.array([100.0, 100.0])
    costs = unit_costs(grid, req, 100.0)
    assert costs.tolist() == [[0, 0], [500, 500], [1000, 1000]]
    # "kits" saves nothing until fully funded (not convex); "water" saves 40, then 30 more
    curves = np.array([[100.0, 100.0], [100.0, 60.0], [0.0, 30.0]])
    greedy = greedy_points(curves, costs)
    exact = best_points(curves, costs)
    # greedy takes water's 40 first (kits' first step saves 0), then water's 30: 100 + 30 = 130
    assert greedy == [0, 2] and curves[0, 0] + curves[2, 1] == 130
    # the dynamic programme funds kits in full: 0 + 100 = 100
    assert exact == [2, 0] and curves[2, 0] + curves[0, 1] == 100


# A simulated curve that is not convex: "hoarded" is ordered once, on day 0, and handed out only while
# it covers 20 days or more (ration 0 below 20 days), so money buying less than 20 days saves nothing.
# 100 people, 40 days; hoarded costs US$1 (requirement US$4,000), steady US$4 as HAND's items
# (requirement 39 landable days x 100 x US$4 = US$15,600). The budget: US$4,000.
HOARD = {
    "name": "a step curve", "start": "2017-10-01", "days": 40, "deterministic": True,
    "population": {"initial": 100},
    "funding": {"funded_fraction": 0.5, "disbursement": "upfront"},
    "commodities": {
        "hoarded": {"per_person_day": 1, "unit_cost_usd": 1, "initial_stock": 0, "requirement_usd": 4000,
                    "rationing": [{"below_days_of_cover": 20, "ration": 0}],
                    "ordering": {"review_every_days": 100, "order_up_to_days": 40, "lead_time_days": 1}},
        "steady": {"per_person_day": 1, "unit_cost_usd": 4, "initial_stock": 0, "requirement_usd": 15600,
                   "ordering": {"review_every_days": 1, "order_up_to_days": 1, "lead_time_days": 1}},
    },
}  # fmt: skip


def test_on_a_simulated_step_curve_the_dynamic_programme_beats_the_greedy(tmp_path):
    path = write(tmp_path, "hoard", HOARD)
    result = campsim.allocate(path, budget=4000, step=0.05, jobs=1)
    assert result.replications == 1  # deterministic: every replication is the expected path
    a = result.allocation.set_index("commodity")
    # all on hoarded: 4,000 rations land on day 1 and are handed out while they cover >= 20 days: days 1-21;
    # days 0 and 22-39 short: 19 x 100 = 1,900; steady gets nothing: 40 x 100 = 4,000
    assert a["best_usd"].tolist() == pytest.approx([4000, 0], abs=1e-9)
    assert a["objective_best"].tolist() == pytest.approx([1900, 4000], abs=1e-9)
    # the greedy, on the same simulated curves, climbs steady first (hoarded's first steps save nothing):
    # five steps of 5% = US$3,900 buy 975 rations of steady (3,025 short), and hoarded stays at 0 (4,000)
    s = campsim.load_scenario(path)
    plan = compile(s)
    money = columns.budgeted(s, plan)
    grid = grid_shares(0, 1, 0.05)
    curves = columns.evaluate(plan, money, grid[:, None] * np.ones(2), s.seed, 1).person_days
    assert curves[9, 0] == 4000 and curves[10, 0] == 4000 - 100 and curves[20, 0] == 1900  # the step
    greedy = greedy_points(curves, unit_costs(grid, money.requirement_usd, 4000.0))
    assert greedy == [0, 5]
    own = columns.evaluate(plan, money, grid[greedy][None, :], s.seed, 1).person_days[0]
    assert own.tolist() == pytest.approx([4000, 3025], abs=1e-9)
    assert result.totals["best"] == pytest.approx(5900, abs=1e-9) and own.sum() == pytest.approx(7025, abs=1e-9)


def test_every_grid_cost_is_rounded_up_so_no_split_exceeds_the_budget():
    # 0.37 x 3,600 / 2,250 x 1000 = 592 units exactly; 0.01 x 1,000 / 3,000 x 1000 = 3.33 -> 4
    assert unit_costs(np.array([0.37]), np.array([3600.0]), 2250.0).tolist() == [[592]]
    assert unit_costs(np.array([0.01]), np.array([1000.0]), 3000.0).tolist() == [[4]]


# A small stochastic camp: random arrivals and lead times, three per-person items and kits.
CAMP = {
    "name": "small camp", "start": "2017-10-01", "days": 60, "seed": 11,
    "population": {"initial": 2000, "household_size": 5,
                   "arrivals": [{"rate": {"2017-10-05": 60, "2017-10-25": 10}}]},
    "funding": {"funded_fraction": 0.55, "disbursement": [{"day": 0, "share": 0.6}, {"day": 30, "share": 0.4}]},
    "commodities": {
        "food": {"per_person_day": 1, "unit_cost_usd": 0.6, "initial_stock": 20000,
                 "ordering": {"order_up_to_days": 30, "lead_time_days": {"triangular": [10, 20, 30]}}},
        "water": {"per_person_day": 15, "unit_cost_usd": 0.008, "initial_stock": 60000, "funded_fraction": 0.7,
                  "ordering": {"review_every_days": 1, "order_up_to_days": 4, "lead_time_days": {"uniform": [1, 2]}},
                  "rationing": [{"below_days_of_cover": 1, "ration": 0.5}]},
        "hygiene": {"per_person_day": 15, "unit_cost_usd": 0.003, "initial_stock": 300000,
                    "ordering": {"review_every_days": 14, "order_up_to_days": 45, "lead_time_days": 10}},
        "kits": {"per_new_household": 1, "unit_cost_usd": 120, "initial_stock": 50,
                 "ordering": {"order_up_to_days": 14, "lead_time_days": 7}},
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def camp(tmp_path_factory) -> tuple[Path, campsim.AllocateResult]:
    tmp = tmp_path_factory.mktemp("camp")
    path = write(tmp, "camp", CAMP)
    return path, campsim.allocate(path, replications=12, step=0.05, jobs=1)


def test_the_best_split_never_does_worse_than_flat_or_written_and_spends_the_budget_to_the_cent(camp):
    path, result = camp
    a = result.allocation
    assert abs(a["best_usd"].sum() - result.budget_usd) < 0.005
    assert (a["best_share"] >= 0).all() and (a["best_share"] <= 1 + 1e-12).all()
    assert result.totals["best"] <= result.totals["flat"] + 1e-9
    assert result.totals["best"] <= result.totals["written"] + 1e-9
    f = result.frontier
    assert f["budget_share"].tolist() == pytest.approx([k / 20 for k in range(21)])
    assert (f["objective_best"] <= f["objective_flat"] + 1e-9).all()
    shares = f[[f"best_share_{n}" for n in result.commodities]].to_numpy()
    requirement = a["requirement_usd"].to_numpy()
    assert np.allclose(shares @ requirement, f["budget_usd"], rtol=0, atol=0.005)
    # the written split scaled to two frontier budgets, run on its own: the best is no worse
    written = {"food": 0.55, "water": 0.7, "hygiene": 0.55, "kits": 0.55}
    total_written = sum(written[n] * r for n, r in zip(result.commodities, requirement, strict=True))
    for row in f.iloc[[8, 12]].itertuples():
        factor = row.budget_usd / total_written
        sets = [f"commodities.{n}.funded_fraction={float(share * factor)!r}" for n, share in written.items()]
        own = campsim.run_replications(campsim.load_scenario(path, sets), 12, engine="batch", jobs=1)
        objective = sum(own.summary["commodities"][n]["shortfall_person_days"] for n in ("food", "water", "hygiene"))
        assert row.objective_best <= objective * (1 + 1e-9)
    # kits are out of the person-days objective, and the output says so
    assert any(n.startswith("kits is left out") for n in result.notes)


def test_a_weighted_objective_counts_only_the_weighted_items_and_says_which_weigh_0(camp):
    path, result = camp
    weighted = campsim.allocate(path, objective="weighted", weights={"water": 3, "kits": 1}, replications=12,
                                step=0.05, jobs=1)  # fmt: skip
    a = weighted.allocation.set_index("commodity")
    assert a.loc["food", "objective_flat"] == 0 and a.loc["hygiene", "objective_flat"] == 0
    # the flat split is the same money as in the person-days run: water's term is 3 x its person-days
    flat = result.allocation.set_index("commodity")
    assert a.loc["water", "objective_flat"] == pytest.approx(3 * flat.loc["water", "objective_flat"], rel=1e-12)
    assert {n.split(" ")[0] for n in weighted.notes} == {"food", "hygiene"}


def test_allocated_yaml_run_with_campsim_run_reproduces_the_objective(tmp_path, capsys):
    # ramadi-fts reads an FTS table: allocated.yaml's data path must be rewritten to run from the report
    out = tmp_path / "allocation"
    assert main(["allocate", str(ROOT / "scenarios" / "ramadi-fts.yaml"), "-n", "6", "--step", "0.1", "--out",
                 str(out), "--no-charts", "-j", "1"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "fewer person-days short" in printed and "household_kits" in printed
    text = (out / "allocated.yaml").read_text()
    command = next(line for line in text.splitlines() if line.startswith("#   campsim run "))
    words = shlex.split(command[len("#   campsim ") :])
    # the FTS table is copied beside it, so it runs from the report folder as it is: no --data-root
    assert "--data-root" not in words and 'fts: "data/iraq-2017-fts-clusters.csv"' in text
    data = ROOT / "scenarios" / "data" / "iraq-2017-fts-clusters.csv"
    assert (out / "data" / "iraq-2017-fts-clusters.csv").read_bytes() == data.read_bytes()
    assert main([*words, "--out", str(tmp_path / "again"), "-q", "--no-charts"]) == 0
    summary = json.loads((tmp_path / "again" / "summary.json").read_text())
    table = pd.read_csv(out / "allocation.csv")
    objective = sum(summary["commodities"][n]["shortfall_person_days"] for n in ("food", "water", "hygiene"))
    assert objective == pytest.approx(table["objective_best"].sum(), rel=1e-9)
    for row in table.itertuples():  # the shares as chosen, to the last digit
        assert summary["commodities"][row.commodity]["received_usd"] == pytest.approx(row.best_usd, rel=1e-9)


def test_the_report_folder_holds_the_tables_the_charts_and_the_page(camp, tmp_path):
    _, result = camp
    folder = campsim.write_report(result, tmp_path / "report")
    names = {p.name for p in folder.iterdir()}
    assert {"allocation.csv", "allocation.hxl.csv", "frontier.csv", "allocated.yaml", "allocate.md",
            "report.html", "frontier.png", "allocation.png"} <= names  # fmt: skip
    assert list(pd.read_csv(folder / "allocation.csv").columns) == list(ALLOCATION_COLUMNS)
    frontier = pd.read_csv(folder / "frontier.csv")
    assert list(frontier.columns) == ["budget_share", "budget_usd", "objective_flat", "objective_best",
                                      *[f"best_share_{n}" for n in result.commodities]]  # fmt: skip
    tags = (folder / "allocation.hxl.csv").read_text().splitlines()[1].split(",")
    assert tags[0] == "#item+name" and tags[7] == "#value+funding+best+usd" and len(set(tags)) == len(tags)
    page = (folder / "report.html").read_text()
    assert "fewer person-days short" in page and page.count("data:image/png;base64") == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--budget", "1e12"], "is above the total requirement x --max-share 1"),
        (["--budget", "-5"], "--budget -5: expected an amount in USD >= 0"),
        (["--objective", "weighted", "--weights", "water=3,soap=1"], "--weights soap: unknown commodity"),
        (["--min-share", "0.6", "--max-share", "0.4"], "--min-share 0.6 is above --max-share 0.4"),
        (["--budget-share", "0.9", "--max-share", "0.5"], "is above the total requirement x --max-share 0.5"),
        # a grid of a million shares would run for days
        (["--step", "1e-6"], "--step 1e-06: expected a share step from 0.001 to 1"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2_with_nothing_written(args, words, tmp_path, capsys):
    path = write(tmp_path, "camp", CAMP)
    out = tmp_path / "out"
    assert main(["allocate", str(path), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_the_headline_names_the_written_share_at_the_budget_allocated(camp):
    path, _ = camp
    data = yaml.safe_load(path.read_text())
    for c in data["commodities"].values():
        c.pop("funded_fraction", None)  # 55% each, as written
    flat = write(path.parent, "flat", data)
    result = campsim.allocate(flat, budget_share=0.8, replications=4, step=0.1, jobs=1)
    assert result.allocation["written_share"].tolist() == pytest.approx([0.8] * 4, rel=1e-12)
    assert "instead of 80% each" in headline(result)


FLOW = """\
name: flow style   # a comment that must stay
start: 2017-10-01
days: 30
seed: 3
population: {initial: 500, arrivals: [{rate: {2017-10-02: 20}}]}
funding: {funded_fraction: 0.5}
commodities:
  food: {per_person_day: 1, unit_cost_usd: 0.5, initial_stock: 2000,
         ordering: {order_up_to_days: 10, lead_time_days: 5}}
  water:
    per_person_day: 15
    unit_cost_usd: 0.01
    funded_fraction: 0.4   # its own share, replaced
    initial_stock: 20000
    ordering: {order_up_to_days: 3, lead_time_days: 1}
"""


def test_allocated_yaml_keeps_the_file_and_sets_each_share_in_flow_or_block_style(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW)
    result = campsim.allocate(path, replications=3, step=0.1, jobs=1)
    folder = campsim.write_report(result, tmp_path / "report", charts=False)
    text = (folder / "allocated.yaml").read_text()
    assert "# a comment that must stay" in text and "0.4" not in text.split("water:")[1].split("initial_stock")[0]
    again = campsim.load_scenario(folder / "allocated.yaml")
    best = dict(zip(result.allocation["commodity"], result.allocation["best_share"], strict=True))
    assert {n: again.funded_fraction(n) for n in again.commodities} == best  # to the last digit
    assert again.model_dump(exclude={"commodities", "source"}) == campsim.load_scenario(path).model_dump(
        exclude={"commodities", "source"}
    )


def test_allocation_hxl_csv_is_valid_for_libhxl(camp, tmp_path):
    from tests.test_hxl_out import assert_valid_hxl_counting_people_only

    folder = campsim.write_report(camp[1], tmp_path / "report", charts=False)
    assert_valid_hxl_counting_people_only(folder / "allocation.hxl.csv")


@pytest.mark.slow  # three full allocations of Ramadi (200 replications each): about 12 s
def test_the_readme_allocate_examples_run(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text()
    commands = [line for line in text.splitlines() if line.startswith("campsim allocate ")]
    assert len(commands) == 3
    monkeypatch.chdir(ROOT)
    for k, command in enumerate(commands):
        out = tmp_path / str(k)
        assert main([*shlex.split(command)[1:], "--out", str(out), "-q", "--no-charts"]) == 0
        assert (out / "allocation.csv").is_file()


def test_the_written_split_scaled_past_a_share_limit_stops_there_and_the_others_take_the_rest(camp):
    path, _ = camp
    # water is written at 0.7, the rest at 0.55: scaled to 95% of the requirement, water would pass 100%;
    # it stops at 100%, and the others (same written share) share the rest of the budget at one share s
    result = campsim.allocate(path, budget_share=0.95, replications=4, step=0.1, jobs=1)
    a = result.allocation.set_index("commodity")
    req, total = a["requirement_usd"], a["requirement_usd"].sum()
    s = (0.95 * total - req["water"]) / (total - req["water"])
    assert a.loc["water", "written_share"] == 1.0
    assert a.loc[["food", "hygiene", "kits"], "written_share"].tolist() == pytest.approx([s] * 3, abs=1e-12)
    assert a["written_usd"].sum() == pytest.approx(0.95 * total, abs=0.005)
    assert result.totals["written"] == pytest.approx(a["objective_written"].sum(), rel=1e-12)
    assert result.totals["best"] <= result.totals["written"] + 1e-9
    assert result.reference == "written" and "instead of the split as written" in headline(result)


def test_the_cli_writes_the_tables_the_api_returns(camp, tmp_path):
    path, result = camp
    out = tmp_path / "cli"
    assert main(["allocate", str(path), "-n", "12", "--step", "0.05", "--out", str(out), "-q", "--no-charts"]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out / "allocation.csv"), result.allocation, rtol=1e-12)
    pd.testing.assert_frame_equal(pd.read_csv(out / "frontier.csv"), result.frontier, rtol=1e-12)


@pytest.mark.parametrize(
    "commodities",
    [
        # one line for both, each with its own share: edited in place
        "commodities: {food: {per_person_day: 1, unit_cost_usd: 0.5, funded_fraction: 0.3,"
        " ordering: {order_up_to_days: 10, lead_time_days: 5}}, water: {per_person_day: 15, unit_cost_usd: 0.01,"
        " ordering: {order_up_to_days: 3, lead_time_days: 1}}}\n",
        # a flow mapping on the line below its key: written out anew from the data
        "commodities:\n  food:\n    {per_person_day: 1, unit_cost_usd: 0.5, ordering: {order_up_to_days: 10,"
        " lead_time_days: 5}}\n  water:\n    {per_person_day: 15, unit_cost_usd: 0.01,"
        " ordering: {order_up_to_days: 3, lead_time_days: 1}}\n",
    ],
)
def test_allocated_yaml_reads_back_with_the_best_shares_whatever_the_layout(commodities, tmp_path):
    head = FLOW.split("commodities:")[0]
    path = tmp_path / "layout.yaml"
    path.write_text(head + commodities)
    result = campsim.allocate(path, replications=2, step=0.25, jobs=1)
    folder = campsim.write_report(result, tmp_path / "report", charts=False)
    again = campsim.load_scenario(folder / "allocated.yaml")
    best = dict(zip(result.allocation["commodity"], result.allocation["best_share"], strict=True))
    assert {n: again.funded_fraction(n) for n in again.commodities} == best


def test_the_allocation_charts_keep_legends_off_the_data_and_titles_whole(camp):
    from campsim.report.allocate_charts import CHARTS
    from tests.chartcheck import problems

    for name, draw in CHARTS.items():
        fig = draw(camp[1])
        assert problems(fig, name) == []
        assert fig.legends, name


def test_allocate_charts_are_png_only_unless_svg_is_asked_for(camp, tmp_path):
    _, result = camp
    plain = campsim.write_report(result, tmp_path / "plain")
    both = campsim.write_report(result, tmp_path / "both", svg=True)
    assert not list(plain.glob("*.svg"))
    assert {p.name for p in both.glob("*.svg")} == {"frontier.svg", "allocation.svg"}
