"""state.csv and state.hxl.csv: a state written in the layout load/state.py reads (docs/hxl.md).

Quantities are written as Python's shortest round-trip float, so reading the file back
gives the engines the very numbers they had; text cells are formula-safe (csvsafe.py),
and the reader takes the guarding quote off again.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from campsim.model.state import STATE_COLUMNS, STATE_HASHTAGS, State
from campsim.report.csvsafe import safe_text


def state_csv(state: State, hxl: bool = False) -> str:
    """The text of state.csv (with ``hxl``: state.hxl.csv, a hashtag row under the header)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATE_COLUMNS)
    if hxl:
        writer.writerow(STATE_HASHTAGS)
    for row in state.rows:
        when = "" if row.date is None else row.date.isoformat()
        writer.writerow([row.kind, when, safe_text(row.site), safe_text(row.commodity), repr(float(row.quantity)),
                         safe_text(row.note)])  # fmt: skip
    return out.getvalue()


def write_state_files(state: State, folder: str | Path) -> list[Path]:
    """Write state.csv and state.hxl.csv into ``folder``, each whole or not at all (a temporary file renamed)."""
    written = []
    for name, hxl in (("state.csv", False), ("state.hxl.csv", True)):
        path = Path(folder) / name
        partial = path.with_name(f".{name}.partial")
        partial.write_text(state_csv(state, hxl), encoding="utf-8")
        os.replace(partial, path)
        written.append(path)
    return written
