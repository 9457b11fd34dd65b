"""run --write-state: the state captured before the report is written, and its files written after it."""

from __future__ import annotations

from pathlib import Path


def state_at(loaded, when, seed):
    """--write-state: the state of replication 0 at the end of that date (None without the flag)."""
    from campsim.runs.forecast import capture_state

    return None if when is None else capture_state(loaded, when.date(), seed)


def write_state_into(state, folder: Path) -> None:
    """state.csv and state.hxl.csv into the report folder just written (nothing without --write-state)."""
    if state is not None:
        from campsim.report.statefile import write_state_files

        write_state_files(state, folder)
