"""Ctrl-C and SIGTERM around worker processes and folder swaps, defined once.

Used by the replication executors, the chart workers and the atomic report swap.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
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


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C or SIGTERM: stop the workers now rather than after their queued work.

    Queued work is cancelled and every worker terminated (they die on SIGTERM), so the
    process can exit within a fraction of a second whatever the workers were doing.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def leave_signals_to_the_parent(parent_pid: int | None = None) -> None:
    """A worker's initializer: ignore Ctrl-C and die on SIGTERM (not the CLI's handler, which
    would unwind them with a traceback); the parent decides and stops them (see
    executors.stop_pool). With ``parent_pid``, the worker also dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)  # forked while the parent held them off
    if parent_pid is not None:
        die_with_parent(parent_pid)


def worker_setup() -> tuple:
    """(initializer, initargs) for a pool whose workers must not outlive this process."""
    return leave_signals_to_the_parent, (os.getpid(),)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """End this worker when the run that started it dies, even by ``kill -9`` (which no handler sees).

    Orphaned workers would otherwise live on, re-parented to init and blocked on a pipe,
    holding the terminal's pipe open so a caller reading campsim's output never sees its end.
    A worker forked by the run itself asks the kernel for SIGKILL when its parent dies (Linux:
    prctl PR_SET_PDEATHSIG); elsewhere, or when a fork server started it (its parent is then
    not the run), a daemon thread checks every half second that the run is still alive.
    """
    if sys.platform.startswith("linux") and os.getppid() == parent_pid:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent_pid:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while process_running(parent_pid):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="campsim-parent-watch").start()


def process_running(pid: int) -> bool:
    """Whether process pid is running (a zombie, dead but not yet reaped, is not)."""
    try:
        stat = open(f"/proc/{pid}/stat").read()  # noqa: SIM115 (one read, closed by refcounting)
        return stat[stat.rindex(")") + 2] != "Z"
    except (OSError, ValueError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True
