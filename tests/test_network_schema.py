"""Network scenarios (``camps:``): the schema, the loader's checks and data files, single camps unchanged.

Each check's failing case is a fixture in invalid_scenarios/network_*.yaml; here are the valid
file, the round trips, ``--set`` and the CLI, and the cases a fixture cannot show.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import campsim
from campsim.cli import main
from campsim.load.loader import ScenarioFile
from tests.conftest import ROOT, SCENARIOS

NETWORK = ROOT / "tests" / "data" / "network_small.yaml"


def _network_data() -> dict[str, Any]:
    return yaml.safe_load(NETWORK.read_text(encoding="utf-8"))


def _error(data: dict[str, Any], base_dir: Path = ROOT) -> str:
    with pytest.raises(campsim.ScenarioError) as info:
        campsim.scenario_from_dict(data, base_dir=base_dir)
    return str(info.value)


# --- the example network -------------------------------------------------------------------


def test_the_example_network_loads_and_validates() -> None:
    s = campsim.load_scenario(NETWORK)
    assert s.is_network
    assert list(s.camps) == ["kilo18", "htc", "aaf"]
    assert list(s.warehouses) == ["baghdad-hub"]
    assert s.funding.funded_fraction == 0.62 and s.funding.disbursement.mode == "monthly"
    assert s.allocation == "priority" and s.priority == ["kilo18", "htc"]
    assert s.commodities["food"].kg_per_unit == 0.6 and s.commodities["household_kits"].kg_per_unit == 25
    # every camp that takes an item from a warehouse has exactly one road from it
    for name, camp in s.camps.items():
        for stock in camp.commodities.values():
            if stock.supply is not None:
                roads = [r for r in s.routes.values() if (r.origin, r.to) == (stock.supply.warehouse, name)]
                assert len(roads) == 1, (name, stock.supply.warehouse)
    kilo18 = s.camps["kilo18"]
    assert kilo18.location == [33.42, 43.10]
    assert kilo18.population.max_population == 15000 and kilo18.population.overflow_to == "htc"
    assert kilo18.commodities["food"].supply.order_up_to_days == 10
    assert kilo18.commodities["household_kits"].supply.review_every_days == 1  # the default
    assert kilo18.commodities["water"].ordering.lead_time_days.fixed == 1
    hub_food = s.warehouses["baghdad-hub"].commodities["food"]
    assert hub_food.ordering.lead_time_days.triangular == [30, 45, 60] and hub_food.ordering.max_order == 900000
    assert hub_food.donations[0].quantity == 50000
    road = s.routes["baghdad-kilo18"]
    assert (road.origin, road.to, road.transit_days.fixed) == ("baghdad-hub", "kilo18", 1)
    assert road.capacity_kg_per_day == 200000 and road.cost_usd_per_kg == 0.04
    assert s.routes["baghdad-htc"].transit_days.triangular == [1, 1, 3]
    default = s.routes["baghdad-aaf"]
    assert default.transit_days.fixed == 1 and default.capacity_kg_per_day is None and default.cost_usd_per_kg == 0
    assert s.disruptions[0].routes == ["baghdad-kilo18"] and s.disruptions[0].sites is None
    assert s.disruptions[1].sites == ["kilo18"] and s.disruptions[1].commodities == ["water"]


def test_a_camp_rationing_replaces_the_commodity_policy_and_an_empty_list_turns_it_off() -> None:
    s = campsim.load_scenario(NETWORK)
    default = s.commodities["food"].rationing
    assert [step.ration for step in s.camps["kilo18"].rationing("food", default)] == [0.8]
    assert [step.ration for step in s.camps["htc"].rationing("food", default)] == [0.8, 0.5]
    data = _network_data()
    data["camps"]["aaf"]["commodities"]["food"]["rationing"] = []
    s = campsim.scenario_from_dict(data)
    assert s.camps["aaf"].rationing("food", default) == []
    assert s.camps["aaf"].rationing("water", s.commodities["water"].rationing) == []  # water has none


def test_validate_accepts_the_example_network() -> None:
    assert main(["validate", str(NETWORK)]) == 0


def test_set_reaches_into_a_camp() -> None:
    option = "camps.kilo18.population.max_population=100"
    with pytest.raises(campsim.ScenarioError) as info:  # 100 places for 9,000 people
        campsim.load_scenario(NETWORK, [option])
    message = str(info.value)
    assert f"(--set {option})" in message and "camps.kilo18.population.max_population" in message
    assert "below initial 9,000" in message
    s = campsim.load_scenario(NETWORK, [option, "camps.kilo18.population.initial=50"])
    assert s.camps["kilo18"].population.max_population == 100
    assert s.camps["kilo18"].population.initial == 50
    assert campsim.load_scenario(NETWORK).camps["kilo18"].population.max_population == 15000  # read once, unchanged


# --- single camps, unchanged ---------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_single_camp_file_is_no_network(path: Path) -> None:
    s = campsim.load_scenario(path)
    assert s.camps is None and not s.is_network
    assert s.warehouses == {} and s.routes == {} and s.priority == [] and s.allocation == "proportional"
    assert all(d.routes is None and d.sites is None for d in s.disruptions)


def test_ramadi_is_a_single_camp() -> None:
    assert campsim.load_scenario("scenarios/ramadi.yaml").camps is None


def test_kg_per_unit_is_valid_in_a_single_camp_and_defaults_to_zero() -> None:
    data = yaml.safe_load((ROOT / "scenarios" / "ramadi.yaml").read_text(encoding="utf-8"))
    data["commodities"]["food"]["kg_per_unit"] = 0.555
    s = campsim.scenario_from_dict(data, base_dir=ROOT / "scenarios")
    assert s.commodities["food"].kg_per_unit == 0.555 and s.commodities["water"].kg_per_unit == 0


# --- the `from` alias ----------------------------------------------------------------------


def test_the_from_alias_round_trips() -> None:
    s = campsim.load_scenario(NETWORK)
    assert s.camps["kilo18"].commodities["food"].supply.warehouse == "baghdad-hub"
    assert s.routes["baghdad-kilo18"].origin == "baghdad-hub"
    dumped = s.model_dump(by_alias=True, exclude_unset=True)
    assert dumped["routes"]["baghdad-kilo18"]["from"] == "baghdad-hub"
    assert dumped["camps"]["kilo18"]["commodities"]["food"]["supply"]["from"] == "baghdad-hub"
    assert "origin" not in dumped["routes"]["baghdad-kilo18"]
    for section in ("camps", "warehouses", "routes"):
        for name, site in getattr(s, section).items():
            for mode in ("python", "json"):
                data = site.model_dump(mode=mode, by_alias=True, exclude_unset=True)
                assert type(site).model_validate(data) == site, (section, name, mode)
    # as a file writes them: the network's parts, dumped and read back, make the same scenario
    data = _network_data()
    for section in ("camps", "warehouses", "routes"):
        data[section] = dumped[section]
    assert campsim.scenario_from_dict(data) == s.model_copy(update={"source": None})


def test_a_file_writes_from_not_the_python_name() -> None:
    data = _network_data()
    route = data["routes"]["baghdad-aaf"]
    route["origin"] = route.pop("from")
    message = _error(data)
    assert "routes.baghdad-aaf.origin: unknown key" in message
    assert "(allowed: from, to, transit_days, capacity_kg_per_day, cost_usd_per_kg)" in message
    assert "routes.baghdad-aaf.from: required key missing" in message


def test_unknown_key_in_a_supply_lists_from() -> None:
    data = _network_data()
    data["camps"]["aaf"]["commodities"]["food"]["supply"]["review_every_dayz"] = 2
    message = _error(data)
    assert (
        "camps.aaf.commodities.food.supply.review_every_dayz: unknown key; did you mean review_every_days?" in message
    )
    assert "(allowed: from, review_every_days, order_up_to_days)" in message


# --- checks a fixture cannot show ----------------------------------------------------------


def test_an_overflow_cycle_behind_a_tail_is_reported_once_at_its_first_camp() -> None:
    data = _network_data()
    data["camps"]["kilo18"]["population"]["overflow_to"] = "htc"  # a tail into the cycle htc -> aaf -> htc
    data["camps"]["htc"]["population"]["overflow_to"] = "aaf"
    data["camps"]["aaf"]["population"]["overflow_to"] = "htc"
    message = _error(data)
    assert message.count("\n") == 0
    assert "camps.htc.population.overflow_to: overflow_to forms a cycle (htc -> aaf -> htc)" in message


def test_every_problem_is_reported_each_on_its_line() -> None:
    data = _network_data()
    data["camps"]["htc"]["commodities"]["food"]["supply"]["from"] = "bagdad-hub"
    data["priority"].append("afa")
    del data["routes"]["baghdad-aaf"]
    lines = _error(data).splitlines()
    assert len(lines) == 4, lines
    assert (
        "camps.htc.commodities.food.supply.from: unknown warehouse 'bagdad-hub'; did you mean baghdad-hub?" in lines[0]
    )
    assert "camps.aaf.commodities.food.supply.from: no route from baghdad-hub to aaf" in lines[1]
    assert "camps.aaf.commodities.household_kits.supply.from: no route from baghdad-hub to aaf" in lines[2]
    assert "priority.2: unknown camp 'afa'; did you mean aaf?" in lines[3]


def test_an_explicit_default_in_commodities_is_still_stock_at_the_wrong_place() -> None:
    data = _network_data()
    data["commodities"]["water"]["donations"] = []
    assert "commodities.water.donations: in a network, stock lives at the sites" in _error(data)


def test_warehouses_given_empty_still_need_camps() -> None:
    data = yaml.safe_load((ROOT / "scenarios" / "ramadi.yaml").read_text(encoding="utf-8"))
    data["warehouses"] = {}
    assert "warehouses: only in a network: add camps:" in _error(data, ROOT / "scenarios")


# --- a camp's data files --------------------------------------------------------------------


def _network_with_csv(tmp_path: Path, csv_text: str) -> Path:
    (tmp_path / "arrivals.csv").write_text(csv_text, encoding="utf-8")
    data = _network_data()
    data["camps"]["htc"]["population"]["arrivals"] = [{"csv": "arrivals.csv"}]
    data["camps"]["aaf"]["population"]["arrivals"].append({"csv": "arrivals.csv", "kind": "arrivals"})
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_camp_reads_its_arrivals_file_once(tmp_path: Path) -> None:
    path = _network_with_csv(tmp_path, "date,arrivals\n2017-10-02,40\n2017-10-09,25\n")
    source = ScenarioFile(path)
    s = source.load()
    htc, aaf = s.camps["htc"].population.arrivals[0], s.camps["aaf"].population.arrivals[1]
    assert htc.data is not None and htc.data.counts == (40.0, 25.0) and htc.data.lines == (2, 3)
    assert aaf.data == htc.data
    assert s.camps["aaf"].population.arrivals[0].data is None  # the surge has no file
    assert s.camps["kilo18"].population.arrivals[0].data is None
    assert s.population.arrivals == []  # no top-level population in a network
    assert [key[0] for key in source._files] == ["arrivals"]  # one file, read once for two camps
    again = source.load(["camps.htc.population.household_size=5"])
    assert again.camps["htc"].population.arrivals[0].data == htc.data
    assert len(source._files) == 1


def test_a_camp_arrivals_file_error_names_the_camp(tmp_path: Path) -> None:
    path = _network_with_csv(tmp_path, "date,arrivals\n2017-10-02,40\n2017-10-09,many\n")
    with pytest.raises(campsim.ScenarioError) as info:
        campsim.load_scenario(path)
    message = str(info.value)
    assert "camps.htc.population.arrivals.0.csv: arrivals.csv line 3" in message
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "csv: arrivals.csv" in text)
    assert f"network.yaml:{line}:" in message


def test_a_network_document_is_not_changed_by_validation() -> None:
    data = _network_data()
    before = copy.deepcopy(data)
    campsim.scenario_from_dict(data)
    campsim.scenario_from_dict(data)
    assert data["camps"] == before["camps"] and data["routes"] == before["routes"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "camps.kilo81.population.max_population=5",
            "no camp 'kilo81' in the scenario; did you mean kilo18? (camps has: kilo18, htc, aaf)",
        ),
        ("routes.baghdad-kilo81.capacity_kg_per_day=1", "it does not add a route"),
        ("warehouses.hub.commodities.food.initial_stock=1", "it does not add a warehouse"),
        ("camps.kilo18.commodities.fuel.initial_stock=1", "no commodity 'fuel' in camps.kilo18"),
        ("commodities.fod.unit_cost_usd=1", "it does not add a commodity"),
    ],
)
def test_set_refuses_to_add_a_camp_route_warehouse_or_commodity_by_a_typo(key, message, capsys):
    """--set names an existing entry: a misspelt camp would otherwise quietly become a new one."""
    assert main(["validate", str(ROOT / "scenarios" / "anbar.yaml"), "--set", key]) == 2
    err = capsys.readouterr().err
    assert message in err and "--set changes values" in err and len(err.strip().splitlines()) == 1


def test_set_reaches_a_named_camp_route_and_warehouse():
    s = campsim.load_scenario(ROOT / "scenarios" / "anbar.yaml", [
        "camps.kilo18.population.max_population=40000", "routes.baghdad-kilo18.capacity_kg_per_day=5000",
        "warehouses.baghdad-hub.commodities.food.ordering.lead_time_days=60"])  # fmt: skip
    assert s.camps["kilo18"].population.max_population == 40000
    assert s.routes["baghdad-kilo18"].capacity_kg_per_day == 5000
    assert s.warehouses["baghdad-hub"].commodities["food"].ordering.lead_time_days.fixed == 60
