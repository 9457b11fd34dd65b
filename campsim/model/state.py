"""A state: what is on hand, on the way and owed at the end of a day (state.csv's rows).

Defined in model/ so that results and reports can hold one without importing the loader
(load/state.py reads and checks a file; plan/state_rows.py makes one from a run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STATE_COLUMNS = ("kind", "date", "site", "commodity", "quantity", "note")
STATE_HASHTAGS = ("#meta+kind", "#date", "#loc+name", "#item+name", "#indicator+quantity+num", "#meta+note")
KINDS = ("as_of", "stock", "pipeline", "population", "balance", "kit_need")
BACKLOG_NOTE = "kit backlog"  # a population row's note when it counts households owed a kit


@dataclass(frozen=True)
class StateRow:
    """One row of a state file; ``line`` is its 1-based line in the file (0: made in memory)."""

    kind: str
    date: date | None
    site: str
    commodity: str
    quantity: float
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class State:
    """The state at the end of ``as_of``: rows as read (or captured), checked against a scenario."""

    as_of: date
    rows: tuple[StateRow, ...]
    source: str = "<state>"

    def of_kind(self, kind: str) -> list[StateRow]:
        """The rows of one kind, in file order."""
        return [row for row in self.rows if row.kind == kind]

    def day_index(self, start: date) -> int:
        """as_of as a day number of a scenario starting on ``start`` (day 0)."""
        return (self.as_of - start).days
