"""allocated.yaml: the scenario file as written, with the chosen funded shares put in.

The file is edited as text, so its comments (where every number comes from) stay: each
commodity gets ``funded_fraction:`` (replacing its own if it had one; a commodity's own
share wins over the scenario's and the FTS table's). Data paths are located here and
rewritten by the report, which knows the folder the file goes to.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from campsim.load.yamlsource import parse_yaml
from campsim.results.allocate import DataPath

DATA_KEYS = ("csv", "fts")
_VALUE = re.compile(r"^(?P<head>\s*(?:-\s+)?[^#:]*?:\s*)(?P<value>[^#\s][^#]*?)(?P<tail>\s*(?:#.*)?)$")


def _data_paths(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _data_paths(value, (*path, key))]
    if isinstance(data, list):
        return [found for i, value in enumerate(data) for found in _data_paths(value, (*path, i))]
    return [(path, data)] if path and path[-1] in DATA_KEYS and isinstance(data, str) else []


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def with_shares(path: str | Path, shares: dict[str, float]) -> tuple[list[str], list[DataPath]]:
    """The scenario's lines with each commodity's funded_fraction set, and where its data paths are.

    A commodity written in flow style (``food: {unit: ...}``) gets its key inside the braces.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    doc = parse_yaml(text, str(path))
    lines = text.splitlines()
    edits: list[tuple[int, str | None, str]] = []  # (0-based line, replaced value or None: insert after, text)
    for name, share in shares.items():
        spec = doc.data["commodities"][name]
        own = doc.lines.get(("commodities", name, "funded_fraction"))
        if own is not None:
            edits.append((own - 1, "replace", f"{share!r}"))
            continue
        head = doc.lines[("commodities", name)] - 1
        first = doc.lines.get(("commodities", name, next(iter(spec)))) if spec else None
        if first is not None and first - 1 != head:
            edits.append((head, "insert", f"{_indent(lines[first - 1])}funded_fraction: {share!r}   "
                                          "# chosen by campsim allocate"))  # fmt: skip
        else:
            edits.append((head, "flow", f"funded_fraction: {share!r}"))
    for index, how, new in sorted(edits, reverse=True):
        line = lines[index]
        if how == "replace":
            match = _VALUE.match(line)
            lines[index] = f"{match['head']}{new}{match['tail']}" if match else line
        elif how == "insert":
            lines.insert(index + 1, new)
        else:
            brace = line.index("{")
            lines[index] = f"{line[: brace + 1]}{new}, {line[brace + 1 :]}"
    moved = doc.lines  # data paths are found in the edited text: lines moved by the insertions
    found = []
    inserted = sorted(index for index, how, _ in edits if how == "insert")
    for key_path, value in _data_paths(doc.data):
        index = moved[key_path] - 1
        index += sum(1 for i in inserted if i < index)
        found.append(DataPath(index, value, os.path.abspath(path.parent / value)))
    return lines, found
