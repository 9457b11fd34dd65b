"""Turning a scenario file (or plain data) into a validated :class:`Scenario`.

Pydantic's errors are translated into one line each: file, line, field path, problem.
Checks that span several fields (dates inside the horizon, shares summing to at most 1,
disruptions naming known commodities) run after the schema, with the same message format.
"""

from __future__ import annotations

import copy
import difflib
import functools
import typing
from datetime import timedelta
from pathlib import Path
from types import UnionType
from typing import Any

from pydantic import BaseModel, ValidationError

from campsim.load.network_checks import (
    Horizon,
    network_checks,
    rationing_checks,
    single_camp_checks,
    stock_checks,
    surge_checks,
    unknown,
)
from campsim.load.overrides import apply_overrides
from campsim.load.scenario_data import DataFiles, with_data_files
from campsim.load.yamlsource import PathKey, YamlDocument, format_path, read_yaml
from campsim.model import standards
from campsim.model.errors import ScenarioError, ScenarioErrors
from campsim.model.scenario import Scenario

_EXPECTED = {
    "int_type": "an integer",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "list_type": "a list",
    "date_type": "an ISO date like 2017-10-01",
}


def load_scenario(
    path: str | Path, overrides: list[str] | tuple[str, ...] = (), data_root: str | Path | None = None
) -> Scenario:
    """Load and validate a scenario file.

    Args:
        path: the YAML scenario file.
        overrides: ``dotted.key=value`` strings applied before validation (``--set``).
        data_root: the folder its data files must lie in (``--data-root``); default: the file's own folder.

    Raises:
        ScenarioError: the file, an override or a data file it names is invalid.
    """
    return ScenarioFile(path, data_root).load(overrides)


def recorded_overrides(load: typing.Callable[..., Scenario]) -> typing.Callable[..., Scenario]:
    """A scenario loaded with overrides remembers them (Scenario.overrides), so its summary can say so."""

    @functools.wraps(load)
    def loaded(self: ScenarioFile, overrides: list[str] | tuple[str, ...] = (), *args: Any, **kwargs: Any) -> Scenario:
        scenario = load(self, overrides, *args, **kwargs)
        return scenario.with_overrides(overrides) if overrides else scenario

    return loaded


class ScenarioFile:
    """A scenario file read once, from which any number of variants are validated in memory.

    The YAML is parsed once, and every data file it (or a variant) names is read once and
    kept as read, so a sweep or a solve of many points reads each file once. Data files must
    lie inside ``data_root`` (default: the scenario file's folder; see load/files.py).
    """

    def __init__(self, path: str | Path, data_root: str | Path | None = None) -> None:
        self.path = Path(path)
        self.data_root = None if data_root is None else Path(data_root)
        self.document = read_yaml(path)
        self._files: dict[tuple, object] = {}  # (kind, resolved path, options) -> what was read

    @recorded_overrides
    def load(self, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
        """The scenario with ``overrides`` (``--set`` strings) applied, validated.

        Raises:
            ScenarioError: an invalid override, or a variant the schema refuses.
        """
        doc = copy.deepcopy(self.document) if overrides else self.document
        apply_overrides(doc, list(overrides))
        return validate_document(
            doc, base_dir=self.path.parent, source=self.path, files=self._files, data_root=self.data_root
        )


def scenario_from_dict(data: dict[str, Any], base_dir: str | Path = ".", name: str = "<scenario>") -> Scenario:
    """Validate plain data (as a YAML file would hold it) into a Scenario."""
    return validate_document(YamlDocument(data=data, file=name), base_dir=Path(base_dir))


def validate_document(
    doc: YamlDocument,
    base_dir: Path,
    source: Path | None = None,
    files: dict[tuple, object] | None = None,
    data_root: Path | None = None,
) -> Scenario:
    """Validate parsed YAML; raise every problem found, each on its own line.

    ``files`` caches the data files read (see ScenarioFile); without it they are read anew.
    Data files must lie inside ``data_root`` (default ``base_dir``).
    """
    if not isinstance(doc.data, dict):
        raise ScenarioError("expected a mapping of scenario keys", file=doc.file, line=1)
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        raise _as_scenario_errors(exc, doc) from None
    problems = list(_cross_checks(scenario))
    if problems:
        raise ScenarioErrors([doc.error(path, msg) for path, msg in problems])
    where = DataFiles(base_dir, data_root, {} if files is None else files)
    scenario = with_data_files(scenario, doc, where)
    return scenario.model_copy(update={"source": source})


# --- pydantic errors -> one line each -------------------------------------------------


def _as_scenario_errors(exc: ValidationError, doc: YamlDocument) -> ScenarioErrors:
    seen: set[tuple[str, str]] = set()
    errors: list[ScenarioError] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "missing":
            path = _real_path(doc.data, loc[:-1]) + (loc[-1],)
            problem = "required key missing"
        else:
            path = _real_path(doc.data, loc)
            problem = _problem(err, loc)
        key = (format_path(path), problem)
        if key not in seen:
            seen.add(key)
            errors.append(doc.error(path, problem))
    return ScenarioErrors(errors)


def _problem(err: dict[str, Any], loc: PathKey) -> str:
    kind, value = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    got = f", got {_show(value)}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]}?" if near else ""
        return f"unknown key{hint} (allowed: {', '.join(allowed)})"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}{got}"
    if kind == "finite_number":
        return f"expected a finite number{got}"
    bounds = {
        "greater_than_equal": ">=",
        "greater_than": ">",
        "less_than_equal": "<=",
        "less_than": "<",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()))
        shown = f"{limit:,.16g}" if isinstance(limit, int | float) else str(limit)
        return f"expected a number {bounds[kind]} {shown}{got}"
    if kind in ("too_short", "too_long"):  # pydantic's words quote the whole list or map: count it instead
        limit, actual = ctx.get("min_length" if kind == "too_short" else "max_length"), ctx.get("actual_length")
        if actual is None and hasattr(err.get("input"), "__len__"):  # newer pydantic stops counting at the limit
            actual = len(err["input"])
        if limit is not None and actual is not None:
            items = "item" if limit == 1 else "items"
            return f"{'at least' if kind == 'too_short' else 'at most'} {limit:,} {items}, got {actual:,}"
        return f"{err['msg'][0].lower()}{err['msg'][1:]}{got}"
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _real_path(data: Any, loc: PathKey) -> PathKey:
    """Keep the parts of a pydantic loc that are real keys in the data (drop union tags)."""
    path: list[Any] = []
    cur = data
    for part in loc:
        if isinstance(cur, dict):
            key = part if part in cur else _matching_key(cur, part)
            if key is None:
                continue
            path.append(key)
            cur = cur[key]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            path.append(part)
            cur = cur[part]
    return tuple(path)


