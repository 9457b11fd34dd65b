"""Reading the data files a scenario points to (arrival counts by date)."""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path

from campsim import standards
from campsim.errors import DataFileError  # noqa: F401  (re-exported: raised by the readers here)

ARRIVALS_COLUMNS = ("date", "arrivals")


def read_arrivals_csv(path: Path) -> dict[date, float]:
    """Read a ``date, arrivals`` CSV into {date: mean arrivals that day}.

    Lines starting with ``#`` and blank lines are skipped. Dates absent from the file
    have no arrivals; that is not an error.

    Raises:
        DataFileError: missing/unreadable file, missing columns, bad or duplicate dates,
            negative or non-numeric counts.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError("file not found") from None
    except IsADirectoryError:
        raise DataFileError("is a directory, expected a CSV file") from None
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DataFileError("not UTF-8 text") from None
    try:
        rows = [
            (n, row)
            for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if row and any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")
        ]
    except csv.Error as exc:
        raise DataFileError(f"not a readable CSV: {exc}") from None
    if not rows:
        raise DataFileError("empty file; expected a header row with columns date, arrivals")
    header_line, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in ARRIVALS_COLUMNS if c not in names]
    if missing:
        raise DataFileError(
            f"missing column {', '.join(missing)}; expected columns date, arrivals "
            f"(found {', '.join(repr(c) for c in names)})",
            header_line,
        )
    date_col, count_col = names.index("date"), names.index("arrivals")
    series: dict[date, float] = {}
    for line, row in rows[1:]:
        cells = row + [""] * (len(names) - len(row))
        raw_date, raw_count = cells[date_col].strip(), cells[count_col].strip()
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            raise DataFileError(f"date: expected an ISO date like 2017-10-01, got {raw_date!r}", line) from None
        if day in series:
            raise DataFileError(f"date: {day} appears twice", line)
        try:
            count = float(raw_count)
        except ValueError:
            count = math.nan
        if not math.isfinite(count) or count < 0:
            raise DataFileError(f"arrivals: expected a non-negative number, got {raw_count!r}", line)
        if count > standards.MAX_ARRIVALS_PERSONS:
            raise DataFileError(
                f"arrivals: {raw_count} is above the limit of {standards.MAX_ARRIVALS_PERSONS:,} a day", line
            )
        series[day] = count
    return series
