"""Calibration check: a scenario's deterministic population path against counts on record.

The observed file is a CSV (plain or HXL-tagged, see hxl.py) of dated population counts,
e.g. IOM DTM camp counts. For each observed date d, the model value is P(d), the
population at the end of day d on the expected path (``inputs.expected_population``), and
the relative error is ``|model - observed| / observed``. The mean of those errors is the
"average relative difference" refugee-movement models such as Flee report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from campsim.load.datafiles import count_column, counts_households, date_column, dated_counts
from campsim.model.errors import DataFileError
from campsim.load.hxl import read_table
from campsim.plan.draw import expected_population
from campsim.model.schema import Scenario


@dataclass(frozen=True)
class Observation:
    """One dated count of people on record (households already converted to people)."""

    date: date
    persons: float
    line: int  # 1-based line in the observed file


@dataclass(frozen=True)
class ObservedSeries:
    """What the observed file holds: its counts and how they were read."""

    observations: list[Observation]
    column: str  # the count column as described to the user, e.g. "'camp population' #affected+idps+ind"
    household_size_persons: float | None  # set when the column counts households


@dataclass(frozen=True)
class CalibrationPoint:
    date: date
    day: int  # d: the date is start + d
    observed_persons: float
    model_persons: float  # P(d), end of day d on the deterministic path

    @property
    def difference_persons(self) -> float:
        return self.model_persons - self.observed_persons

    @property
    def relative_error(self) -> float:
        return abs(self.difference_persons) / self.observed_persons


@dataclass(frozen=True)
class Calibration:
    """A scenario's deterministic path against the observed points."""

    scenario_name: str
    start: date
    path_persons: np.ndarray  # P(d) for d = 0 .. days-1
    points: list[CalibrationPoint]
    observed: ObservedSeries

    @property
    def mean_relative_error(self) -> float:
        return sum(p.relative_error for p in self.points) / len(self.points)

    @property
    def worst(self) -> CalibrationPoint:
        return max(self.points, key=lambda p: p.relative_error)

    def dates(self) -> list[date]:
        """The date of every day of the horizon."""
        return [self.start + timedelta(days=d) for d in range(len(self.path_persons))]


def read_observed(path: str | Path, column: str | None = None, household_size: float = 1.0) -> ObservedSeries:
    """Read dated population counts; dates strictly increasing, counts positive numbers.

    A column whose tag has the ``hh`` attribute counts households: x ``household_size``.

    Raises:
        DataFileError: with the line of the problem (the header line for a missing column).
    """
    table = read_table(Path(path), "columns date and population (or #date and #affected+idps+ind)")
    when, count = date_column(table), count_column(table, column, "population", "--column")
    households = counts_households(count)
    label = count.header or str(count.tag)
    rows = dated_counts(table, when, count, household_size if households else 1.0, label)
    for line, _, persons in rows:
        if persons == 0:  # 0 people would make the relative error undefined
            raise DataFileError(f"{label}: a count of 0 leaves the relative error undefined", line)
    observations = [Observation(day, persons, line) for line, day, persons in rows]
    return ObservedSeries(observations, count.describe(), household_size if households else None)


def compare_path(s: Scenario, observed: ObservedSeries) -> Calibration:
    """P(d) at each observed date; a date outside the horizon is a DataFileError on its line."""
    path = expected_population(s)
    last = s.start + timedelta(days=s.days - 1)
    points = []
    for o in observed.observations:
        day = (o.date - s.start).days
        if not 0 <= day < s.days:
            raise DataFileError(f"date: {o.date} is outside the scenario's horizon {s.start} to {last}", o.line)
        points.append(CalibrationPoint(o.date, day, o.persons, float(path[day])))
    return Calibration(s.name, s.start, path, points, observed)


def calibrate(s: Scenario, observed_path: str | Path, column: str | None = None) -> Calibration:
    """Check a scenario's deterministic population path against an observed file (see module docstring)."""
    return compare_path(s, read_observed(observed_path, column, s.population.household_size))


# --- words and tables -------------------------------------------------------------------


def csv_rows(cal: Calibration) -> list[dict[str, object]]:
    """The rows of calibration.csv: one per observed date, unrounded."""
    return [
        {
            "date": p.date.isoformat(),
            "day": p.day,
            "observed": p.observed_persons,
            "model": p.model_persons,
            "difference": p.difference_persons,
            "relative_error": p.relative_error,
        }
        for p in cal.points
    ]


def _cells(p: CalibrationPoint) -> tuple[str, str, str, str]:
    return p.date.isoformat(), f"{p.observed_persons:,.0f}", f"{p.model_persons:,.0f}", f"{p.relative_error:.2%}"


def text_table(cal: Calibration) -> str:
    """The table the command prints: date, observed, model, relative error, then the mean."""
    header = ("date", "observed", "model", "relative error")
    body = [_cells(p) for p in cal.points] + [("mean", "", "", f"{cal.mean_relative_error:.2%}")]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *map(fmt, body)])


def _point_sentence(p: CalibrationPoint) -> str:
    if p.difference_persons == 0:
        gap = "exactly on it"
    else:
        side = "above" if p.difference_persons > 0 else "below"
        gap = f"{abs(p.difference_persons):,.0f} people ({p.relative_error:.2%}) {side} it"
    on_record, model = f"{p.observed_persons:,.0f}", f"{p.model_persons:,.0f}"
    return f"- {p.date.isoformat()} (day {p.day}): on record {on_record}; the model {model}, {gap}."


def summary_markdown(cal: Calibration, scenario_file: str, observed_file: str) -> str:
    """summary.md: the comparison in words, then the table."""
    unit = (
        f" (households x {cal.observed.household_size_persons:g} people)" if cal.observed.household_size_persons else ""
    )
    worst = cal.worst
    lines = [
        f"# Calibration: {cal.scenario_name}",
        "",
        f"The deterministic population path of `{scenario_file}` against {len(cal.points)} counts on record in "
        f"`{observed_file}`, column {cal.observed.column}{unit}.",
        "",
        f"**Mean relative error {cal.mean_relative_error:.2%}** over {len(cal.points)} points; the largest is "
        f"{worst.relative_error:.2%} on {worst.date.isoformat()}.",
        "",
        *map(_point_sentence, cal.points),
        "",
        "| date | observed | model | relative error |",
        "|---|---:|---:|---:|",
        *(f"| {' | '.join(_cells(p))} |" for p in cal.points),
        f"| mean | | | {cal.mean_relative_error:.2%} |",
        "",
        "The model value is P(d), the population at the end of day d (the date is start + d) with every random "
        "input at its expected value; relative error = |model - observed| / observed; the mean is over the points.",
    ]
    return "\n".join(lines) + "\n"


def write_report(
    cal: Calibration, out_dir: str | Path, scenario_file: str, observed_file: str, charts: bool = True,
    force: bool = False,
) -> Path:  # fmt: skip
    """Write calibration.csv, summary.md and (with charts) calibration.png/.svg, atomically like every report."""
    import pandas as pd

    from campsim.report.folders import _write_folder

    def fill(folder: Path) -> None:
        pd.DataFrame(csv_rows(cal)).to_csv(folder / "calibration.csv", index=False, lineterminator="\n")
        (folder / "summary.md").write_text(summary_markdown(cal, scenario_file, observed_file))
        if charts:
            from campsim.report import chartfiles  # matplotlib only when charts are wanted
            from campsim.report import charts as ch

            chartfiles.save(ch.calibration_chart(cal), folder, "calibration")

    return _write_folder(out_dir, fill, force)
