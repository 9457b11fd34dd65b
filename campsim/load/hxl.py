"""CSV tables with or without HXL hashtags (hxlstandard.org, 1.1): reading and tag matching.

An HXL table is a CSV file with a row of hashtags (``#affected+idps+ind``) under (or instead
of) its text header. campsim reads the few columns it needs by hashtag pattern or by
header name, and writes its own tables with a hashtag row (hxlout.py).

Why not libhxl: campsim needs a header-row matcher, not a data-processing library. libhxl
5.2 imports ``six`` without declaring it, refuses local files unless told
``allow_local=True``, takes most of a second to import and reads ``2017-10-02T00:00:00`` as
10 February. The rules below are the part of the HXL 1.1 standard campsim relies on;
tests/test_data_in.py and tests/test_hxl_in.py check them against libhxl.

- a *hashtag row* is a row whose non-empty cells are all hashtags (``#name`` followed by
  ``+attribute`` parts; letters, digits and ``_``, case-insensitive); at least one cell
  must be non-empty; it is looked for in the first 25 rows (title rows above it are skipped)
  and the row right above it, if any, is the text header;
- the delimiter is sniffed from the first rows: ``,``, ``;`` or tab;
- a *pattern* ``#affected+idps`` matches a column tagged ``#affected+idps+ind``: same
  hashtag, and every attribute of the pattern present (the column may have more);
  ``-attr`` excludes columns with that attribute, and a final ``!`` allows no others;
- rows whose first cell starts with ``#`` but are not hashtag rows (``# source: IOM``)
  are comments, as in campsim's plain CSVs; blank rows are skipped.

A data file is untrusted (see files.py): it is a *table* only once its header is recognised
(a hashtag row, or a text header naming a column the caller looks for); until then no
message quotes it, and after that a message quotes at most 40 characters of a cell.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

from campsim.load.files import MAX_QUOTED_CHARS, quote, read_data_bytes
from campsim.model.errors import DataFileError

_TAG = re.compile(r"^\s*#([A-Za-z][A-Za-z0-9_]*)((?:\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*)\s*$")
_PATTERN = re.compile(r"^\s*#([A-Za-z][A-Za-z0-9_]*)((?:\s*[+-]\s*[A-Za-z][A-Za-z0-9_]*)*)\s*(!)?\s*$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
HEADER_SEARCH_ROWS = 25  # as libhxl: the hashtag row is looked for in the first 25 rows
DELIMITERS = (",", ";", "\t")
MAX_DATA_ROWS = 500_000  # above any real series (1900-2199 is 110,000 days); bounds a runaway file's memory


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

    def __str__(self) -> str:
        return "#" + "+".join((self.name, *self.attributes))


@dataclass(frozen=True)
class Pattern:
    """An HXL tag pattern: ``#affected+idps`` (these attributes, any others), ``#affected-f-m``
    (not these), ``#affected+idps+ind!`` (exactly these)."""

    name: str
    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    absolute: bool = False

    @classmethod
    def parse(cls, text: str) -> Pattern | None:
        """The pattern written in ``text``, or None if it is not one."""
        found = _PATTERN.match(text)
        if not found:
            return None
        parts = re.findall(r"([+-])\s*([A-Za-z][A-Za-z0-9_]*)", found.group(2))
        include = frozenset(a.lower() for sign, a in parts if sign == "+")
        exclude = frozenset(a.lower() for sign, a in parts if sign == "-")
        return cls(found.group(1).lower(), include, exclude, found.group(3) is not None)

    def matches(self, tag: Tag) -> bool:
        """True if a column's tag satisfies this pattern."""
        attributes = set(tag.attributes)
        return (
            tag.name == self.name
            and self.include <= attributes
            and not (self.exclude & attributes)
            and (not self.absolute or attributes <= self.include)
        )


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
            f"not an HXL hashtag: {quote(bad)} (a hashtag is #name, then +attributes; letters, digits and _)", line
        )


@dataclass
class Column:
    index: int
    header: str  # the text header ("" when the file has only hashtags)
    tag: Tag | None

    def describe(self) -> str:
        """The header (quoted) and the tag, as a message shows them."""
        return " ".join(p for p in (quote(self.header) if self.header else "", _cut(str(self.tag or ""))) if p)

    @property
    def name(self) -> str:
        """The header as written (or the tag) where short and printable, else quoted: for messages."""
        text = self.header or _cut(str(self.tag or ""))
        return text if text.isprintable() and len(text) <= MAX_QUOTED_CHARS else quote(text)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_QUOTED_CHARS else text[: MAX_QUOTED_CHARS - 1] + "…"


