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

from campsim.load.counts import read_counts
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
    """Read dated population counts (read as a scenario's data files are: see campsim/load/counts.py).

    The file is named by the user, so it may be anywhere, but it must be a regular file
    below the data-file size limit, and no message quotes it unless it is a table. A column
    whose tag has the ``hh`` attribute counts households: x ``household_size``.

    Raises:
        DataFileError: with the line of the problem (the header line for a missing column).
    """
    count, dated = read_counts(Path(path), column, "population", "--column", household_size=household_size)
    for line, _, persons in dated.rows:
        if persons == 0:  # 0 people would make the relative error undefined
            raise DataFileError(f"{count.label}: a count of 0 leaves the relative error undefined", line)
    observations = [Observation(day, persons, line) for line, day, persons in dated.rows]
    return ObservedSeries(
        observations, count.describe(), household_size if count.households else None, tuple(dated.notes)
    )


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
