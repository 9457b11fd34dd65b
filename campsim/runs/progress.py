"""Progress bars on a terminal: tqdm on stderr, none with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import shutil
import sys


class Silent:
    """What a bar is when none is shown: it counts nothing (and tqdm, 20 ms, is not imported)."""

    total: int | None = None

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc) -> None:
        pass


def progress_bar(total: int | None, quiet: bool, label: str, unit: str = "run"):
    """A tqdm bar on stderr for a long step (a context manager with ``update(n)``); a Silent one
    with ``quiet`` or when stderr is not a terminal.

    Without tqdm's monitor thread: it outlives the bar, and a process with another thread
    may not fork, so the report's charts would then render in one process (chartfiles.py).
    Bars here are updated once per chunk, so nothing needs the monitor's forced refresh.
    """
    if quiet or not sys.stderr.isatty():
        return Silent()
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    # a pseudo-terminal that reports 0 x 0 (script, CI runners, some IDE consoles) makes tqdm
    # draw nothing (it takes -1 rows): give it the usual 80 x 24 instead
    size = shutil.get_terminal_size()
    return Bar(total=total, desc=label, unit=unit, leave=False, ncols=size.columns, nrows=size.lines)
