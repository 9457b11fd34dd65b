"""Opening the files a scenario names as untrusted input: where they may be, what they may be, how big.

A scenario file travels by email between agencies, so the paths it holds (``csv:``, ``fts:``)
are not trusted: each must resolve (after ``..`` and symlinks) inside the scenario file's
folder, or inside the folder the user names with ``--data-root``. Any file campsim reads, a
scenario or a data file, must be a regular file below a size limit: a FIFO, a device
(``/dev/zero``) or a directory is refused before a byte is read, and a FIFO is opened
non-blocking so that opening it cannot hang. Messages name the path, never its content.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from campsim.model.errors import DataFileError

# A DTM or FTS export is kilobytes to a few megabytes; 50 MB is far above any real one and
# far below what would exhaust memory (a 10-million-row CSV is refused on its size alone).
MAX_DATA_FILE_BYTES = 50_000_000
# Longest cell text a message may quote, and only from a file recognised as a table.
MAX_QUOTED_CHARS = 40

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def shown(path: str | os.PathLike) -> str:
    """A path as a message may show it: on one line, control characters escaped."""
    text = str(path)
    return text if text.isprintable() else repr(text)[1:-1]


def quote(cell: str) -> str:
    """A cell of a recognised table as a message may quote it: escaped, at most MAX_QUOTED_CHARS."""
    text = cell if len(cell) <= MAX_QUOTED_CHARS else cell[: MAX_QUOTED_CHARS - 1] + "…"
    return repr(text)


def inside(name: str, base_dir: Path, root: Path | None = None) -> Path:
    """The data file ``name`` (relative to ``base_dir``, the scenario's folder) as a resolved path,
    which must lie inside ``root`` (default: ``base_dir``) once ``..`` and symlinks are resolved.

    Raises:
        DataFileError: the path leads outside the root (the message names the path only).
    """
    allowed = (base_dir if root is None else Path(root)).resolve()
    try:
        resolved = (base_dir / name).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the path
        raise DataFileError("not a usable file path") from None
    if not resolved.is_relative_to(allowed):
        where = "the scenario's folder" if root is None else "the --data-root folder"
        raise DataFileError(
            f"leads outside {where} ({shown(allowed)}); campsim reads a scenario's data files only there "
            "(name another folder with --data-root DIR)"
        )
    return resolved


def read_regular(path: str | os.PathLike, limit_bytes: int = MAX_DATA_FILE_BYTES, what: str = "data file") -> bytes:
    """The bytes of a regular file of at most ``limit_bytes``.

    The file is opened non-blocking (a FIFO cannot hang the open) and checked with fstat on
    the open descriptor (no window to swap the file), then read to at most ``limit_bytes``
    + 1 bytes (files under /proc report size 0 yet have content).

    Raises:
        DataFileError: missing, not a regular file, too big or unreadable (no content quoted).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise DataFileError("file not found") from None
    except IsADirectoryError:
        raise DataFileError(f"is a directory, expected a {what}") from None
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc.strerror}") from None
    except ValueError:  # a NUL character in the path
        raise DataFileError("not a usable file path") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise DataFileError(f"is {kind}, expected a regular {what}")
        if info.st_size > limit_bytes:
            raise DataFileError(f"is {info.st_size:,} bytes, larger than {limit_bytes} bytes, the limit for a {what}")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit_bytes:
            chunk = os.read(fd, min(1 << 20, limit_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit_bytes:
            raise DataFileError(f"holds more than {limit_bytes} bytes, the limit for a {what}")
        return b"".join(chunks)
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_data_bytes(path: str | os.PathLike, limit_bytes: int = MAX_DATA_FILE_BYTES) -> bytes:
    """A data file's bytes, checked to be UTF-8 text; refuses binary data without quoting it."""
    raw = read_regular(path, limit_bytes)
    if b"\x00" in raw:
        raise DataFileError("binary data (a NUL byte), expected a CSV text file")
    try:
        raw.decode("utf-8")  # checked whole here; read_table then decodes as it streams
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError("not UTF-8 text; save the file as UTF-8 CSV", line) from None
    return raw
