"""allocated.yaml: the scenario file as written, with the chosen funded shares put in.

The file is edited as text, so its comments (where every number comes from) stay: each
commodity gets ``funded_fraction:`` (replacing its own if it had one; a commodity's own
share wins over the scenario's and the FTS table's). Data paths are located here and
rewritten by the report, which knows the folder the file goes to.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import yaml

from campsim.load.yamlsource import parse_yaml
from campsim.model.errors import ScenarioError
from campsim.results.allocate import DataPath

DATA_KEYS = ("csv", "fts")
_OWN = re.compile(r"(funded_fraction\s*:\s*)[^,}\s#]+")


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

    The text is edited in place (comments kept); a commodity written in flow style
    (``food: {unit: ...}``) gets its key inside the braces. The edit is checked by reading it
    back: if it does not give the same scenario with these shares (a layout the edit does not
    handle), the file is written out anew from its data instead, without its comments.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    doc = parse_yaml(text, str(path))
    lines = _edited(text.splitlines(), doc, shares)
    if not _same_but_shares(lines, doc, shares, str(path)):
        data = copy.deepcopy(doc.data)
        for name, share in shares.items():
            data["commodities"][name]["funded_fraction"] = share
        lines = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).splitlines()
    final = parse_yaml("\n".join(lines), str(path))
    found = [DataPath(final.lines[key_path] - 1, value, os.path.abspath(path.parent / value))
             for key_path, value in _data_paths(final.data)]  # fmt: skip
    return lines, found


def _edited(lines: list[str], doc, shares: dict[str, float]) -> list[str]:
    lines = list(lines)
    edits: list[tuple[int, str, str]] = []  # (0-based line, how, text)
    for name, share in shares.items():
        spec = doc.data["commodities"][name]
        own = doc.lines.get(("commodities", name, "funded_fraction"))
        head = doc.lines[("commodities", name)] - 1
        if own is not None:
            edits.append((own - 1, "replace", f"{share!r}"))
            continue
        first = doc.lines.get(("commodities", name, next(iter(spec)))) if spec else None
        if first is not None and first - 1 != head:
            edits.append((head, "insert", f"{_indent(lines[first - 1])}funded_fraction: {share!r}   "
                                          "# chosen by campsim allocate"))  # fmt: skip
        else:
            edits.append((head, "flow", f"funded_fraction: {share!r}"))
    for index, how, new in sorted(edits, reverse=True):
        line = lines[index]
        if how == "replace":
            lines[index] = _OWN.sub(lambda m, new=new: f"{m[1]}{new}", line, count=1)
        elif how == "insert":
            lines.insert(index + 1, new)
        elif "{" in line:
            brace = line.index("{")
            lines[index] = f"{line[: brace + 1]}{new}, {line[brace + 1 :]}"
    return lines


def _without_shares(data: Any) -> Any:
    data = copy.deepcopy(data)
    for spec in (data.get("commodities") or {}).values():
        if isinstance(spec, dict):
            spec.pop("funded_fraction", None)
    return data


def _same_but_shares(lines: list[str], doc, shares: dict[str, float], name: str) -> bool:
    """Whether the edited text reads back as the scenario with exactly these shares."""
    try:
        again = parse_yaml("\n".join(lines), name)
    except ScenarioError:
        return False
    got = {n: (again.data.get("commodities") or {}).get(n, {}).get("funded_fraction") for n in shares}
    return got == shares and _without_shares(again.data) == _without_shares(doc.data)
