"""The SimPy network engine: against the single camp, against hand arithmetic, and its books."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import yaml

import campsim
from campsim.cli import main
from tests.conftest import ROOT, SCENARIOS

NETWORK = ROOT / "tests" / "data" / "network_small.yaml"


def as_network_of_one(path) -> dict:
    """The single-camp file rewritten as a network of one camp whose every commodity is ordered directly."""
    data = yaml.safe_load(path.read_text())
    camp: dict = {"population": data.pop("population"), "commodities": {}}
    for name, item in data["commodities"].items():
        site = {k: item.pop(k) for k in ("initial_stock", "capacity", "ordering", "donations") if k in item}
        camp["commodities"][name] = site
    data["camps"] = {"ramadi": camp}
    return data


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_network_of_one_directly_ordering_camp_is_the_single_camp(path):
    single = yaml.safe_load(path.read_text())
    single["deterministic"] = True
    network = as_network_of_one(path)
    network["deterministic"] = True
    one = campsim.simulate(campsim.scenario_from_dict(single, base_dir=path.parent))
    net = campsim.simulate(campsim.scenario_from_dict(network, base_dir=path.parent))
    for field in ("need", "distributed", "shortfall", "stock", "pipeline", "received", "ordered", "spent", "balance",
                  "ration_level", "days_of_cover"):  # fmt: skip
        np.testing.assert_array_equal(one.raw.daily[field], net.raw.daily[field], err_msg=field)
    camp = net.summary["camps"]["ramadi"]["commodities"]
    for name, c in one.summary["commodities"].items():
        for key in ("need", "distributed", "shortfall", "shortfall_person_days", "shortage_days", "first_shortage_date",
                    "min_ration", "end_stock", "ration_cut_days", "pipeline_break_days"):  # fmt: skip
            assert camp[name][key] == c[key], (name, key)
            assert net.summary["commodities"][name][key] == c[key], (name, key)
        for key in ("requirement_usd", "received_usd", "spent_usd", "balance_usd"):
            assert net.summary["commodities"][name][key] == pytest.approx(c[key], rel=1e-12), (name, key)


def books(summary: dict) -> None:
    """Stock and money balance per commodity, network-wide and at every site; sums over camps hold."""
    for name, c in summary["commodities"].items():
        scale = max(1.0, c["initial_stock"] + c["received"])
        out = c["distributed"] + c["spoiled"] + c["overflow"] + c["end_stock"] + c["end_in_transit"]
        assert c["initial_stock"] + c["received"] == pytest.approx(out, abs=1e-9 * scale), name
        assert c["received_usd"] == pytest.approx(c["spent_usd"] + c["balance_usd"], abs=1e-6), name
        camps = [site["commodities"][name] for site in summary["camps"].values() if name in site["commodities"]]
        for key in ("need", "distributed", "shortfall", "shortfall_person_days", "unmet_cost_usd"):
            assert sum(x[key] for x in camps) == pytest.approx(c[key], rel=1e-12), (name, key)
    for site in summary["warehouses"].values():
        for name, w in site["commodities"].items():
            assert w["initial_stock"] + w["received"] == pytest.approx(
                w["dispatched"] + w["overflow"] + w["end_stock"], abs=1e-6
            ), name


@pytest.mark.parametrize("seed", [1, 2017])
@pytest.mark.parametrize("allocation", ["proportional", "equal_cover", "priority"])
def test_the_example_network_balances_its_books(seed, allocation):
    s = campsim.load_scenario(NETWORK, [f"allocation={allocation}"])
    result = campsim.simulate(s, seed=seed)
    books(result.summary)
    assert (result.daily["stock"] >= 0).all() and (result.warehouses["stock"] >= 0).all()
    caps = {name: r["capacity_kg_per_day"] for name, r in yaml.safe_load(NETWORK.read_text())["routes"].items()
            if "capacity_kg_per_day" in r}  # fmt: skip
    kg = result.raw.route_kg[:, :, 0]
    for i, name in enumerate(result.plan.network.routes.names):
        if name in caps:
            assert (kg[:, i] <= caps[name] * (1 + 1e-12)).all()


def small(**changes) -> campsim.Scenario:
    """One hub, three camps of 100 people needing 1 unit a day each, hand-checkable (deterministic)."""
    data = {
        "name": "hand network", "start": "2017-10-01", "days": 6, "deterministic": True,
        "commodities": {"food": {"per_person_day": 1, "unit_cost_usd": 1, "kg_per_unit": 1}},
        "warehouses": {"hub": {"commodities": {"food": {"initial_stock": 900}}}},
        "camps": {
            name: {"population": {"initial": 100},
                   "commodities": {"food": {"initial_stock": 0, "supply": {"from": "hub", "order_up_to_days": days}}}}
            for name, days in (("a", 6), ("b", 3), ("c", 3))
        },
        "routes": {f"hub-{n}": {"from": "hub", "to": n} for n in ("a", "b", "c")},
    }  # fmt: skip
    for key, value in changes.items():
        data[key] = value
    return campsim.scenario_from_dict(copy.deepcopy(data))


def test_a_short_hub_splits_900_among_requests_of_600_300_and_300():
    # day 0: camps need 100 each and have nothing: requests 6 x 100, 3 x 100, 3 x 100
    got = {}
    for rule in ("proportional", "priority"):
        r = campsim.simulate(small(allocation=rule, priority=["c", "a"] if rule == "priority" else []))
        day0 = r.events[(r.events["day"] == 0) & (r.events["kind"] == "dispatch")]
        got[rule] = dict(zip(day0["note"].str.split(",").str[0], day0["quantity"], strict=True))
    assert got["proportional"] == {"hub-a": 450.0, "hub-b": 225.0, "hub-c": 225.0}
    assert got["priority"] == {"hub-c": 300.0, "hub-a": 600.0}  # c first, then a; b gets nothing


def test_a_truck_capacity_halves_a_shipment_and_a_closure_delays_its_arrival():
    routes = {"hub-a": {"from": "hub", "to": "a", "capacity_kg_per_day": 225}, "hub-b": {"from": "hub", "to": "b"},
              "hub-c": {"from": "hub", "to": "c"}}  # fmt: skip
    r = campsim.simulate(small(routes=routes))
    day0 = r.events[(r.events["day"] == 0) & (r.events["kind"] == "dispatch")].set_index("site")
    a = r.events[(r.events["day"] == 0) & (r.events["kind"] == "dispatch") & r.events["note"].str.startswith("hub-a")]
    assert a["quantity"].tolist() == [225.0]  # 450 kg on a 225 kg/day road: halved
    assert r.summary["routes"]["hub-a"]["days_at_capacity"] >= 1
    assert day0 is not None
    # the road to b closed on days 1-2: a convoy due on day 1 arrives on day 3
    closed = small(disruptions=[{"start": 1, "days": 2, "routes": ["hub-b"], "reason": "bridge"}])
    r = campsim.simulate(closed)
    shipments = r.events[(r.events["kind"] == "shipment") & (r.events["site"] == "b")]
    assert shipments["day"].tolist()[0] == 3
    assert r.summary["routes"]["hub-b"]["closed_days"] == 2


def test_the_hub_orders_up_to_its_camps_demand():
    # the hub reviews daily, order up to 2 days of the camps' need (300 a day), lead time 1 day, US$1 a unit
    hub = {"hub": {"commodities": {"food": {"initial_stock": 900, "ordering": {"order_up_to_days": 2,
                                                                                "lead_time_days": 1}}}}}  # fmt: skip
    r = campsim.simulate(small(warehouses=hub))
    orders = r.events[(r.events["kind"] == "order") & (r.events["site"] == "hub")]
    # day 0: stock 900 minus 900 dispatched = 0, target 2 x 300 = 600: order 600 at US$600
    assert orders.iloc[0][["day", "quantity", "cost_usd"]].tolist() == [0, 600.0, 600.0]


def test_a_network_run_writes_its_tables(tmp_path, capsys):
    assert main(["run", str(NETWORK), "--out", str(tmp_path / "n"), "-q", "--no-charts"]) == 0
    summary = json.loads((tmp_path / "n" / "summary.json").read_text())
    assert set(summary) >= {"camps", "warehouses", "routes", "commodities", "funding", "population"}
    head = (tmp_path / "n" / "daily.csv").read_text().splitlines()[0]
    assert head.startswith("day,date,camp,commodity,population,need,distributed")
    assert (
        (tmp_path / "n" / "warehouses.csv")
        .read_text()
        .startswith("day,date,warehouse,commodity,stock,pipeline,received,requested,dispatched,ordered,spent,balance")
    )
    assert ",site," in (tmp_path / "n" / "events.csv").read_text().splitlines()[0]


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_replicated_networks_are_the_same_whatever_the_jobs_and_engine(tmp_path):
    outs = {}
    for label, extra in (("j1", ["-j", "1"]), ("j2", ["-j", "2"]), ("des", ["-j", "1", "--engine", "des"])):
        assert main(["run", str(NETWORK), "-n", "5", *extra, "--out", str(tmp_path / label), "-q", "--no-charts"]) == 0
        outs[label] = json.loads((tmp_path / label / "summary.json").read_text())
    assert outs["j1"] == outs["j2"] == outs["des"]
    summary = outs["j1"]
    assert summary["replications"] == 5
    assert set(summary["uncertainty"]["camps"]) == {"kilo18", "htc", "aaf"}
    assert "p_shortage" in summary["uncertainty"]["camps"]["aaf"]["commodities"]["food"]
    head = (tmp_path / "j1" / "daily_quantiles.csv").read_text().splitlines()[0]
    assert head.startswith("day,date,camp,commodity,stock_p10")
    assert head.endswith("population_p10,population_p50,population_p90")


def test_network_daily_quantiles_give_each_camps_own_population():
    """population_pXX of a camp is the quantile of that camp's people over replications (not the network's)."""
    s = campsim.load_scenario(NETWORK)
    result = campsim.run_replications(s, 5, jobs=1)
    finals = {camp: [campsim.simulate(s, replication=i).summary["camps"][camp]["population"]["final"]
                     for i in range(5)] for camp in s.camps}  # fmt: skip
    q = result.daily_quantiles
    last = q[q["day"] == q["day"].max()]
    for camp, values in finals.items():
        rows = last[last["camp"] == camp]
        assert set(rows["population_p50"]) == {float(np.quantile(values, 0.5))}
        assert set(rows["population_p10"]) == {float(np.quantile(values, 0.1))}
    assert len({float(v) for v in last.groupby("camp")["population_p50"].first()}) > 1  # camps differ


def test_a_network_compare_has_a_row_per_camp_and_refuses_a_mix(tmp_path, capsys):
    import pandas as pd

    argv = ["compare", str(ROOT / "scenarios" / "anbar.yaml"), str(ROOT / "scenarios" / "anbar-bridge.yaml")]
    assert main([*argv, "--out", str(tmp_path / "c"), "-q", "--no-charts"]) == 0
    table = pd.read_csv(tmp_path / "c" / "compare.csv", keep_default_na=False)
    assert len(table) == 2 * (1 + 3) * 4  # two scenarios x (totals + 3 camps) x 4 commodities
    assert (tmp_path / "c" / "compare.hxl.csv").read_text().splitlines()[1].split(",")[4] == "#loc+name"
    assert "networks' totals" in (tmp_path / "c" / "compare.md").read_text()
    mix = ["compare", str(ROOT / "scenarios" / "ramadi.yaml"), str(ROOT / "scenarios" / "anbar.yaml")]
    assert main([*mix, "--out", str(tmp_path / "m"), "-q"]) == 2
    assert "not a mix" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_a_network_sweep_has_a_row_per_camp_after_the_totals(tmp_path):
    import pandas as pd

    argv = ["sweep", str(NETWORK), "--vary", "funding.funded_fraction=0.5,1", "-n", "3", "-j", "1"]
    assert main([*argv, "--out", str(tmp_path / "s"), "-q"]) == 0
    table = pd.read_csv(tmp_path / "s" / "sweep.csv", keep_default_na=False)
    assert list(table.columns[:3]) == ["funding.funded_fraction", "camp", "commodity"]
    assert len(table) == 2 * (3 + 9)  # per point: three network totals, then nine camp rows
    point = table[table["funding.funded_fraction"] == 0.5]
    totals = point[point["camp"] == ""].set_index("commodity")["shortfall_person_days"]
    camps = point[point["camp"] != ""].groupby("commodity")["shortfall_person_days"].sum()
    for item in ("food", "water", "household_kits"):
        assert camps[item] == pytest.approx(totals[item], rel=1e-9)
    assert (tmp_path / "s" / "sweep.png").exists()


def test_a_network_solve_targets_one_camp(tmp_path, capsys):
    target = "camps.kilo18.commodities.water.shortfall_person_days<=1000000"
    argv = ["solve", str(NETWORK), "--vary", "funding.funded_fraction", "--target", target, "-n", "2", "-j", "1"]
    assert main([*argv, "--tol", "0.05", "--out", str(tmp_path / "s"), "-q"]) == 0
    solved = json.loads((tmp_path / "s" / "solve.json").read_text())
    assert solved["value"] is not None and 0 <= solved["value"] <= 1
    bad = ["solve", str(NETWORK), "--vary", "funding.funded_fraction", "--target",
           "camps.kilo19.commodities.water.shortfall_person_days<=1"]  # fmt: skip
    assert main([*bad, "--out", str(tmp_path / "b"), "-q"]) == 2
    assert "unknown camp 'kilo19'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "sets"),
    [(NETWORK, ["allocation=proportional"]), (NETWORK, ["allocation=equal_cover"]), (NETWORK, ["allocation=priority"]),
     (ROOT / "scenarios" / "anbar.yaml", []), (ROOT / "scenarios" / "anbar-bridge.yaml", [])],
    ids=["proportional", "equal_cover", "priority", "anbar", "anbar-bridge"],
)  # fmt: skip
def test_the_batch_network_engine_matches_the_simpy_one_bit_for_bit(path, sets):
    from campsim.engines.batch_network import simulate_network_batch
    from campsim.engines.network import simulate_network
    from campsim.plan.compile import compile
    from campsim.plan.draw import draw_network
    from campsim.results.network import summarize_network

    s = campsim.load_scenario(path, sets)
    plan = compile(s)
    drawn = draw_network(plan, s.seed, 0, 3)
    many = simulate_network_batch(plan, drawn)
    summaries = summarize_network(plan, many, s.seed)
    for r in range(3):
        one = simulate_network(plan, drawn, r)
        for field, values in one.daily.items():
            np.testing.assert_array_equal(values[:, :, 0], many.daily[field][:, :, r], err_msg=field)
        for field, values in one.warehouses.items():
            np.testing.assert_array_equal(values[:, :, 0], many.warehouses[field][:, :, r], err_msg=field)
        np.testing.assert_array_equal(one.route_kg[:, :, 0], many.route_kg[:, :, r])
        np.testing.assert_array_equal(one.money[:, :, 0], many.money[:, :, r])
        assert summarize_network(plan, one, s.seed)[0] == summaries[r]


def test_the_readme_network_table_is_what_the_anbar_runs_give():
    import re

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Camp networks") : readme.index("## Calibration")]
    names = {"Kilo 18": "kilo18", "HTC": "htc", "AAF": "aaf"}
    runs = {label: campsim.simulate(campsim.load_scenario(ROOT / "scenarios" / "anbar.yaml", sets)).summary
            for label, sets in (("62%", []), ("full", ["funding.funded_fraction=1"]))}  # fmt: skip
    rows = re.findall(r"^\| (Kilo 18|HTC|AAF) \| (\w+) \| ([^|]+) \| ([^|]+) \|$", section, flags=re.M)
    assert len(rows) == 9
    for camp, item, low, full in rows:
        for label, cell in (("62%", low), ("full", full)):
            got = runs[label]["camps"][names[camp]]["commodities"][item]
            words = f"{got['shortfall_person_days']:,.0f}" + (
                f" from {got['first_shortage_date']}" if got["first_shortage_date"] else ""
            )
            assert cell.strip() == words, (camp, item, label)


def test_a_network_daily_hxl_has_one_row_per_day_and_camp_with_the_camp_tagged(tmp_path):
    import pandas as pd

    from campsim.load.hxl import read_table

    assert main(["run", str(NETWORK), "--out", str(tmp_path / "n"), "-q", "--no-charts"]) == 0
    table = read_table(tmp_path / "n" / "daily.hxl.csv", "daily columns")
    assert table.hxl and table.find("#loc+name").header == "camp"
    assert table.find("#indicator+distributed+food").header == "distributed_food"
    wide = pd.read_csv(tmp_path / "n" / "daily.hxl.csv", skiprows=[1])
    daily = pd.read_csv(tmp_path / "n" / "daily.csv")
    assert len(wide) == 182 * 3 and wide["camp"].tolist()[:3] == ["kilo18", "htc", "aaf"]
    # every camp's food figures round-trip
    food = daily[daily["commodity"] == "food"].reset_index(drop=True)
    assert wide["distributed_food"].tolist() == food["distributed"].tolist()
    assert wide["population"].tolist() == food["population"].tolist()
