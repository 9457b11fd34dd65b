"""daily.hxl.csv and compare.hxl.csv: read back as HXL, every column found by its tag, every value as in the CSV."""

from __future__ import annotations

import csv

import pytest

from campsim import simulate
from campsim.cli import main
from campsim.load.hxl import read_table
from campsim.report.hxlout import (
    COMPARE_TAGS,
    DAILY_COMMODITY_TAGS,
    DAILY_DAY_TAGS,
    commodity_attributes,
    daily_hxl,
    sanitise,
)
from campsim.results.tables import DAILY_COLUMNS, DAILY_EXTRA_COLUMNS
from campsim.runs.compare import METRICS
from tests.conftest import ROOT, scenario

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
FUNDED = ROOT / "scenarios" / "ramadi-funded.yaml"
COMMODITIES = ["food", "water", "hygiene", "household_kits"]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("hxl") / "run"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts"]) == 0
    return out


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("hxl") / "compare"
    assert main(["compare", str(RAMADI), str(FUNDED), "--out", str(out), "--quiet", "--no-charts"]) == 0
    return out


def csv_rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def same(hxl_cell: str, csv_cell: str) -> bool:
    """Equal values: both empty (NaN), equal numbers to the last bit, or equal text."""
    if not hxl_cell or not csv_cell:
        return hxl_cell == csv_cell
    try:
        return float(hxl_cell) == float(csv_cell)
    except ValueError:
        return hxl_cell == csv_cell


def assert_each_tag_finds_its_column(table) -> None:
    for column in table.columns:
        assert column.tag is not None, column.header
        assert table.find(str(column.tag)) is column, str(column.tag)


