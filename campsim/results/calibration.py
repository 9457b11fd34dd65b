"""A calibration's result types: counts on record against the scenario's expected path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np


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
    notes: tuple[str, ...] = ()  # what reading did beyond one row per date (sorted, summed, ...)


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
