"""`campsim init` writes a template that validates and runs; `campsim schema` describes the format (issue 15.13).

The schema is checked with check-jsonschema, the real command editors and CI use, which
reads YAML 1.2 (as campsim now does) and turns dates into ISO strings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import campsim
from campsim.cli import main
from campsim.load.advice import load_with_warnings
from tests.conftest import ROOT

INVALID = ROOT / "tests" / "invalid_scenarios"
SHIPPED = [*sorted((ROOT / "scenarios").glob("*.yaml")), *sorted((ROOT / "benchmarks" / "scenarios").glob("*.yaml")),
           *sorted((ROOT / "tests" / "data").glob("*.yaml"))]  # fmt: skip

# Invalid fixtures whose fault a JSON Schema cannot express, by reason. Every other fixture must be
# rejected by the schema; these must be accepted by it (so the list stays true as the schema grows).
BEYOND_A_SCHEMA = {
    "the fault is in a data file the schema does not read": [
        "csv_bad_date", "csv_file_missing", "csv_missing_column", "csv_negative_count",
        "csv_nonnumeric_count", "csv_not_a_table", "csv_only_female_column", "csv_outside_folder", "fts_nonnumeric", "hxl_missing_tag",
        "network_camp_csv_missing", "network_camp_not_in_loc"],
    "a date against the horizon (start + days)": [
        "disruption_end_before_start", "disruption_outside_horizon", "donation_outside_horizon", "end_date_overflow",
        "network_camp_donation_outside_horizon", "network_camp_surge_outside_horizon",
        "network_warehouse_donation_outside_horizon", "surge_outside_horizon", "tranche_outside_horizon"],
    "a name that must match another entry (cross-reference)": [
        "disruption_unknown_commodity", "fts_missing_cluster", "network_camp_and_warehouse_same_name",
        "network_camp_rationing_on_kit", "network_camp_unknown_commodity", "network_disruption_unknown_commodity",
        "network_disruption_unknown_route", "network_disruption_unknown_site", "network_duplicate_route",
        "network_missing_route", "network_overflow_cycle", "network_overflow_to_a_warehouse",
        "network_overflow_to_itself", "network_priority_twice", "network_route_from_a_camp",
        "network_route_to_a_warehouse", "network_route_to_unknown_camp", "network_shelf_life_at_warehouse",
        "network_supply_from_a_camp", "network_supply_warehouse_lacks_commodity", "network_unknown_overflow_camp",
        "network_unknown_priority_camp", "network_unknown_supply_warehouse", "network_warehouse_unknown_commodity"],
    "two values of the file compared, or summed": [
        "initial_stock_above_capacity", "network_camp_duplicate_rationing_threshold",
        "network_camp_initial_stock_above_capacity", "network_initial_above_max_population",
        "network_warehouse_initial_stock_above_capacity", "tranche_shares_above_one", "triangular_out_of_order"],
    "a default by name (food and water take their need from Sphere)": ["need_neither"],
    "JSON has no NaN, so a schema's bounds let it through": ["nan_cost"],
    "YAML 1.2 reads hex and octal as numbers; campsim refuses them when reading, before any schema": [
        "number_hex", "number_octal", "number_octal_0o", "number_underscore"],
}  # fmt: skip
EXEMPT = {name for names in BEYOND_A_SCHEMA.values() for name in names}


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "scenario.schema.json"
    result = subprocess.run([sys.executable, "-m", "campsim", "schema"], capture_output=True, text=True, check=True,
                            cwd=ROOT)  # fmt: skip
    path.write_text(result.stdout)
    return path


def _check_jsonschema(schema: Path, files: list[Path]) -> tuple[set[str], set[str]]:
    """(files with schema errors, files that failed to parse) by stem, from the check-jsonschema command."""
    command = shutil.which("check-jsonschema")
    assert command, "check-jsonschema is in the test extra: pip install -e .[test]"
    result = subprocess.run([command, "-o", "json", "--schemafile", str(schema), *map(str, files)],
                            capture_output=True, text=True)  # fmt: skip
    report = json.loads(result.stdout)
    return ({Path(e["filename"]).stem for e in report.get("errors", [])},
            {Path(e["filename"]).stem for e in report.get("parse_errors", [])})  # fmt: skip


def test_the_schema_is_a_valid_json_schema(schema_file):
    schema = json.loads(schema_file.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == "campsim scenario" and schema["additionalProperties"] is False


def test_the_schema_accepts_every_shipped_scenario_and_the_template(schema_file, tmp_path, monkeypatch):
    """pydantic's own schema rejected all four shipped scenarios (dates, lead times, disbursement lists)."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "camp"]) == 0
    assert _check_jsonschema(schema_file, [*SHIPPED, tmp_path / "camp.yaml"]) == (set(), set())


def test_the_schema_rejects_the_invalid_fixtures_it_can(schema_file):
    fixtures = sorted(INVALID.glob("*.yaml"))
    assert EXEMPT <= {p.stem for p in fixtures}, "an exempt fixture no longer exists"
    errors, unparsed = _check_jsonschema(schema_file, fixtures)
    rejected = errors | unparsed
    should_reject = {p.stem for p in fixtures} - EXEMPT
    assert should_reject - rejected == set(), "the schema accepts these invalid files"
    assert EXEMPT & rejected == set(), "the schema now rejects these: move them out of BEYOND_A_SCHEMA"


def test_the_schema_rejects_a_misspelt_key_and_accepts_percent_and_end(schema_file, tmp_path):
    text = (ROOT / "scenarios" / "ramadi.yaml").read_text()
    good = tmp_path / "good.yaml"
    good.write_text(
        text.replace("funded_fraction: 0.62", "funded_fraction: 62%").replace("days: 3\n", "end: 2017-11-22\n")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("order_up_to_days: 4", "order_upto_days: 4"))
    assert campsim.load_scenario(good).disruptions[0].days == 3
    assert _check_jsonschema(schema_file, [good, bad]) == ({"bad"}, set())


def test_init_writes_a_template_that_validates_without_warnings_and_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "Kilo 18 'north'"]) == 0
    path = tmp_path / "Kilo 18 'north'.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    for source in ("[Sphere]", "[WFP]", "[Iraq SNFI]", "[U]"):
        assert source in text
    scenario, warnings = load_with_warnings(path)
    assert warnings == [] and scenario.name == "Kilo 18 'north'"
    assert list(scenario.commodities) == ["food", "water", "hygiene", "household_kits"]
    assert scenario.commodities["water"].per_person_day == 15 and scenario.commodities["food"].per_person_day == 1
    assert main(["validate", "--strict", str(path)]) == 0
    summary = campsim.simulate(scenario).summary
    assert summary["days"] == 180 and set(summary["commodities"]) == set(scenario.commodities)


def test_init_refuses_to_overwrite_without_force(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "camp.yaml").write_text("mine")
    assert main(["init", "camp"]) == 2
    assert "camp.yaml: exists; give --force to replace it" in capsys.readouterr().err
    assert (tmp_path / "camp.yaml").read_text() == "mine"
    assert main(["init", "camp.yaml", "--force"]) == 0
    assert campsim.load_scenario(tmp_path / "camp.yaml").name == "camp"


@pytest.mark.slow
def test_the_template_runs_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "camp"]) == 0
    assert main(["run", "camp.yaml", "--out", "report", "-q"]) == 0
    assert (tmp_path / "report" / "report.html").exists()