@dataclass
class Table:
    """A recognised CSV table: its columns (header and hashtag) and its data rows with their line numbers."""

    columns: list[Column]
    rows: list[tuple[int, list[str]]]
    hxl: bool
    header_line: int
    delimiter: str = ","

    def find(self, spec: str) -> Column | None:
        """The first column matching a hashtag pattern (``#date``) or a header name (case-insensitive)."""
        return next(iter(self.find_all(spec)), None)

    def find_all(self, spec: str) -> list[Column]:
        """Every column matching a hashtag pattern or a header name, in file order."""
        if spec.strip().startswith("#"):
            pattern = Pattern.parse(spec)
            return [c for c in self.columns if pattern is not None and c.tag is not None and pattern.matches(c.tag)]
        wanted = spec.strip().lower()
        return [c for c in self.columns if c.header.strip().lower() == wanted]

    def find_any(self, specs: tuple[str, ...]) -> Column | None:
        """The first of several specs that matches a column."""
        for spec in specs:
            column = self.find(spec)
            if column is not None:
                return column
        return None

    def describe_columns(self, most: int = 20) -> str:
        named = [c.describe() for c in self.columns if c.header or c.tag]
        return ", ".join(named[:most]) + (f", ... ({len(named)} columns)" if len(named) > most else "")

    @staticmethod
    def cell(row: list[str], column: Column) -> str:
        return row[column.index].strip() if column.index < len(row) else ""


def _records(lines, delimiter: str):
    """(first physical line, cells) for each CSV record of ``lines`` (text, or a text stream):
    a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(lines) if isinstance(lines, str) else lines, delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataFileError(f"not a readable CSV: {exc}", start) from None


def _is_comment(row: list[str]) -> bool:
    return bool(row) and row[0].lstrip().startswith("#") and not is_hashtag_row(row)


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one under which the first rows hold a hashtag row with the most
    tags, else the one that splits the first rows into the most cells (``,`` on a tie), so a
    title row with a stray ``;`` above a comma-separated table does not decide."""
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS + 1)[:HEADER_SEARCH_ROWS])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [row for _, row in _records(head, delimiter)]
        except DataFileError:
            continue
        tags = max((sum(1 for c in row if c.strip()) for row in rows if is_hashtag_row(row)), default=0)
        splits = sum(len(row) - 1 for row in rows if not _blank(row) and not _is_comment(row))
        if (tags, splits) > best_score:
            best, best_score = delimiter, (tags, splits)
    return best


def read_table(path: Path, expected: str, anchors: tuple[str, ...] = ()) -> Table:
    """Read a CSV (plain or HXL-tagged) into a Table; ``expected`` names the columns wanted, for messages.

    ``anchors`` are header names (lower case) that make a plain CSV's first row a header
    campsim recognises; a file with neither a hashtag row nor one of them is refused
    without quoting any of it (it may be anything: /etc/passwd is a one-column CSV).

    Raises:
        DataFileError: unreadable, not a table, or more than MAX_DATA_ROWS data rows.
    """
    raw = read_data_bytes(path)
    delimiter = sniff_delimiter(raw[:65536].decode("utf-8-sig", errors="ignore"))
    # streamed: a StringIO of the whole text would hold it four times over (UCS-4)
    records = _records(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""), delimiter)
    head: list[tuple[int, list[str]]] = []
    for record in records:
        head.append(record)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    found = next((i for i, (_, row) in enumerate(head) if is_hashtag_row(row)), None)
    if found is not None:
        above = head[found - 1][1] if found > 0 else []
        headers = above if not _blank(above) and not _is_comment(above) else []
        header_line = head[found - 1][0] if headers else head[found][0]
        tags, rest = head[found][1], head[found + 1 :]
    else:
        for n, row in head:
            if _is_comment(row):
                _check_not_a_broken_hashtag_row(row, n)
        candidates = [i for i, (_, row) in enumerate(head) if not _blank(row) and not _is_comment(row)]
        # title rows above a plain header are skipped too: the header is the first row naming an anchor
        start = next((i for i in candidates if {c.strip().lower() for c in head[i][1]} & set(anchors)), None)
        start = candidates[0] if start is None and candidates else start
        if start is None:
            empty = len(head) < HEADER_SEARCH_ROWS
            raise DataFileError(
                ("empty file" if empty else f"no header row in the first {HEADER_SEARCH_ROWS} rows")
                + f"; expected a header row with {expected}"
            )
        header_line, headers = head[start]
        tags, rest = [], head[start + 1 :]
        if anchors and not {c.strip().lower() for c in headers} & set(anchors):
            raise DataFileError(
                f"not a table campsim recognises: expected a header row with {expected} (or an HXL hashtag row "
                f"within the first {HEADER_SEARCH_ROWS} rows)",
                header_line,
            )
    width = max(len(headers), len(tags))
    columns = [
        Column(
            i,
            headers[i].strip() if i < len(headers) else "",
            Tag.parse(tags[i]) if i < len(tags) and tags[i].strip() else None,
        )
        for i in range(width)
    ]
    rows = []
    for n, row in itertools.chain(rest, records):  # the hot loop: up to MAX_DATA_ROWS rows
        first = row[0].lstrip() if row else ""
        if not first and not "".join(row).strip():
            continue  # blank
        if first[:1] == "#" and not is_hashtag_row(row):
            _check_not_a_broken_hashtag_row(row, n)
            continue  # a comment
        if len(rows) == MAX_DATA_ROWS:
            raise DataFileError(f"more than {MAX_DATA_ROWS:,} data rows, the limit for a data file", n)
        rows.append((n, row))
    return Table(columns, rows, hxl=bool(tags), header_line=header_line, delimiter=delimiter)


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
