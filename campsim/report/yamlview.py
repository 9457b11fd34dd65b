"""Scenario inputs as people write them in YAML: "no", "none", "4,000,000", dates as written.

The report's inputs appendix shows the scenario as validated (every default filled in) as an
indented tree that mirrors the YAML file, not Python's reprs ("False", "[]", "4000000.0").
"""

from __future__ import annotations

from typing import Any

# integers that are identifiers, not amounts: no thousands separators
PLAIN_NUMBER_KEYS = ("seed",)


def scalar(value: Any, key: str = "") -> str:
    """One value in words as a YAML author writes it: yes/no, none, 4,000,000, 0.62, 7, 14, 30."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if key.rsplit(".", 1)[-1] in PLAIN_NUMBER_KEYS:
            return str(value)
        if float(value).is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,}"  # the shortest text that reads back as the same float: 0.62, 1,234.5
    if isinstance(value, list | tuple):
        return ", ".join(scalar(v, key) for v in value) if value else "none"
    if isinstance(value, dict) and not value:
        return "none"
    if value == "":
        return '""'
    return str(value)


def _nested(value: Any) -> bool:
    return (isinstance(value, dict) and bool(value)) or (
        isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
    )


def tree(value: dict[str, Any], depth: int = 0, path: str = "") -> list[tuple[int, str, str]]:
    """(depth, key text, value text) lines of a YAML-like tree; a group's own line has an empty value.

    A list of mappings is written as YAML writes it: each item's first key after "- ".
    """
    lines: list[tuple[int, str, str]] = []
    for key, item in value.items():
        where = f"{path}.{key}" if path else str(key)
        if not _nested(item):
            lines.append((depth, f"{key}:", scalar(item, where)))
        elif isinstance(item, dict):
            lines.append((depth, f"{key}:", ""))
            lines += tree(item, depth + 1, where)
        else:
            lines.append((depth, f"{key}:", ""))
            for i, element in enumerate(item):
                lines += _item(element, depth + 1, f"{where}.{i}")
    return lines


def _item(element: Any, depth: int, path: str) -> list[tuple[int, str, str]]:
    """One list item: '- key: value' then its other keys one level deeper, or '- value'."""
    if not isinstance(element, dict) or not element:
        return [(depth, "-", scalar(element, path))]
    inner = tree(element, depth + 1, path)
    first_depth, first_key, first_value = inner[0]
    return [(depth, f"- {first_key}", first_value), *inner[1:]]