def _matching_key(mapping: dict, part: Any) -> Any:
    # pydantic renders a non-string dict key by its repr, e.g. "datetime.date(2017, 10, 1)"
    for key in mapping:
        if str(part) in (format_path((key,)), repr(key)):
            return key
    return None


def _allowed_keys(loc: PathKey) -> list[str]:
    """Keys of the model found at a pydantic loc, as a file writes them (for 'unknown key' messages)."""
    tp: Any = Scenario
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = _field_by_key(tp, part)
            if field is not None:
                tp = field.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [field.alias or name for name, field in tp.model_fields.items()]
    return []


def _field_by_key(model: type[BaseModel], key: Any) -> Any:
    """The field a file's key (a field's alias, such as ``from``, or its name) stands for."""
    for name, field in model.model_fields.items():
        if key == (field.alias or name):
            return field
    return None


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the model, list or dict type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


# --- checks across fields -------------------------------------------------------------


def _cross_checks(s: Scenario) -> typing.Iterator[tuple[PathKey, str]]:
    """Yield (path, problem) for rules that span several fields (a network's: network_checks.py)."""
    last = s.start + timedelta(days=s.days - 1)  # start is at most LAST_DATE and days at most MAX_DAYS
    if last > standards.LAST_DATE:
        yield (
            ("days",),
            f"the last day {last} (start {s.start} + {s.days} days - 1) is after {standards.LAST_DATE}; "
            f"dates run from {standards.FIRST_DATE} to {standards.LAST_DATE}",
        )
        return
    horizon = Horizon(s.start, s.days, f"{s.start} .. {last} (days 0..{s.days - 1})")
    outside = horizon.outside

    for name, c in s.commodities.items():
        base: PathKey = ("commodities", name)
        if (c.per_person_day is None) == (c.per_new_household is None):
            yield (
                base,
                (
                    "set exactly one of per_person_day (need per person per day) or "
                    "per_new_household (items per arriving household)"
                ),
            )
        if c.critical_per_person_day is not None:
            if c.per_household:
                yield base + ("critical_per_person_day",), "applies to per_person_day items only"
            elif c.per_person_day is not None and c.critical_per_person_day > c.per_person_day:
                yield (
                    base + ("critical_per_person_day",),
                    (
                        f"critical level {c.critical_per_person_day:g} is above the standard "
                        f"per_person_day {c.per_person_day:g}"
                    ),
                )
        yield from rationing_checks(base, c, c.rationing)
        if not s.is_network:  # in a network these keys are refused (network_checks)
            yield from stock_checks(base, c.initial_stock, c.capacity, c.donations, horizon)
    if s.funding.disbursement.mode == "schedule":
        total = 0.0
        for i, tranche in enumerate(s.funding.disbursement.tranches):
            total += tranche.share
            if outside(tranche.day_index(s.start)):
                key = "date" if tranche.date is not None else "day"
                yield (
                    ("funding", "disbursement", i, key),
                    f"tranche falls outside the horizon {horizon.text}",
                )
        if total > 1 + 1e-9:
            yield ("funding", "disbursement"), f"tranche shares sum to {total:g}; expected at most 1"
    yield from surge_checks(("population",), s.population.arrivals, horizon)
    names = list(s.commodities)
    for i, d in enumerate(s.disruptions):
        if outside(d.start_day(s.start)):
            yield ("disruptions", i, "start"), f"disruption starts outside the horizon {horizon.text}"
        if d.days is None:
            yield ("disruptions", i, "end"), f"end {d.end} is before start {d.start}; end: is the last day, inclusive"
        for j, name in enumerate(d.commodities or []):
            if name not in s.commodities:
                yield ("disruptions", i, "commodities", j), unknown("commodity", name, names)
    yield from network_checks(s, horizon) if s.is_network else single_camp_checks(s)