def assert_daily_round_trips(folder, names: list[str]) -> None:
    table = read_table(folder / "daily.hxl.csv", "daily columns")
    assert table.hxl
    assert_each_tag_finds_its_column(table)
    attributes = commodity_attributes(names)
    daily = csv_rows(folder / "daily.csv")
    assert len(table.rows) * len(names) == len(daily)
    for i, row in enumerate(daily):
        _, cells = table.rows[i // len(names)]
        name = row["commodity"]
        for column, value in row.items():
            if column == "commodity":
                continue
            if column in DAILY_DAY_TAGS:
                found = table.find(DAILY_DAY_TAGS[column][1])
            else:
                found = table.find(f"{DAILY_COMMODITY_TAGS[column][1]}+{attributes[name]}")
            assert found is not None, (column, name)
            assert same(table.cell(cells, found), value), (row["day"], name, column, table.cell(cells, found), value)


def test_every_daily_column_and_compare_metric_has_a_hashtag():
    assert set(DAILY_DAY_TAGS) | set(DAILY_COMMODITY_TAGS) == set(DAILY_COLUMNS + DAILY_EXTRA_COLUMNS) - {"commodity"}
    assert set(METRICS) < set(COMPARE_TAGS)


def test_daily_hxl_is_hxl_and_tags_find_their_columns(run_folder):
    table = read_table(run_folder / "daily.hxl.csv", "daily columns")
    assert table.hxl and table.header_line == 1
    assert table.find("#date").header == "date"
    assert table.find("#affected+ind").header == "population"
    assert table.find("#affected+arrived").header == "arrivals"
    assert table.find("#indicator+distributed+water").header == "distributed_water"
    assert table.find("#indicator+need+household_kits").header == "need_household_kits"
    assert table.find("#indicator+shortfall+food").header == "shortfall_food"
    assert table.find("#value+funding+total+usd+hygiene").header == "funds_received_usd_hygiene"
    assert len(table.columns) == len(DAILY_DAY_TAGS) + len(COMMODITIES) * len(DAILY_COMMODITY_TAGS)


def test_daily_hxl_round_trips_daily_csv(run_folder):
    assert_daily_round_trips(run_folder, COMMODITIES)


def test_replicated_run_writes_daily_hxl_of_replication_0(tmp_path):
    out = tmp_path / "rep"
    assert main(["run", str(RAMADI), "-n", "2", "--out", str(out), "--quiet", "--no-charts"]) == 0
    assert_daily_round_trips(out, COMMODITIES)


def test_compare_hxl_round_trips_compare_csv(compare_folder):
    table = read_table(compare_folder / "compare.hxl.csv", "compare columns")
    assert table.hxl
    assert_each_tag_finds_its_column(table)
    assert table.find("#item+name").header == "commodity"
    assert table.find("#meta+scenario").header == "scenario"
    assert table.find("#indicator+shortfall_person_days").header == "shortfall_person_days"
    rows = csv_rows(compare_folder / "compare.csv")
    assert len(rows) == len(table.rows) == 2 * len(COMMODITIES)
    for row, (_, cells) in zip(rows, table.rows, strict=True):
        for column, value in row.items():
            found = table.find(COMPARE_TAGS[column])
            assert same(table.cell(cells, found), value), (row["scenario"], row["commodity"], column)
    assert {table.cell(cells, table.find("#item+name")) for _, cells in table.rows} == set(COMMODITIES)


def test_docs_list_every_column_and_show_the_real_header_rows(run_folder, compare_folder):
    doc = (ROOT / "docs" / "hxl.md").read_text()
    for header, tag in DAILY_DAY_TAGS.values():
        assert f"| `{header}` | `{tag}` |" in doc
    for stem, tag in DAILY_COMMODITY_TAGS.values():
        assert f"| `{stem}_<commodity>` | `{tag}+<attribute>` |" in doc
    for column, tag in COMPARE_TAGS.items():
        assert f"| `{column}` | `{tag}` |" in doc
    for path in (run_folder / "daily.hxl.csv", compare_folder / "compare.hxl.csv"):
        header_and_tags = "\n".join(path.read_text().splitlines()[:2])
        assert f"```\n{header_and_tags}\n" in doc, path.name


def test_commodity_attribute_is_sanitised_and_distinct():
    assert sanitise("household_kits") == "household_kits"
    assert sanitise("Soap (g)") == "soap_g"
    assert sanitise("5 L jerrycans") == "item_5_l_jerrycans"  # an HXL attribute starts with a letter
    assert sanitise("---") == "item"
    names = ["Soap (g)", "soap_g", "SOAP G", "shortfall", "water"]
    assert commodity_attributes(names) == {
        "Soap (g)": "soap_g", "soap_g": "soap_g_2", "SOAP G": "soap_g_3", "shortfall": "shortfall_2", "water": "water",
    }  # fmt: skip
    assert commodity_attributes(names) == commodity_attributes(list(names))  # deterministic


def test_colliding_and_awkward_names_still_round_trip(tmp_path):
    per_person = {"per_person_day": 1, "initial_stock": 3000, "unit_cost_usd": 1}
    names = ["Soap (g)", "soap_g", "shortfall", "need", "level_food", "food", "Kits!"]
    commodities = {name: dict(per_person) for name in names[:-1]}
    commodities["Kits!"] = {"per_new_household": 1, "initial_stock": 10}  # no arrivals: no need, no cover
    s = scenario(commodities)
    result = simulate(s)
    (tmp_path / "daily.hxl.csv").write_text(daily_hxl(result.scenario, result.daily), encoding="utf-8")
    result.daily.to_csv(tmp_path / "daily.csv", index=False, na_rep="", lineterminator="\n")
    assert_daily_round_trips(tmp_path, names)
    table = read_table(tmp_path / "daily.hxl.csv", "daily columns")
    cover = table.find("#indicator+days_of_cover+kits")
    assert cover.header == "days_of_cover_Kits!"
    assert {table.cell(cells, cover) for _, cells in table.rows} == {""}


# --- every HXL output is valid HXL, and counts only people under the people hashtags --------

NETWORK = ROOT / "tests" / "data" / "network_small.yaml"
# the columns that count people: the only ones #affected, #inneed, #reached or #targeted may tag
PEOPLE_COLUMNS = {"population", "arrivals", "departures", "peak_people_short"}
PEOPLE_HASHTAGS = ("#affected", "#inneed", "#reached", "#targeted", "#population")


@pytest.fixture(scope="module")
def network_folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("hxl-network")
    assert main(["run", str(NETWORK), "--out", str(base / "run"), "--quiet", "--no-charts"]) == 0
    vary = ["--vary", "funding.funded_fraction=0.62,1"]
    assert main(["compare", str(NETWORK), *vary, "--out", str(base / "compare"), "--quiet", "--no-charts"]) == 0
    return base / "run", base / "compare"


def libhxl_report(path):
    """libhxl's validation of a file against its built-in schema plus the people rule (a count >= 0)."""
    hxl = pytest.importorskip("hxl")
    from hxl.input import InputOptions

    options = InputOptions(allow_local=True)
    people = [{"#valid_tag": tag, "#valid_severity": "error", "#valid_datatype": "number", "#valid_value+min": "0"}
              for tag in PEOPLE_HASHTAGS]  # fmt: skip
    schema = hxl.data([["#valid_tag", "#valid_severity", "#valid_datatype", "#valid_value+min"],
                       *[list(rule.values()) for rule in people]])  # fmt: skip
    built_in = hxl.validate(hxl.data(str(path), options))
    custom = hxl.validate(hxl.data(str(path), options), schema)
    data = hxl.data(str(path), options)
    people_columns = {
        tag: [c.header for c in data.columns if hxl.model.TagPattern.parse(tag).match(c)] for tag in PEOPLE_HASHTAGS
    }
    return built_in, custom, people_columns


def assert_valid_hxl_counting_people_only(path):
    built_in, custom, people_columns = libhxl_report(path)
    assert built_in["stats"]["error"] == 0, built_in["issues"][:3]
    assert custom["stats"]["error"] == 0, custom["issues"][:3]
    tagged_people = {header for headers in people_columns.values() for header in headers}
    assert tagged_people <= PEOPLE_COLUMNS, tagged_people - PEOPLE_COLUMNS


def test_every_hxl_output_is_valid_for_libhxl_and_people_tags_count_people(run_folder, compare_folder, network_folders):
    network_run, network_compare = network_folders
    outputs = [run_folder / "daily.hxl.csv", compare_folder / "compare.hxl.csv",
               network_run / "daily.hxl.csv", network_compare / "compare.hxl.csv"]  # fmt: skip
    for path in outputs:
        assert_valid_hxl_counting_people_only(path)
    # goods are found under #indicator with +num, one column per quantity and commodity
    built_in, _, people = libhxl_report(run_folder / "daily.hxl.csv")
    assert people["#inneed"] == people["#reached"] == []
    assert people["#affected"] == ["population", "arrivals", "departures"]


def test_a_table_that_tags_litres_as_people_fails_the_check(tmp_path):
    # the old daily.hxl.csv's tags: the check above would have caught them
    bad = tmp_path / "old.hxl.csv"
    bad.write_text(
        "date,need_water,distributed_water\n#date,#inneed+water,#reached+water\n2017-10-01,492900.0,492900.0\n"
    )
    with pytest.raises(AssertionError):
        assert_valid_hxl_counting_people_only(bad)
