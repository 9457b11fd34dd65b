"""Ctrl-C and SIGTERM around worker processes and folder swaps, defined once.

Used by the replication executors, the chart workers and the atomic report swap.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def held_signals() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM off inside the block; they arrive as soon as it ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def submit_all(pool: ProcessPoolExecutor, calls: list[tuple]) -> list[Future]:
    """pool.submit(*call) for every call, with Ctrl-C and SIGTERM held off meanwhile.

    Submitting is what forks the workers. A signal inside that window could leave a worker
    forked but not yet listed in the pool, which stop_pool then cannot see: the process
    would hang at exit waiting for it. Held-off signals arrive as soon as all are submitted.
    """
    with held_signals():
        return [pool.submit(*call) for call in calls]


def leave_signals_to_the_parent() -> None:
    """Workers ignore Ctrl-C and die on SIGTERM (not the CLI's handler, which would unwind
    them with a traceback); the parent decides and stops them (see executors.stop_pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)  # forked while the parent held them off
