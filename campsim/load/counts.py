"""Dated counts of people from a data file (arrivals, a DTM population count, observed counts).

Which column holds the count, and how rows become one count per date:

- a column split by sex or age (``+f``, ``+m``, ``+i``, ``+children``, ``+age0_4`` ...) is
  passed over unless the pattern asks for that attribute, so a DTM table's total is read,
  not its female column; where the file has only ``+f`` and ``+m`` columns they are summed;
- rows may come in any date order (they are sorted) and a date may have several rows (they
  are summed: several sites, or several origins); in a camp network, a file with a
  ``#loc+name`` column naming several places gives each camp its own rows;
- dates are ISO dates or ISO date-times (``2017-10-02T00:00:00``: the date part).

Whatever campsim does beyond reading one row per date is said in a *note*, which the
command line prints on stderr.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from campsim.load.files import quote
from campsim.load.hxl import Column, Pattern, Table, parse_number, read_table
from campsim.model import standards
from campsim.model.errors import DataFileError

DATE_COLUMNS = ("#date", "date")
# the count column when the scenario names none, by kind: HXL patterns first, then headers
# (individuals before any column of the same tag, which may count households)
COUNT_COLUMNS = {
    # a DTM file of new IDPs by date tags them #affected+idps (+ind or +hh) rather than +arrived
    "arrivals": ("#affected+arrived+ind", "#affected+arrived", "#affected+idps+ind", "#affected+idps", "#affected",
                 "arrivals"),
    "cumulative": ("#affected+arrived+ind", "#affected+arrived", "#affected+idps+ind", "#affected+idps", "#affected",
                   "cumulative", "arrivals"),
    "population": ("#affected+idps+ind", "#affected+ind", "#affected+idps", "#affected", "#population", "population"),
}  # fmt: skip
LOCATION_COLUMN = "#loc+name"

# attributes that make a count a flow of people, not the people present: a broad pattern such
# as #affected+ind must not take a column of arrivals (#affected+arrived+ind) for a headcount
FLOW_ATTRIBUTES = frozenset({"arrived", "departed"})
# HXL 1.1's attributes that split a count by sex or age; age ranges are +age0_4, +age18_59, +age60plus
SEX_ATTRIBUTES = ("f", "m", "i")
AGE_ATTRIBUTES = frozenset({"infants", "children", "adolescents", "youth", "adults", "elderly"})
_AGE_RANGE = re.compile(r"^age\d+(_\d+|plus|_plus)?$")


def counts_households(column: Column) -> bool:
    """True for a column tagged with the ``hh`` attribute (``#affected+idps+hh``)."""
    return column.tag is not None and "hh" in column.tag.attributes


def split_by(column: Column) -> set[str]:
    """The attributes by which a column's count is a part (sex, age) rather than a total."""
    if column.tag is None:
        return set()
    return {a for a in column.tag.attributes if a in SEX_ATTRIBUTES or a in AGE_ATTRIBUTES or _AGE_RANGE.match(a)}


@dataclass
class CountColumns:
    """The column a count is read from, or the +f and +m columns summed where there is no total."""

    columns: list[Column]
    note: str = ""

    @property
    def households(self) -> bool:
        return counts_households(self.columns[0])

    @property
    def label(self) -> str:
        return " + ".join(c.name for c in self.columns)

    def describe(self) -> str:
        return " + ".join(c.describe() for c in self.columns)


def pick_columns(table: Table, specs: tuple[str, ...], named: bool = False) -> CountColumns | None:
    """The count column: the first spec that matches, individuals before households among its matches.

    A tag pattern passes over columns split by sex or age unless it asks for that attribute;
    where a pattern finds only ``+f`` and ``+m`` columns of one tag, they are summed. Unless
    the user ``named`` the spec, a column whose tag has a flow attribute the pattern does not
    ask for is passed over too (``#affected+ind`` does not find ``#affected+arrived+ind``).
    """
    for spec in specs:
        pattern = Pattern.parse(spec) if spec.strip().startswith("#") else None
        asked = set(pattern.include) if pattern is not None else set()
        found = [
            c
            for c in table.find_all(spec)
            if named or c.tag is None or not (FLOW_ATTRIBUTES & set(c.tag.attributes)) - asked
        ]
        whole = [c for c in found if pattern is None or not split_by(c) - asked]
        if whole:
            return CountColumns([next((c for c in whole if not counts_households(c)), whole[0])])
        parts = _sex_parts(found, asked)
        if parts:
            shown = " and ".join(c.describe() for c in parts)
            return CountColumns(parts, f"no total column for {spec}: summed its columns by sex, {shown}")
    return None


def _sex_parts(found: list[Column], asked: set[str]) -> list[Column]:
    """The +f and +m (and +i) columns of one tag, individuals first, if the matches hold such a set."""
    groups: dict[tuple, dict[str, Column]] = {}
    for c in found:
        split = split_by(c) - asked
        if c.tag is None or len(split) != 1 or next(iter(split)) not in SEX_ATTRIBUTES:
            continue
        rest = tuple(sorted(set(c.tag.attributes) - split))
        groups.setdefault((c.tag.name, rest), {}).setdefault(next(iter(split)), c)
    sets = [group for group in groups.values() if "f" in group and "m" in group]
    sets.sort(key=lambda group: counts_households(group["f"]))
    return [sets[0][s] for s in SEX_ATTRIBUTES if s in sets[0]] if sets else []


def count_columns(table: Table, column: str | None, kind: str, option: str = "column:") -> CountColumns:
    """The count column named by ``column`` (a header or tag pattern), else the kind's usual one."""
    if column is not None:
        found = pick_columns(table, (column,), named=True)
        if found is None:
            split = [c for c in table.find_all(column) if split_by(c)]
            hint = (
                f"; it matches only columns split by sex or age ({', '.join(c.describe() for c in split)}): "
                "ask for one by its attribute, or give a total column"
                if split
                else ""
            )
            raise DataFileError(
                f"no column {quote(column)}{hint} (found {table.describe_columns()})", table.header_line
            )
        return found
    found = pick_columns(table, COUNT_COLUMNS[kind])
    if found is None:
        headers = " or ".join(c for c in COUNT_COLUMNS[kind] if not c.startswith("#"))
        tags = ", ".join(c for c in COUNT_COLUMNS[kind] if c.startswith("#"))
        raise DataFileError(
            f"missing column {headers} (or one tagged {tags})"
            + (f" for kind {kind}" if option == "column:" else "")
            + f"; name it with {option} "
            f"(found {table.describe_columns()})",
            table.header_line,
        )
    return found


def date_column(table: Table) -> Column:
    """The column of dates: headed ``date`` or tagged ``#date``."""
    found = table.find_any(DATE_COLUMNS)
    if found is None:
        raise DataFileError(
            f"missing column 'date' (or one tagged #date); found {table.describe_columns()}", table.header_line
        )
    return found


def parse_day(raw: str) -> date:
    """An ISO date (``2017-10-02``) or the date of an ISO date-time (``2017-10-02T00:00:00``, ``... 13:45Z``).

    Raises ValueError for anything else.
    """
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return datetime.fromisoformat(raw).date()


def nonnegative(raw: str, label: str, line: int) -> float:
    """A count or amount as written (see hxl.parse_number) that must be a finite number >= 0."""
    try:
        value = parse_number(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise DataFileError(f"{label}: expected a non-negative number, got {quote(raw)}", line)
    return value


@dataclass
class DatedCounts:
    """One count per date, in date order: (first line of the date, date, count x multiplier)."""

    rows: list[tuple[int, date, float]]
    notes: list[str] = field(default_factory=list)


def dated_counts(
    table: Table, when: Column, count: CountColumns, multiplier: float, camp: str | None = None
) -> DatedCounts:
    """One count per date: rows sorted by date, several rows of a date summed, a network camp's rows only.

    ``camp`` (a network camp's name) keeps the rows whose ``#loc+name`` is that camp, when
    the file has such a column naming more than one place.
    """
    notes = [count.note] if count.note else []
    rows = _camp_rows(table, camp, notes)
    by_date: dict[date, list] = {}  # date -> [first line, sum, rows]
    previous, unordered = None, False
    for line, row in rows:
        raw_date = Table.cell(row, when)
        try:
            day = parse_day(raw_date)
        except ValueError:
            raise DataFileError(
                f"date: expected an ISO date like 2017-10-01 (or a date-time 2017-10-01T00:00:00), "
                f"got {quote(raw_date)}",
                line,
            ) from None
        unordered = unordered or (previous is not None and day < previous)
        previous = day
        value = sum(nonnegative(Table.cell(row, c), c.name, line) for c in count.columns) * multiplier
        if value > standards.MAX_POPULATION_PERSONS:
            raise DataFileError(f"{count.label}: {value:g} is above the limit of {standards.MAX_POPULATION_PERSONS:,}",
                                line)  # fmt: skip
        entry = by_date.setdefault(day, [line, 0.0, 0])
        entry[1] += value
        entry[2] += 1
    if not by_date:
        raise DataFileError("no data rows under the header", table.header_line)
    if unordered:
        notes.append("rows are not in date order: read sorted by date")
    several = [(day, n) for day, (_, _, n) in by_date.items() if n > 1]
    if several:
        day, n = min(several)
        which = "a date has" if len(several) == 1 else f"{len(several)} dates have"
        notes.append(f"{which} several rows; their counts are summed ({'first ' if len(several) > 1 else ''}"
                     f"{day}: {n} rows)")  # fmt: skip
    ordered = sorted(by_date.items())
    return DatedCounts([(line, day, total) for day, (line, total, _) in ordered], notes)


def _same_place(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[\s_\-]+", " ", text).strip().casefold()

    return norm(a) == norm(b)


def _camp_rows(table: Table, camp: str | None, notes: list[str]) -> list[tuple[int, list[str]]]:
    """The rows of a network camp (by #loc+name) when the file names several places; else all rows."""
    place = table.find(LOCATION_COLUMN) if camp is not None else None
    if place is None:
        return table.rows
    names = Counter(Table.cell(row, place) for _, row in table.rows if Table.cell(row, place))
    if len(names) < 2:
        only = next(iter(names), None)
        if only is not None and not _same_place(only, camp):
            notes.append(f"its {LOCATION_COLUMN} is {quote(only)}, not the camp's name: read as this camp's")
        return table.rows
    kept = [(line, row) for line, row in table.rows if _same_place(Table.cell(row, place), camp)]
    if not kept:
        listed = ", ".join(quote(name) for name in list(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise DataFileError(
            f"no row for camp {quote(camp)} in its {LOCATION_COLUMN} column {place.describe()}, which names "
            f"{len(names)} places ({listed}); a camp takes the rows whose {LOCATION_COLUMN} is its name",
            table.header_line,
        )
    notes.append(f"{len(kept)} of {len(table.rows)} rows, those whose {LOCATION_COLUMN} is {quote(camp)}")
    return kept


COUNT_ANCHORS = ("date",)  # a plain CSV of dated counts is recognised by its date column


def count_table(path: Path) -> Table:
    """A file of dated counts as a Table (read_table with the header names that recognise one)."""
    return read_table(path, "columns date and a count (arrivals, cumulative or population)", COUNT_ANCHORS)


def counts_of(
    table: Table, column: str | None, kind: str, option: str = "column:", camp: str | None = None,
    household_size: float | None = None,
) -> tuple[CountColumns, DatedCounts]:  # fmt: skip
    """A table's dated counts: the count column(s) and one count per date.

    ``household_size`` multiplies a household column's counts (None: counts as written).
    """
    when, count = date_column(table), count_columns(table, column, kind, option)
    multiplier = household_size if household_size is not None and count.households else 1.0
    return count, dated_counts(table, when, count, multiplier, camp)


def read_counts(
    path: Path, column: str | None, kind: str, option: str = "column:", camp: str | None = None,
    household_size: float | None = None,
) -> tuple[CountColumns, DatedCounts]:  # fmt: skip
    """Read a file's dated counts (count_table, then counts_of)."""
    return counts_of(count_table(path), column, kind, option, camp, household_size)
