"""Writing report folders: a run's (summary.json, summary.md, daily.csv, events.csv, charts,
report.html) and a comparison's (compare.csv, compare.md, charts, report.html).

The folder is written in full beside its destination and then moved into place, so a
crash or a Ctrl-C never leaves a half-written report where the old one was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from campsim import htmlreport
from campsim.errors import OutputFolderError
from campsim.runner import SimulationResult
from campsim.words import compare_markdown, summary_markdown

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

# Every report folder carries this marker, so only a report folder is ever replaced.
MARKER = ".campsim-report"


def write_report(result: SimulationResult, out_dir: str | Path, charts: bool = True) -> Path:
    """Write the report folder of one run and return its path.

    Raises:
        OutputFolderError: ``out_dir`` holds something other than a campsim report.
    """
    return _write_folder(out_dir, lambda folder: _write_run(result, folder, charts))


def write_compare_report(
    runs: list[tuple[str, SimulationResult]], table: pd.DataFrame, out_dir: str | Path, charts: bool = True
) -> Path:
    """Write the report folder of a comparison and return its path."""
    return _write_folder(out_dir, lambda folder: _write_compare(runs, table, folder, charts))


def _write_folder(out_dir: str | Path, fill: Callable[[Path], None]) -> Path:
    """Fill a staging folder beside ``out_dir``, then swap it into place."""
    out = Path(out_dir)
    check_replaceable(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"{out}: cannot create the report folder: {exc.strerror}") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        fill(staging)
        (staging / MARKER).write_text("a campsim report folder: campsim may replace it whole\n")
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier campsim report (e.g. ``--out .``)."""
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputFolderError(
            f"{out}: folder exists and is not a campsim report (no {MARKER}); "
            "refusing to replace it; choose another --out"
        )


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames (atomic on one file system)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    os.chmod(out, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_run(result: SimulationResult, folder: Path, charts: bool) -> None:
    summary = result.summary
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n")
    (folder / "summary.md").write_text(summary_markdown(summary, result))
    result.daily.to_csv(folder / "daily.csv", index=False, na_rep="", lineterminator="\n")
    result.events.to_csv(folder / "events.csv", index=False, na_rep="", lineterminator="\n")
    pngs = _charts([(result.scenario.name, result)], folder) if charts else {}
    (folder / "report.html").write_text(htmlreport.render_run(result, pngs), encoding="utf-8")


def _write_compare(
    runs: list[tuple[str, SimulationResult]], table: pd.DataFrame, folder: Path, charts: bool
) -> None:
    table.to_csv(folder / "compare.csv", index=False, na_rep="", lineterminator="\n")
    (folder / "compare.md").write_text(compare_markdown(runs))
    pngs = _charts(runs, folder) if charts else {}
    (folder / "report.html").write_text(htmlreport.render_compare(runs, pngs), encoding="utf-8")


def _charts(runs: list[tuple[str, SimulationResult]], folder: Path) -> dict[str, Path]:
    from campsim import charts as ch  # matplotlib only when charts are wanted

    return {name: paths[0] for name, paths in ch.write_charts(runs, folder).items()}
