"""CSV tables with or without HXL hashtags (hxlstandard.org, 1.1): reading and tag matching.

An HXL table is a CSV file with a row of hashtags (``#affected+idps+ind``) under (or instead
of) its text header. campsim reads the few columns it needs by hashtag pattern or by
header name, and writes its own tables with a hashtag row (hxlout.py).

Why not libhxl: campsim needs a header-row matcher, not a data-processing library. libhxl
5.2 imports ``six`` without declaring it, refuses local files unless told
``allow_local=True``, and brings network-oriented dependencies and a slow import into a
command-line tool that reads one small file. The rules below are the part of the HXL
1.1 standard campsim relies on, and tests/test_hxl.py pins them.

- a *hashtag row* is a row whose non-empty cells are all hashtags (``#name`` followed by
  ``+attribute`` parts; letters, digits and ``_``, case-insensitive); at least one cell
  must be non-empty;
- it is the first row of the table or comes right after the text header;
- a *pattern* ``#affected+idps`` matches a column tagged ``#affected+idps+ind``: same
  hashtag, and every attribute of the pattern present (the column may have more);
- rows whose first cell starts with ``#`` but are not hashtag rows (``# source: IOM``)
  are comments, as in campsim's plain CSVs; blank rows are skipped.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from campsim.model.errors import DataFileError

_TAG = re.compile(r"^\s*#([A-Za-z][A-Za-z0-9_]*)((?:\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*)\s*$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class Tag:
    """A hashtag with its attributes, e.g. ``#affected+idps+ind``."""

    name: str
    attributes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Tag | None:
        """The tag written in a cell, or None if the cell is not a hashtag."""
        found = _TAG.match(text)
        if not found:
            return None
        attributes = tuple(a.strip().lower() for a in found.group(2).split("+") if a.strip())
        return cls(found.group(1).lower(), attributes)

    def matches(self, pattern: Tag) -> bool:
        """True if this column tag satisfies a pattern (same hashtag, the pattern's attributes present)."""
        return self.name == pattern.name and set(pattern.attributes) <= set(self.attributes)

    def __str__(self) -> str:
        return "#" + "+".join((self.name, *self.attributes))


def is_hashtag_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(Tag.parse(c) is not None for c in filled)


def _check_not_a_broken_hashtag_row(cells: list[str], line: int) -> None:
    """A row of hashtags with one mistyped (``#adm1-name``) is an error, not a comment to skip."""
    filled = [c.strip() for c in cells if c.strip()]
    good = [c for c in filled if Tag.parse(c) is not None]
    if good and all(c.startswith("#") for c in filled):
        bad = next(c for c in filled if Tag.parse(c) is None)
        raise DataFileError(
            f"not an HXL hashtag: {bad!r} (a hashtag is #name, then +attributes; letters, digits and _)", line
        )


@dataclass
class Column:
    index: int
    header: str  # the text header ("" when the file has only hashtags)
    tag: Tag | None

    def describe(self) -> str:
        return " ".join(p for p in (repr(self.header) if self.header else "", str(self.tag or "")) if p)


@dataclass
class Table:
    """A CSV table: its columns (header and hashtag) and its data rows with their line numbers."""

    columns: list[Column]
    rows: list[tuple[int, list[str]]]
    hxl: bool
    header_line: int

    def find(self, spec: str) -> Column | None:
        """The first column matching a hashtag pattern (``#date``) or a header name (case-insensitive)."""
        return next(iter(self.find_all(spec)), None)

    def find_all(self, spec: str) -> list[Column]:
        """Every column matching a hashtag pattern or a header name, in file order."""
        if spec.strip().startswith("#"):
            pattern = Tag.parse(spec)
            return [c for c in self.columns if pattern is not None and c.tag is not None and c.tag.matches(pattern)]
        wanted = spec.strip().lower()
        return [c for c in self.columns if c.header.strip().lower() == wanted]

    def find_any(self, specs: tuple[str, ...]) -> Column | None:
        """The first of several specs that matches a column."""
        for spec in specs:
            column = self.find(spec)
            if column is not None:
                return column
        return None

    def describe_columns(self) -> str:
        return ", ".join(c.describe() for c in self.columns if c.header or c.tag)

    @staticmethod
    def cell(row: list[str], column: Column) -> str:
        return row[column.index].strip() if column.index < len(row) else ""


def read_text(path: Path) -> str:
    """A data file's text; DataFileError if it is missing, unreadable or not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError("file not found") from None
    except IsADirectoryError:
        raise DataFileError("is a directory, expected a CSV file") from None
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DataFileError("not UTF-8 text") from None
    except ValueError:  # a NUL character in the path
        raise DataFileError("not a usable file path") from None


def read_table(path: Path, expected: str) -> Table:
    """Read a CSV (plain or HXL-tagged) into a Table; ``expected`` names the columns wanted, for messages."""
    text = read_text(path)
    raw = []  # (first physical line of the record, cells): a quoted cell may span lines
    reader = csv.reader(io.StringIO(text))
    start = 1
    try:
        for row in reader:
            raw.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataFileError(f"not a readable CSV: {exc}") from None
    rows = []
    for n, row in raw:
        if not row or not any(cell.strip() for cell in row):
            continue
        if row[0].lstrip().startswith("#") and not is_hashtag_row(row):
            _check_not_a_broken_hashtag_row(row, n)
            continue  # a comment
        rows.append((n, row))
    if not rows:
        raise DataFileError(f"empty file; expected a header row with {expected}")
    header_line, first = rows[0]
    if is_hashtag_row(first):  # hashtags only, no text header
        headers, tags, data = [""] * len(first), first, rows[1:]
    elif len(rows) > 1 and is_hashtag_row(rows[1][1]):
        headers, tags, data = first, rows[1][1], rows[2:]
    else:
        headers, tags, data = first, [], rows[1:]
    width = max(len(headers), len(tags))
    columns = [
        Column(
            i,
            headers[i].strip() if i < len(headers) else "",
            Tag.parse(tags[i]) if i < len(tags) and tags[i].strip() else None,
        )
        for i in range(width)
    ]
    return Table(columns, data, hxl=bool(tags), header_line=header_line)


def parse_number(raw: str) -> float:
    """A count or amount as written in the data: ``1234``, ``1,234,567``, ``48.3%`` (-> 48.3).

    Raises ValueError for anything else, including NaN and infinity.
    """
    text = raw.strip().rstrip("%").strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value
