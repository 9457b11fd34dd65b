"""Where a report folder goes: checking ``--out`` before any work, and clearing what killed runs left.

A report is built in a staging folder beside its destination (``.NAME.campsim-tmp-PID-XXXXXXXX``)
and an existing report is moved aside (``.NAME.campsim-old-PID``) while the new one moves in.
Both names carry the writing process's id, so a later run can tell a folder whose writer was
killed (``kill -9``, a power cut) from one that another run is still writing.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from campsim.model.errors import OutputFolderError
from campsim.runs.signals import process_running

# Every report folder carries this marker, so only a report folder is ever replaced.
MARKER = ".campsim-report"
# The longest staging suffix, ".campsim-tmp-" + a pid + "-" + mkdtemp's 8 characters, with room to spare.
SUFFIX_BYTES = 40


def staging_prefix(dest: Path) -> str:
    return f".{dest.name}.campsim-tmp-{os.getpid()}-"


def set_aside_name(dest: Path) -> str:
    return f".{dest.name}.campsim-old-{os.getpid()}"


def destination(out: Path) -> Path:
    """The folder a report for ``--out out`` replaces: absolute, with a real last name.

    A symbolic link is followed: the report replaces the folder it points to and the link
    stays (pointing at the new report). Raises OutputFolderError for a name too long to
    write beside its staging folder.
    """
    given = Path(os.path.abspath(out))
    _check_name(out, given)  # before lstat, which fails on a name too long
    try:
        dest = Path(os.path.realpath(out)) if given.is_symlink() else given
    except OSError as exc:
        raise OutputFolderError(f"{_shown(out)}: {exc.strerror}; choose another --out") from None
    _check_name(out, dest)
    return dest


def _shown(out: Path) -> str:
    return str(out) if len(str(out)) <= 60 else f"{str(out)[:40]}...{str(out)[-12:]}"


def _check_name(out: Path, dest: Path) -> None:
    try:
        name_max = os.pathconf(_existing_parent(dest), "PC_NAME_MAX")
        path_max = os.pathconf(_existing_parent(dest), "PC_PATH_MAX")
    except (OSError, ValueError):
        name_max, path_max = 255, 4096
    length = len(os.fsencode(dest.name))
    if length + SUFFIX_BYTES > name_max:
        raise OutputFolderError(
            f"{_shown(out)}: the folder name is {length} bytes long; at most {name_max - SUFFIX_BYTES} "
            "(room is needed for its staging folder); choose a shorter --out"
        )
    longest = max((len(os.fsencode(part)) for part in dest.parts), default=0)
    if longest > name_max:
        raise OutputFolderError(
            f"{_shown(out)}: a folder name in it is {longest} bytes long; at most {name_max}; choose another --out"
        )
    # the deepest file written: the staging folder's longest file name inside it
    if len(os.fsencode(str(dest))) + SUFFIX_BYTES + 64 > path_max:
        raise OutputFolderError(f"{_shown(out)}: the path is too long (at most {path_max} bytes); choose another --out")


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.is_dir():
            return parent
    return Path("/")


def check_replaceable(out: Path, force: bool = False) -> None:
    """Refuse, before any work, a destination that cannot or must not be replaced.

    An empty folder or an earlier campsim report is fine; a non-empty folder without the
    marker needs ``force``. The working directory and its parents are never replaced, even
    with ``force`` (nor is a report the user is standing in).
    """
    dest = destination(Path(out))
    here = Path.cwd().resolve()
    if dest == here or dest in here.parents or dest.resolve() == here or dest.resolve() in here.parents:
        raise OutputFolderError(f"{out}: is the working folder or one of its parents; choose another --out")
    try:
        if dest.exists() and not dest.is_dir():
            raise OutputFolderError(f"{out}: exists and is not a folder; choose another --out")
        if not dest.is_dir() or not any(dest.iterdir()) or (dest / MARKER).is_file():
            return
    except OSError as exc:
        raise OutputFolderError(f"{_shown(out)}: cannot be read: {exc.strerror}; choose another --out") from None
    if not force:
        raise OutputFolderError(
            f"{out}: folder exists and is not a campsim report (no {MARKER}); "
            "refusing to replace it; choose another --out, or add --force to replace it"
        )


def remove_stale(dest: Path) -> None:
    """Remove staging and set-aside folders beside ``dest`` whose writer is gone.

    A writer killed between its two renames leaves no report at ``dest`` and the previous one
    set aside: that one is put back rather than deleted.
    """
    pattern = re.compile(re.escape(f".{dest.name}.campsim-") + r"(tmp|old)-(\d+)(-.*)?")
    try:
        entries = list(dest.parent.iterdir())
    except OSError:
        return
    stale = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and int(match.group(2)) != os.getpid() and not process_running(int(match.group(2))):
            stale.append((match.group(1), entry))
    for kind, entry in sorted(stale, key=lambda item: item[0] == "tmp"):  # set-aside reports first
        if kind == "old" and not dest.exists() and (entry / MARKER).is_file():
            try:
                entry.rename(dest)
                continue
            except OSError:
                pass
        shutil.rmtree(entry, ignore_errors=True)
