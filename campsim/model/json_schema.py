"""The scenario format as a JSON Schema (``campsim schema``), for editors and other tools.

Built from the pydantic models, so it follows the format as the loader reads it: keys,
types, bounds, unknown keys refused. Rules across fields (exactly one of days: or end:,
names that must exist, dates inside the horizon) are the loader's: a file the schema
accepts can still be refused by ``campsim validate``, never the other way round.
"""

from __future__ import annotations

from typing import Any

from campsim.model.scenario import Scenario
from campsim.model.schema import LOADER_FIELDS


def _one_of(*keys: str) -> dict[str, Any]:
    return {"oneOf": [{"required": [key]} for key in keys]}


def _not_both(a: str, b: str) -> dict[str, Any]:
    return {"not": {"required": [a, b]}}


_NAME = {"pattern": r"^[^.]*[^.\s][^.]*$"}  # not blank, no dot (names are parts of --set keys)
_NON_EMPTY = {"minItems": 1}
# rules of one object that pydantic checks in validators, written for the schema
_RULES: dict[str, dict[str, Any]] = {
    "ArrivalComponent": _one_of("rate", "surge", "csv"),
    "Disruption": {
        **_one_of("days", "end"),
        "allOf": [_not_both("routes", "commodities"), _not_both("routes", "sites")],
        "properties": {key: _NON_EMPTY for key in ("routes", "sites", "commodities")},
    },
    "CampStock": _not_both("supply", "ordering"),
    "Commodity": {
        **_not_both("per_person_day", "per_new_household"),
        "if": {"required": ["per_new_household"]},
        "then": {"properties": {"rationing": {"maxItems": 0}}},
    },
    "Funding": {"properties": {"disbursement": _NON_EMPTY}},  # a tranche list (minItems ignores text)
    "Tranche": _one_of("date", "day"),
    "Donation": _one_of("date", "day"),
    "Route": {"properties": {"capacity_kg_per_day": {"anyOf": [{"const": 0}, {"minimum": 0.001}, {"type": "null"}]}}},
}
_LOCATION = {
    "type": "array",
    "prefixItems": [
        {"type": "number", "minimum": -90, "maximum": 90},
        {"type": "number", "minimum": -180, "maximum": 180},
    ],
    "minItems": 2,
    "maxItems": 2,
}
# a network (camps:) keeps stock at the sites; a single camp has no network keys
_NETWORK = {
    "dependentRequired": {key: ["camps"] for key in ("warehouses", "routes", "allocation", "priority")},
    "dependentSchemas": {
        "camps": {
            "not": {"required": ["population"]},
            "properties": {
                "commodities": {
                    "additionalProperties": {
                        "properties": {key: False for key in ("initial_stock", "capacity", "ordering", "donations")}
                    }
                }
            },
        }
    },
    "if": {"not": {"required": ["camps"]}},
    "then": {"properties": {"disruptions": {"items": {"properties": {"routes": False, "sites": False}}}}},
}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    _drop_loader_fields(schema)
    schema["$defs"].pop("ArrivalCounts", None)
    for name, rules in _RULES.items():
        _merge(schema["$defs"][name], rules)
    for name in ("Camp", "Warehouse"):
        schema["$defs"][name]["properties"]["location"] = {"anyOf": [_LOCATION, {"type": "null"}]}
    for key in ("camps", "warehouses", "routes"):
        for option in schema["properties"][key].get("anyOf", [schema["properties"][key]]):
            if option.get("type") == "object":
                option["propertyNames"] = _NAME
    _merge(schema, _NETWORK)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "campsim scenario",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def _drop_loader_fields(node: Any) -> None:
    """Fields the loader fills from data files are refused in a file: not in the schema."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key in LOADER_FIELDS & set(properties):
                del properties[key]
        for value in node.values():
            _drop_loader_fields(value)
    elif isinstance(node, list):
        for value in node:
            _drop_loader_fields(value)


def _merge(target: dict[str, Any], rules: dict[str, Any]) -> None:
    """Add ``rules`` to a schema object; ``properties`` are merged key by key (allOf keeps both)."""
    for key, value in rules.items():
        if key == "properties":
            for name, extra in value.items():
                current = target["properties"][name]
                target["properties"][name] = {"allOf": [current, extra]}
        else:
            target[key] = value
