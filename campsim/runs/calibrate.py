"""Calibration check: a scenario's deterministic population path against counts on record.

The observed file is a CSV (plain or HXL-tagged, see hxl.py) of dated population counts,
e.g. IOM DTM camp counts. For each observed date d, the model value is P(d), the
population at the end of day d on the expected path (the plan's ``expected_population``), and
the relative error is ``|model - observed| / observed``. The mean of those errors is the
"average relative difference" refugee-movement models such as Flee report.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from campsim.load.datafiles import count_column, counts_households, date_column, dated_counts
from campsim.load.hxl import read_table
from campsim.model.errors import DataFileError
from campsim.model.scenario import Scenario
from campsim.plan.compile import compile
from campsim.results.calibration import Calibration, CalibrationPoint, Observation, ObservedSeries

__all__ = [
    "Calibration",
    "CalibrationPoint",
    "Observation",
    "ObservedSeries",
    "calibrate",
    "compare_path",
    "read_observed",
]


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
    path = compile(s).expected_population
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
