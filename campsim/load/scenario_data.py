"""A scenario's data files (``csv:`` arrivals, ``funding.fts``) read into the scenario's explicit fields.

Every path is resolved inside the allowed folder first (files.inside), then read once per
scenario file however many variants name it (DataFiles.cache).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from campsim.load.counts import count_table
from campsim.load.datafiles import MappingError, arrival_counts, funded_fractions, read_fts
from campsim.load.files import inside, shown
from campsim.load.yamlsource import PathKey, YamlDocument
from campsim.model.errors import DataFileError
from campsim.model.scenario import Scenario
from campsim.model.series import arrival_series


@dataclass
class DataFiles:
    """Where a scenario's data files are (``base_dir``), where they may be (``root``), and those read."""

    base_dir: Path
    root: Path | None
    cache: dict[tuple, object]

    def read(self, key: tuple, name: str, read: typing.Callable[[Path], object]) -> object:
        """``read(path)`` of the data file ``name``, once per key; DataFileError if it lies outside the root."""
        path = inside(name, self.base_dir, self.root)
        full = (key[0], path, *key[1:])
        if full not in self.cache:
            self.cache[full] = read(path)
        return self.cache[full]


def with_data_files(s: Scenario, doc: YamlDocument, files: DataFiles) -> Scenario:
    """The scenario with its data files (csv: arrivals, funding.fts) read into explicit fields.

    Paths are relative to the scenario file. Counts are kept as written: households become
    people when the plan is compiled, with the variant's own household_size. A network's
    camps each have their own population, and so their own arrivals files (a file shared by
    camps gives each the rows of its #loc+name).
    """
    update: dict[str, Any] = {}
    population = _population_with_data(s, s.population, ("population",), doc, files)
    if population is not None:
        update["population"] = population
    if s.camps is not None:
        camps = dict(s.camps)
        for name, camp in s.camps.items():
            population = _population_with_data(s, camp.population, ("camps", name, "population"), doc, files, name)
            if population is not None:
                camps[name] = camp.model_copy(update={"population": population})
        if camps != s.camps:
            update["camps"] = camps
    if s.funding.fts is not None:
        fractions = _fts_fractions(s, doc, files)
        update["funding"] = s.funding.model_copy(update={"fts_fractions": fractions})
    return s.model_copy(update=update) if update else s


def _population_with_data(
    s: Scenario, population: Any, base: PathKey, doc: YamlDocument, files: DataFiles, camp: str | None = None
) -> Any:
    """``population`` with its csv: arrivals' counts in their ``data`` fields (None if it has no csv:)."""
    arrivals = list(population.arrivals)
    for i, comp in enumerate(arrivals):
        if comp.csv is None:
            continue
        try:
            table = files.read(("arrivals",), comp.csv, count_table)
            counts = arrival_counts(table, comp.column, comp.kind, camp)
            data = arrival_series(counts, population.household_size)
        except DataFileError as exc:
            raise doc.error(base + ("arrivals", i, "csv"), _where(comp.csv, exc)) from None
        last = s.start + timedelta(days=s.days - 1)
        if not data.touches(s.start, last):  # rows outside the horizon are ignored, but not all of them
            raise doc.error(
                base + ("arrivals", i, "csv"),
                f"{shown(comp.csv)}: no date within the scenario's horizon {s.start} to {last} (the file runs from "
                f"{data.report_dates[0]} to {data.report_dates[-1]}); check the years, or the scenario's start",
            )
        arrivals[i] = comp.model_copy(update={"data": counts})
    if not any(comp.csv is not None for comp in arrivals):
        return None
    return population.model_copy(update={"arrivals": arrivals})


def _where(file: str, exc: DataFileError) -> str:
    return shown(file) + (f" line {exc.line}" if exc.line else "") + f": {exc.problem}"


def _fts_fractions(s: Scenario, doc: YamlDocument, files: DataFiles) -> dict[str, float]:
    """Each commodity's funded share from the FTS table (commodities with their own share excepted)."""
    try:
        rows = files.read(("fts",), s.funding.fts, read_fts)
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


def data_notes(s: Scenario) -> list[str]:
    """What reading the scenario's data files did beyond one row per date, one line each:
    ``<file>: <key path>: <data file>: <note>`` (the command line prints them on stderr)."""
    populations = [(("population",), s.population)]
    populations += [(("camps", name, "population"), camp.population) for name, camp in (s.camps or {}).items()]
    source = shown(s.source) + ": " if s.source is not None else ""
    lines = []
    for base, population in populations:
        for i, comp in enumerate(population.arrivals):
            for note in comp.data.notes if comp.data is not None else ():
                key = ".".join((*base, "arrivals", str(i), "csv"))
                lines.append(f"{source}{key}: {shown(comp.csv)}: {note}")
    return lines
