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

from campsim.load.datafiles import MappingError, funded_fractions, read_arrival_counts, read_fts
from campsim.load.network_checks import (
    Horizon,
    network_checks,
    rationing_checks,
    single_camp_checks,
    stock_checks,
    surge_checks,
    unknown,
)
from campsim.load.yamlsource import PathKey, YamlDocument, apply_overrides, format_path, read_yaml
from campsim.model.errors import DataFileError, ScenarioError, ScenarioErrors
from campsim.model.scenario import Scenario
from campsim.model.series import arrival_series

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


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Load and validate a scenario file.

    Args:
        path: the YAML scenario file.
        overrides: ``dotted.key=value`` strings applied before validation (``--set``).

    Raises:
        ScenarioError: the file, an override or a data file it names is invalid.
    """
    return ScenarioFile(path).load(overrides)


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
    kept as read, so a sweep or a solve of many points reads each file once.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
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
        return validate_document(doc, base_dir=self.path.parent, source=self.path, files=self._files)


def scenario_from_dict(data: dict[str, Any], base_dir: str | Path = ".", name: str = "<scenario>") -> Scenario:
    """Validate plain data (as a YAML file would hold it) into a Scenario."""
    return validate_document(YamlDocument(data=data, file=name), base_dir=Path(base_dir))


def validate_document(
    doc: YamlDocument, base_dir: Path, source: Path | None = None, files: dict[tuple, object] | None = None
) -> Scenario:
    """Validate parsed YAML; raise every problem found, each on its own line.

    ``files`` caches the data files read (see ScenarioFile); without it they are read anew.
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
    scenario = _with_data_files(scenario, doc, base_dir, {} if files is None else files)
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
    if kind in ("too_short", "too_long"):
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
    try:
        last = s.start + timedelta(days=s.days)
    except OverflowError:
        yield ("days",), f"start {s.start} + {s.days} days runs past the calendar's end (9999-12-31)"
        return
    last -= timedelta(days=1)
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
        for j, name in enumerate(d.commodities or []):
            if name not in s.commodities:
                yield ("disruptions", i, "commodities", j), unknown("commodity", name, names)
    yield from network_checks(s, horizon) if s.is_network else single_camp_checks(s)


def _cached(files: dict[tuple, object], key: tuple, read: typing.Callable[[], object]) -> object:
    if key not in files:
        files[key] = read()
    return files[key]


def _with_data_files(s: Scenario, doc: YamlDocument, base_dir: Path, files: dict[tuple, object]) -> Scenario:
    """The scenario with its data files (csv: arrivals, funding.fts) read into explicit fields.

    Paths are relative to the scenario file. Counts are kept as written: households become
    people when the plan is compiled, with the variant's own household_size. A network's
    camps each have their own population, and so their own arrivals files.
    """
    update: dict[str, Any] = {}
    population = _population_with_data(s, s.population, ("population",), doc, base_dir, files)
    if population is not None:
        update["population"] = population
    if s.camps is not None:
        camps = dict(s.camps)
        for name, camp in s.camps.items():
            population = _population_with_data(s, camp.population, ("camps", name, "population"), doc, base_dir, files)
            if population is not None:
                camps[name] = camp.model_copy(update={"population": population})
        if camps != s.camps:
            update["camps"] = camps
    if s.funding.fts is not None:
        fractions = _fts_fractions(s, doc, base_dir, files)
        update["funding"] = s.funding.model_copy(update={"fts_fractions": fractions})
    return s.model_copy(update=update) if update else s


def _population_with_data(
    s: Scenario, population: Any, base: PathKey, doc: YamlDocument, base_dir: Path, files: dict[tuple, object]
) -> Any:
    """``population`` with its csv: arrivals' counts in their ``data`` fields (None if it has no csv:)."""
    arrivals = list(population.arrivals)
    for i, comp in enumerate(arrivals):
        if comp.csv is None:
            continue
        path = base_dir / comp.csv
        try:
            key = ("arrivals", path, comp.column, comp.kind)
            counts = _cached(files, key, functools.partial(read_arrival_counts, path, comp.column, comp.kind))
            data = arrival_series(counts, population.household_size)
        except DataFileError as exc:
            raise doc.error(base + ("arrivals", i, "csv"), _where(comp.csv, exc)) from None
        last = s.start + timedelta(days=s.days - 1)
        if not data.touches(s.start, last):  # rows outside the horizon are ignored, but not all of them
            raise doc.error(
                base + ("arrivals", i, "csv"),
                f"{comp.csv}: no date within the scenario's horizon {s.start} to {last} (the file runs from "
                f"{data.report_dates[0]} to {data.report_dates[-1]}); check the years, or the scenario's start",
            )
        arrivals[i] = comp.model_copy(update={"data": counts})
    if not any(comp.csv is not None for comp in arrivals):
        return None
    return population.model_copy(update={"arrivals": arrivals})


def _where(file: str, exc: DataFileError) -> str:
    name = file if file.isprintable() else repr(file)  # a NUL or newline in a path stays on one line
    return name + (f" line {exc.line}" if exc.line else "") + f": {exc.problem}"


def _fts_fractions(s: Scenario, doc: YamlDocument, base_dir: Path, files: dict[tuple, object]) -> dict[str, float]:
    """Each commodity's funded share from the FTS table (commodities with their own share excepted)."""
    path = base_dir / s.funding.fts
    try:
        rows = _cached(files, ("fts", path), functools.partial(read_fts, path))
        mapped, plan = funded_fractions(rows, s.funding.clusters, list(s.commodities))
    except DataFileError as exc:
        raise doc.error(("funding", "fts"), _where(s.funding.fts, exc)) from None
    except MappingError as exc:
        raise doc.error(("funding", "clusters", exc.cluster), f"{s.funding.fts}: {exc.problem}") from None
    explicit = "funded_fraction" in s.funding.model_fields_set
    fractions = dict(mapped)
    for name, c in s.commodities.items():
        if name in fractions or c.funded_fraction is not None or explicit:
            continue  # its own share, or the scenario's funding.funded_fraction, applies
        if plan is None:
            raise doc.error(
                ("funding", "clusters") if s.funding.clusters is not None else ("funding", "fts"),
                f"commodity {name!r} is in no cluster of funding.clusters and {s.funding.fts} has no plan row "
                "(a row without a cluster name); map it, or give funding.funded_fraction or its own funded_fraction",
            )
        try:
            fractions[name] = plan.share()
        except DataFileError as exc:
            raise doc.error(("funding", "fts"), _where(s.funding.fts, exc)) from None
    return fractions
