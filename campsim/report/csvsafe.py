"""CSV cells a spreadsheet will not run: text that starts like a formula gets a leading quote.

A scenario is untrusted (files are emailed between agencies), and its names (commodities,
camps, warehouses, notes) land in every CSV. A cell such as ``=HYPERLINK("http://evil","x")``
would be a live formula in Excel or LibreOffice. Following OWASP's advice on CSV injection,
text cells beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return are written as
``'=HYPERLINK(...)``. Numbers are left alone, also written as text (``-3``, ``+1.5e3``):
a spreadsheet reads those as numbers, not formulas. summary.json keeps names as given.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", re.IGNORECASE)


def safe_text(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text cells and column names made safe (the frame itself if none needs it)."""
    columns = [safe_text(c) for c in frame.columns]
    changed = {}
    for position, (_, column) in enumerate(frame.items()):
        if column.dtype.kind not in "OSU" and str(column.dtype) not in ("string", "category"):
            continue  # numbers, booleans and dates cannot start a formula
        # a column holds few distinct names: look at each once before touching every cell
        if any(safe_text(v) is not v for v in column.unique()):
            changed[position] = column.astype(object).map(safe_text)
    if not changed and columns == list(frame.columns):
        return frame
    frame = frame.copy()
    for position, column in changed.items():
        frame.isetitem(position, column)
    frame.columns = columns
    return frame


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs: Any) -> None:
    """frame.to_csv(path) without the index, LF line ends on every platform, formula-safe text."""
    safe_frame(frame).to_csv(path, index=False, lineterminator="\n", **kwargs)
