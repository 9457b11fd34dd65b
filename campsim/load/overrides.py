"""``--set dotted.key=value``: one value of a scenario file changed before validation.

An override changes a value the file has (or a key of a mapping it has); it never adds a
camp, warehouse, route or commodity, so a misspelt name is an error, not a new entry.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml

from campsim.load.yamlsource import PathKey, YamlDocument, format_path, parse_scalar
from campsim.model.errors import ScenarioError


def apply_overrides(doc: YamlDocument, overrides: list[str]) -> None:
    """Apply ``--set dotted.key=value`` overrides in place; values are parsed as YAML scalars.

    Raises:
        ScenarioError: malformed override or a path through a non-mapping.
    """
    for option in overrides:
        key, sep, text = option.partition("=")
        key = key.strip()
        if not sep or not key or any(not part for part in key.split(".")):
            raise ScenarioError(
                f"--set {option!r}: expected KEY=VALUE with a dotted key, "
                "e.g. commodities.food.ordering.lead_time_days=30"
            )
        try:
            value = parse_scalar(text) if text.strip() else None
        except ValueError as exc:
            raise ScenarioError(f"--set {option!r}: {exc}") from None
        except yaml.YAMLError:
            raise ScenarioError(f"--set {option!r}: the value is not a YAML scalar") from None
        if isinstance(value, dict | list):
            raise ScenarioError(f"--set {option!r}: the value must be a single scalar")
        target = doc.data
        path: PathKey = ()
        parts = key.split(".")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            step: Any = part
            if isinstance(target, list):
                if not part.isdigit() or int(part) >= len(target):
                    raise ScenarioError(
                        f"--set {option!r}: {format_path(path) or 'the scenario'} is a list "
                        f"of {len(target)}; expected an index 0..{len(target) - 1}, got {part!r}"
                    )
                step = int(part)
            elif isinstance(target, dict):
                step = _existing_key(target, part)
                if step not in target and _names_entries(path):
                    raise ScenarioError(f"--set {option!r}: {_no_entry(path, part, target)}")
            else:
                raise ScenarioError(f"--set {option!r}: {format_path(path)} is a single value, not a mapping")
            path += (step,)
            if last:
                target[step] = value
            else:
                if isinstance(target, dict) and step not in target:
                    target[step] = {}
                target = target[step]
        doc.overridden[path] = option


ENTRY_NAMES = {"camps": "camp", "warehouses": "warehouse", "routes": "route", "commodities": "commodity"}


def _no_entry(path: PathKey, name: str, entries: dict) -> str:
    """'no commodity 'watr' in the scenario; did you mean water? ...': a typo must not add an entry."""
    what = ENTRY_NAMES[path[-1]]
    names = [str(key) for key in entries]
    near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    where = "the scenario" if len(path) == 1 else format_path(path[:-1])
    hint = f"; did you mean {near[0]}?" if near else ""
    return (
        f"no {what} {name!r} in {where}{hint} ({format_path(path)} has: {', '.join(names) or 'none'}); "
        f"--set changes values, it does not add a {what}"
    )


def _names_entries(path: PathKey) -> bool:
    """Whether the mapping at ``path`` is a collection of named entries (camps, routes, commodities ...)."""
    if len(path) == 1:
        return path[0] in ("camps", "warehouses", "routes", "commodities")
    return len(path) == 3 and path[0] in ("camps", "warehouses") and path[2] == "commodities"


def _existing_key(mapping: dict, part: str) -> Any:
    """Match a dotted-key part to an existing key, including non-string keys such as dates."""
    if part in mapping:
        return part
    for key in mapping:
        if not isinstance(key, str) and format_path((key,)) == part:
            return key
    return part
