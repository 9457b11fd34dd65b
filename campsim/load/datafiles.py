"""Reading the data files a scenario points to: arrivals (plain or HXL CSV) and FTS funding tables.

Both accept plain CSV (named columns) and HXL-tagged CSV (a hashtag row under the header;
see hxl.py), as IOM DTM and OCHA FTS exports come. Every problem is a DataFileError with
the line it is on, which the loader turns into the usual one-line message.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from campsim.load.counts import count_table, counts_of, nonnegative
from campsim.load.files import quote
from campsim.load.hxl import Column, Table, read_table
from campsim.model.errors import DataFileError
from campsim.model.schema import ArrivalCounts
from campsim.model.series import ArrivalData, arrival_series


def read_arrival_counts(
    path: Path, column: str | None = None, kind: str = "arrivals", camp: str | None = None
) -> ArrivalCounts:
    """Read an arrivals file's dated counts as written (people, or households where tagged ``hh``).

    Households become people only when a plan is compiled (see :func:`arrival_series`), so a
    scenario variant with another ``household_size`` needs no second read of the file.
    """
    return arrival_counts(count_table(path), column, kind, camp)


def arrival_counts(table: Table, column: str | None, kind: str, camp: str | None = None) -> ArrivalCounts:
    """An arrivals table's dated counts; ``camp``, a network camp's name, keeps its rows
    (see :func:`campsim.load.counts.dated_counts`)."""
    count, dated = counts_of(table, column, kind, camp=camp)
    rows = dated.rows
    return ArrivalCounts(
        kind=kind,
        label=count.label,
        households=count.households,
        lines=tuple(line for line, _, _ in rows),
        dates=tuple(day for _, day, _ in rows),
        counts=tuple(value for _, _, value in rows),
        notes=tuple(dated.notes),
    )


def read_arrivals(
    path: Path, column: str | None = None, kind: str = "arrivals", household_size: float = 1.0
) -> ArrivalData:
    """Read an arrivals file and interpret it (read_arrival_counts, then arrival_series)."""
    return arrival_series(read_arrival_counts(path, column, kind), household_size)


# --- FTS funding tables ---------------------------------------------------------------

CLUSTER_COLUMNS = ("#sector+cluster+name", "#sector+cluster", "#sector", "cluster")
REQUIRED_COLUMNS = ("#value+funding+required+usd", "#value+funding+required", "required_usd", "required")
FUNDED_COLUMNS = ("#value+funding+total+usd", "#value+funding+total", "funded_usd", "funded")
PERCENT_COLUMNS = ("#value+funding+pct", "percent_funded", "pct_funded", "%_funded")
# a plain CSV is an FTS table if its header names one of these
FTS_ANCHORS = tuple(c for c in (*CLUSTER_COLUMNS, *REQUIRED_COLUMNS, *FUNDED_COLUMNS, *PERCENT_COLUMNS) if "#" not in c)


@dataclass
class FundingRow:
    """One plan or cluster row of an FTS table (a plan row has no cluster name)."""

    line: int
    cluster: str
    funded_fraction: float | None  # funded / required, or the percent funded / 100; at most 1
    undefined: str = ""  # why funded_fraction is None (e.g. nothing required and no percent)

    def share(self) -> float:
        """The row's funded share; DataFileError on its line if the row leaves it undefined.

        Real FTS exports carry rows such as an unattributed "Not specified" with nothing
        required: they are an error only when the scenario uses them.
        """
        if self.funded_fraction is None:
            what = f"cluster {quote(self.cluster)}" if self.cluster else "the plan row"
            raise DataFileError(f"{what}: {self.undefined}", self.line)
        return self.funded_fraction


def read_fts(path: Path) -> list[FundingRow]:
    """Read an FTS-style table: cluster (or plan) rows with required and funded USD, or a percent funded."""
    table = read_table(path, "columns cluster, required_usd and funded_usd (or percent_funded)", FTS_ANCHORS)
    cluster = table.find_any(CLUSTER_COLUMNS)
    required, funded = table.find_any(REQUIRED_COLUMNS), table.find_any(FUNDED_COLUMNS)
    percent = table.find_any(PERCENT_COLUMNS)
    if (required is None or funded is None) and percent is None:
        raise DataFileError(
            "missing columns: need required and funded USD (#value+funding+required+usd, #value+funding+total+usd, "
            f"or required_usd, funded_usd) or a percent funded (#value+funding+pct); found {table.describe_columns()}",
            table.header_line,
        )
    rows: list[FundingRow] = []
    for line, row in table.rows:
        name = Table.cell(row, cluster) if cluster is not None else ""
        share = _fraction(row, line, required, funded, percent)
        undefined = "" if share is not None else _undefined(row, required, funded, percent)
        rows.append(FundingRow(line, name, share, undefined))
    if not rows:
        raise DataFileError("no data rows under the header", table.header_line)
    return rows


def _number(row: list[str], line: int, column: Column) -> float:
    return nonnegative(Table.cell(row, column), column.name, line)


def _given(row: list[str], column: Column | None) -> bool:
    return column is not None and bool(Table.cell(row, column))


def _fraction(row, line: int, required, funded, percent) -> float | None:
    """funded / required where both are given and required > 0, else percent / 100; capped at 1
    (over-funded). None when the row gives neither. A cell that is given must be a number."""
    for column in (required, funded, percent):
        if _given(row, column):
            _number(row, line, column)  # garbage in any cell is an error, used or not
    if _given(row, required) and _given(row, funded):
        need, got = _number(row, line, required), _number(row, line, funded)
        if need > 0:
            return min(got / need, 1.0)
    if _given(row, percent):
        return min(_number(row, line, percent) / 100, 1.0)
    return None


def _undefined(row, required, funded, percent) -> str:
    if _given(row, required) and _given(row, funded):
        return "required is 0 and no percent funded is given: the share funded is undefined"
    return "no required and funded USD, and no percent funded: the share funded is undefined"


def funded_fractions(
    rows: list[FundingRow], clusters: dict[str, list[str]] | None, commodities: list[str]
) -> tuple[dict[str, float], FundingRow | None]:
    """Commodity -> funded share from the clusters mapping, and the plan row (None if none).

    Raises DataFileError (line 0: about the mapping, not a line of the file) for a cluster the
    table does not have, a cluster listed twice in the table, or a commodity in two clusters.
    """
    by_name: dict[str, FundingRow] = {}
    plan = [r for r in rows if not r.cluster]
    for r in rows:
        if r.cluster and r.cluster in by_name:
            raise DataFileError(
                f"cluster {quote(r.cluster)} appears twice (lines {by_name[r.cluster].line} and {r.line})", r.line
            )
        if r.cluster:
            by_name[r.cluster] = r
    if len(plan) > 1:
        raise DataFileError(f"{len(plan)} plan rows (rows without a cluster name); expected at most one", plan[1].line)
    out: dict[str, float] = {}
    for cluster, names in (clusters or {}).items():
        if cluster not in by_name:
            close = difflib.get_close_matches(cluster, list(by_name), n=1)
            hint = f"did you mean {quote(close[0])}? " if close else ""
            raise MappingError(
                cluster, f"the table has no cluster {cluster!r}; {hint}it has {', '.join(map(quote, by_name))}"
            )
        for name in names:
            if name not in commodities:
                raise MappingError(cluster, f"unknown commodity {name!r}; the scenario has {', '.join(commodities)}")
            if name in out:
                raise MappingError(cluster, f"commodity {name!r} is mapped to two clusters")
            out[name] = by_name[cluster].share()
    return out, (plan[0] if plan else None)


class MappingError(ValueError):
    """A funding.clusters entry that does not fit the table or the scenario."""

    def __init__(self, cluster: str, problem: str) -> None:
        self.cluster = cluster
        self.problem = problem
        super().__init__(problem)
