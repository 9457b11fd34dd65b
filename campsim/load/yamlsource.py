"""Safe YAML loading that remembers where every key is, and ``--set`` overrides.

PyYAML's safe loader is used, never one that constructs Python objects. On top of it
we keep each key's line number (for one-line error messages), reject duplicate keys
(PyYAML silently keeps the last) and refuse alias expansions that would blow up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from campsim.load.files import read_regular, shown
from campsim.model.errors import DataFileError, ScenarioError

# A scenario has at most a few thousand nodes; an alias bomb has billions.
MAX_YAML_NODES = 200_000
MAX_FILE_BYTES = 20_000_000

PathKey = tuple[Any, ...]

_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{kind}" for kind in ("bool", "int", "float"))
_REFUSED = "tag:campsim,2026:refused-number"


class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's safe loader reading plain scalars as YAML 1.2's core schema does.

    YAML 1.1 (PyYAML's default) reads ``1e6`` as text, ``0x1e`` as 30, ``017`` as 15, ``1_000`` as
    1000, ``1:30`` as 90 and yes/no/on/off as true/false. Here ``1e6`` is a number; hex, octal,
    binary, leading zeros and underscores are refused (see :func:`refused_number`), and the
    rest are text, as in YAML 1.2. Dates (2017-10-01) stay dates: the format is built on them.
    """


ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _first in (
    # looks like a number but is not one campsim reads: checked first
    (_REFUSED, r"[-+]?(?:0[xXoObB][0-9a-fA-F_]*|0[0-9_]+"
     r"|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[0-9]+\.[0-9]*_[0-9_]*)", "-+0123456789"),
    (_BOOL, r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (_INT, r"[-+]?[0-9]+", "-+0123456789"),
    (_FLOAT, r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
     "-+0123456789."),
):  # fmt: skip
    ScenarioLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


def refused_number(text: str) -> str:
    """Why ``text`` (a hex, octal or binary number, a leading zero, an underscore) is refused."""
    body = text.lstrip("+-")
    if body[:2].lower() in ("0x", "0o", "0b"):
        kind = {"0x": "a hexadecimal", "0o": "an octal", "0b": "a binary"}[body[:2].lower()]
        return f"{text!r} is {kind} number; write numbers in decimal, or quote text"
    if "_" in text:
        return f"{text!r}: underscores in numbers are refused; write {text.replace('_', '')}, or quote text"
    return (
        f"{text!r}: a leading zero makes an octal number in YAML 1.1 and a decimal one in YAML 1.2; "
        f"write {text[: len(text) - len(body)]}{body.lstrip('0') or '0'}, or quote text"
    )


def parse_scalar(text: str) -> Any:
    """A ``--set`` or ``--vary`` value read as a scenario file's plain scalar would be.

    Raises:
        ValueError: a refused number (see :func:`refused_number`).
        yaml.YAMLError: not YAML.
    """
    loader = ScenarioLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == _REFUSED:
            raise ValueError(refused_number(node.value))
        return loader.construct_document(node)
    finally:
        loader.dispose()


@dataclass
class YamlDocument:
    """Plain data from a YAML file, with the line of every key and list item."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)
    overridden: dict[PathKey, str] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """Line of the deepest part of ``path`` that the file has (1-based)."""
        for n in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:n]))
            if line is not None:
                return line
        return None

    def error(self, path: PathKey, problem: str) -> ScenarioError:
        """A ScenarioError located at ``path``, naming ``--set`` if an override put it there."""
        for n in range(len(path), 0, -1):
            option = self.overridden.get(tuple(path[:n]))
            if option is not None:
                return ScenarioError(problem, file=f"{self.file} (--set {option})", path=format_path(path))
        return ScenarioError(problem, file=self.file, line=self.line_of(path), path=format_path(path) or None)


def format_path(path: PathKey) -> str:
    """``("commodities", "water", "rationing", 0)`` -> ``commodities.water.rationing.0``."""
    return ".".join(_part(p) for p in path)


def _part(p: Any) -> str:
    if isinstance(p, date):
        return p.isoformat()
    text = str(p)
    # keep the message on one line whatever the key holds
    return text if text.isprintable() else repr(text)


def read_yaml(path: str | Path) -> YamlDocument:
    """Read a YAML file into plain data, keeping key lines.

    Raises:
        ScenarioError: unreadable file, not UTF-8, not YAML, duplicate key, alias bomb.
    """
    name = str(path)
    try:  # a regular file only: a FIFO or /dev/zero is refused before a byte is read
        raw = read_regular(path, MAX_FILE_BYTES, "YAML scenario file")
    except DataFileError as exc:
        raise ScenarioError(exc.problem, file=shown(name)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError("not UTF-8 text; save the scenario as UTF-8", file=name, line=line) from None
    return parse_yaml(text, name)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def _too_many_nodes(text: str) -> bool:
    """Whether the text holds more than MAX_YAML_NODES nodes, found by libyaml's C parser.

    The full parse is pure Python (it keeps every key's line) and takes tens of seconds on a
    file of 100,000 dates; libyaml counts its events in a fraction of that, so such a file is
    refused at once. Without libyaml, or on a syntax error (which the full parse reports with
    its line), this says no and the full parse's own count applies.
    """
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return False
    count = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            count += isinstance(event, _NODE_EVENTS)
            if count > MAX_YAML_NODES:
                return True
    except yaml.YAMLError:
        return False
    return False


def parse_yaml(text: str, name: str) -> YamlDocument:
    """Parse YAML text (see :func:`read_yaml`)."""
    if "\x00" in text:
        raise ScenarioError("binary data, expected a YAML text file", file=name)
    if _too_many_nodes(text):
        raise ScenarioError(f"more than {MAX_YAML_NODES:,} YAML nodes: a scenario file holds settings; long series "
                            "belong in a data file (csv:)", file=name)  # fmt: skip
    try:  # PyYAML's reader checks every character before any parsing
        loader = ScenarioLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(f"character U+{exc.character:04X} is not allowed in a YAML file; a scenario holds "
                            "printable text (write it as an escape in a quoted string)", file=name,
                            line=line) from None  # fmt: skip
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError("empty file, expected a YAML mapping of scenario keys", file=name)
        doc = YamlDocument(data=None, file=name)
        _walk(node, (), doc, loader, [0], set())
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, name) from None
    except RecursionError:
        raise ScenarioError("YAML nested too deeply; refused", file=name) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__} value"
        raise ScenarioError(
            f"the file holds {kind}; expected a mapping of scenario keys (name:, start:, days: ...)",
            file=name,
            line=node.start_mark.line + 1,
        )
    doc.data = data
    return doc


def _yaml_error(exc: yaml.YAMLError, text: str, name: str) -> ScenarioError:
    """PyYAML's error as one line, at a line that exists in the file."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    mark = problem_mark or context_mark
    if mark is not None and mark.line + 1 > last_line and context_mark is not None:
        mark = context_mark  # the stream ended: point at what was left open
    line = min(mark.line + 1, max(last_line, 1)) if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    tag = re.search(r"constructor for the tag '([^']*)'", problem)
    if tag:
        return ScenarioError(
            f"YAML tag {tag.group(1)!r} is refused; a scenario holds plain data only", file=name, line=line
        )
    context = getattr(exc, "context", None)
    indented = _indentation(text, mark.line) if problem_mark is not None and mark is problem_mark else None
    if indented is not None and ("<block end>" in problem or "mapping values are not allowed" in problem):
        return ScenarioError(f"not valid YAML: {indented}", file=name, line=line)
    words = f"{context}; {problem}" if context else problem
    return ScenarioError(f"not valid YAML: {' '.join(words.split())}", file=name, line=line)


def _indentation(text: str, index: int) -> str | None:
    """Plain words for a line indented unlike the keys around it (PyYAML says "expected <block end>")."""
    lines = text.splitlines()
    if not 0 < index < len(lines):
        return None

    def column(n: int) -> int:  # where the key starts, after any "- " of list items
        stripped = lines[n].lstrip(" ")
        while stripped.startswith("- "):
            stripped = stripped[2:].lstrip(" ")
        return len(lines[n]) - len(stripped)

    def content(n: int) -> bool:
        return bool(lines[n].strip()) and not lines[n].lstrip().startswith("#")

    above = [n for n in range(index) if content(n)]
    if not above or not content(index):
        return None
    here, previous = column(index), above[-1]
    if here > column(previous) and not lines[previous].rstrip().endswith(":"):
        return (
            f"line {index + 1} is indented more than the key above it (line {previous + 1}); "
            "line it up with that key, or put it under a key that ends with ':'"
        )
    parent = next((n for n in reversed(above) if column(n) < here), None)
    if here < column(previous) and parent is not None and column(parent) < here:
        return (
            f"line {index + 1} is indented less than the line above it (line {previous + 1}) but more than "
            f"line {parent + 1}; line it up with one of them"
        )
    return None


def _walk(
    node: yaml.Node,
    path: PathKey,
    doc: YamlDocument,
    loader: yaml.SafeLoader,
    count: list[int],
    ancestors: set[int],
) -> None:
    """Record key lines; reject duplicate keys, bad dates, recursive aliases and alias bombs."""
    count[0] += 1
    if count[0] > MAX_YAML_NODES:
        raise ScenarioError(f"more than {MAX_YAML_NODES} YAML nodes (an alias expansion?); refused", file=doc.file)
    line = node.start_mark.line + 1
    if id(node) in ancestors:
        raise ScenarioError(
            "a YAML alias refers to itself; refused", file=doc.file, line=line, path=format_path(path) or None
        )
    if isinstance(node, yaml.ScalarNode):
        _construct_scalar(node, path, doc, loader)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        explicit = [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]
        for key_node, _ in explicit:
            value = _construct_scalar(key_node, path, doc, loader)
            key_line = key_node.start_mark.line + 1
            if value is None or (not path and not isinstance(value, str)):
                raise ScenarioError(
                    f"key {key_node.value or '~'!r} is not a name; scenario keys are names like start:",
                    file=doc.file,
                    line=key_line,
                    path=format_path(path) or None,
                )
            # a date written as 2017-10-01 and as "2017-10-01" is the same key once validated
            key = format_path((value,))
            if key in seen:
                raise ScenarioError(
                    f"duplicate key {key_node.value!r} (first on line {seen[key]})",
                    file=doc.file,
                    line=key_line,
                    path=format_path(path + (key,)),
                )
            seen[key] = key_line
        loader.flatten_mapping(node)  # YAML merge keys (<<): explicit keys win, as PyYAML does
        inner = ancestors | {id(node)}
        for key_node, value_node in node.value:
            key = _construct_scalar(key_node, path, doc, loader)
            doc.lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), doc, loader, count, inner)
    elif isinstance(node, yaml.SequenceNode):
        inner = ancestors | {id(node)}
        for i, item in enumerate(node.value):
            doc.lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), doc, loader, count, inner)


def _construct_scalar(node: yaml.Node, path: PathKey, doc: YamlDocument, loader: yaml.SafeLoader) -> Any:
    """A scalar's value, refusing keys that are not plain values and impossible dates."""
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioError(
            "a mapping key must be a plain value", file=doc.file, line=line, path=format_path(path) or None
        )
    if node.tag == _REFUSED:
        raise ScenarioError(refused_number(node.value), file=doc.file, line=line, path=format_path(path) or None)
    try:
        return loader.construct_object(node)
    except (ValueError, OverflowError):
        # PyYAML builds dates with datetime, which raises plain ValueError for 2017-02-30
        raise ScenarioError(
            f"{node.value!r} is not a valid date; expected an ISO date like 2017-10-01",
            file=doc.file,
            line=line,
            path=format_path(path) or None,
        ) from None
