"""What an arrivals file's dated counts mean, day by day (arrivals, and departures from falls).

Shared by the loader (which checks a file against the horizon and the limits) and by the
plan (which turns the counts into expected arrivals with the variant's household size).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from campsim.model import standards
from campsim.model.errors import DataFileError
from campsim.model.schema import ArrivalCounts


@dataclass
class ArrivalData:
    """What an arrivals file says, by date: mean arrivals, and departures (falls in a population)."""

    arrivals: dict[date, float]
    departures: dict[date, float]
    report_dates: list[date]  # the file's dates, in order

    def touches(self, first: date, last: date) -> bool:
        """True if a report date, or a day the file puts arrivals or departures on, lies in first..last."""
        return any(first <= d <= last for d in (*self.report_dates, *self.arrivals, *self.departures))


def arrival_series(data: ArrivalCounts, household_size: float) -> ArrivalData:
    """What dated counts mean by day: mean arrivals, and departures (falls in a population).

    - ``arrivals``: the count is each date's arrivals (dates absent have none);
    - ``cumulative``: arrivals so far on report dates; each rise is spread evenly over the
      days after the previous report date up to and including this one;
    - ``population``: people present on report dates (a DTM camp count); rises are spread
      as arrivals, falls as departures, the same way. The first report only anchors the
      series: ``population.initial`` stays as the scenario gives it.

    A column that counts households is converted to people with ``household_size``.

    Raises:
        DataFileError: a count above its limit, or a cumulative count that falls (with its line).
    """
    multiplier = household_size if data.households else 1.0
    label = data.label
    rows = []
    for line, day, count in zip(data.lines, data.dates, data.counts, strict=True):
        value = count * multiplier
        if value > standards.MAX_POPULATION_PERSONS:
            raise DataFileError(f"{label}: {count:g} is above the limit of {standards.MAX_POPULATION_PERSONS:,}", line)
        rows.append((line, day, value))
    if data.kind == "arrivals":
        for line, _, value in rows:
            if value > standards.MAX_ARRIVALS_PERSONS:
                raise DataFileError(
                    f"{label}: {value:g} is above the limit of {standards.MAX_ARRIVALS_PERSONS:,} a day", line
                )
        return ArrivalData({day: value for _, day, value in rows}, {}, list(data.dates))
    arrivals: dict[date, float] = {}
    departures: dict[date, float] = {}
    for (_, before, then), (line, after, now) in zip(rows, rows[1:], strict=False):
        change = now - then
        if change < 0 and data.kind == "cumulative":
            raise DataFileError(
                f"{label}: a cumulative count cannot fall ({then:g} -> {now:g}); use kind: population "
                "if people also left",
                line,
            )
        span = (after - before).days
        target = arrivals if change > 0 else departures
        for offset in range(1, span + 1):
            day = date.fromordinal(before.toordinal() + offset)
            target[day] = abs(change) / span
    return ArrivalData(arrivals, departures, list(data.dates))
