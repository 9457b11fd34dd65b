"""Running many replications: in-process, on local worker processes, or on a Dask cluster.

Work is cut into chunks of replications (one task each), so 100,000 runs are a few hundred
tasks, and workers return small samples that are collected as they arrive. Whatever runs
them, samples are aggregated in replication order, so results do not depend on the executor.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass

from campsim.model.errors import ScenarioError
from campsim.model.outputs import DAILY_FIELDS
from campsim.plan.compile import Plan
from campsim.runs.progress import progress_bar  # noqa: F401 (the commands' bars, importable from here as before)
from campsim.runs.replicate import ENGINES, Sample, run_chunk
from campsim.runs.signals import held_signals, stop_pool, submit_all, worker_setup

MAX_CHUNK = 250  # SimPy engine: replications per task
MAX_BATCH_CHUNK = 5000  # batch engine: replications stepped together
CHUNK_BYTES = 50_000_000  # daily series a chunk carries back (float32)
# the batch engine's working arrays per chunk (float64): its per-day cost is mostly numpy calls
# whose count does not grow with replications, so bigger chunks are cheaper per replication
BATCH_BYTES = 400_000_000


def chunks(n: int, workers: int, cap: int = MAX_CHUNK, per_worker: int = 4, first: int = 0) -> list[tuple[int, int]]:
    """Cut replications first..n-1 into about ``per_worker`` chunks per worker (at most ``cap`` each)."""
    size = max(1, min(cap, math.ceil((n - first) / max(1, workers * per_worker))))
    return [(start, min(start + size, n)) for start in range(first, n, size)]


def _chunk_cap(plan: Plan, keep_daily: bool, engine: str = "des") -> int:
    """Replications per chunk: bounded by what a chunk holds in memory.

    The SimPy engine sends back about 50 MB of daily series per chunk at most; the batch
    engine also holds every daily field of every replication while it steps (about 400 MB).
    """
    cap = MAX_CHUNK
    if engine == "batch":
        fields = len(DAILY_FIELDS) + 3  # the daily record, plus orders landing, their count and stock by day
        per_day = len(plan.lines) * fields + 3
        if plan.network is not None:  # camps' people, warehouse lines (record, landings), shipments, routes, money
            net = plan.network
            per_day += (len(net.camps.names) * 8 + len(net.sites.wline_warehouse) * 12 + len(plan.lines)
                        + len(net.routes.names) * 2 + len(net.sites.commodities) * 2)  # fmt: skip
        cap = max(1, min(MAX_BATCH_CHUNK, BATCH_BYTES // (plan.days * per_day * 8)))
    if keep_daily:
        people = len(plan.lines) if plan.network is not None else 1  # a network's: each camp line's
        per_replication = plan.days * (len(plan.lines) * 3 + people) * 4
        cap = min(cap, CHUNK_BYTES // per_replication)
    return max(1, cap)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Execution:
    """How replications run: where, on how many workers, with which engine.

    Attributes:
        jobs: worker processes for the local executor (None: all cores; 1 = in-process).
        executor: "local" or "dask" (then ``address`` is the scheduler, e.g. tcp://host:8786);
            None: "dask" if an address is given, else "local".
        address: the Dask scheduler for executor "dask".
        engine: "batch" (vectorised across replications) or "des" (the SimPy engine).
    """

    jobs: int | None = None
    executor: str | None = "local"
    address: str | None = None
    engine: str = "batch"

    def __post_init__(self) -> None:
        # an --address is never ignored: it means Dask, unless local processes were asked for
        if self.executor is None:
            object.__setattr__(self, "executor", "dask" if self.address else "local")
        elif self.executor == "local" and self.address:
            raise ScenarioError(f"--address {self.address} is for --executor dask; drop --executor local or --address")

    @property
    def workers(self) -> int:
        """Worker processes: --jobs, at most the usable cores (more only share them, at a cost in memory)."""
        return min(self.jobs or default_jobs(), default_jobs())


DEFAULT_EXECUTION = Execution()  # frozen: safe to share as a default argument


def run_samples(
    plan: Plan,
    seed: int,
    n: int,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    progress: Callable[[int], None] | None = None,
    engine: str = "batch",
) -> list[Sample]:
    """Run replications 0..n-1 of a plan and return their samples in replication order (see Execution).

    ``progress`` is called with the number of replications finished by each completed chunk.
    """
    return run_grid([(plan, seed, 0, n)], Execution(jobs, executor, address, engine), progress)[0]


def run_grid(
    items: list[tuple[Plan, int, int, int]],
    execution: Execution = DEFAULT_EXECUTION,
    progress: Callable[[int], None] | None = None,
    keep_daily: bool = True,
    pool: ProcessPoolExecutor | None = None,
) -> list[list[Sample]]:
    """Run several (plan, seed, first, stop) at once (replications first..stop-1), sharing one
    pool or cluster.

    Returns each item's samples in replication order. A sweep's grid points go through the
    same workers, so starting them is paid once. The batch engine's cost per chunk has a
    fixed part (a numpy call per step of each day), so it gets one chunk per worker rather
    than four: fewer, larger chunks. ``pool`` (from :func:`shared_pool`) lets several calls,
    such as a solver's evaluations, share one set of workers.
    """
    engine = execution.engine
    if engine not in ENGINES:
        raise ScenarioError(f"--engine {engine}: expected one of {', '.join(ENGINES)}")
    width = execution.workers if execution.executor == "local" else 8
    per_worker = 1 if engine == "batch" else 4
    tasks = [
        (k, a, b)
        for k, (plan, _, first, stop) in enumerate(items)
        for a, b in chunks(stop, width, _chunk_cap(plan, keep_daily, engine), per_worker, first)
    ]
    results: list[list[Sample]] = [[] for _ in items]
    for k, batch in _run_tasks(items, tasks, execution, keep_daily, pool):
        results[k] += batch
        if progress is not None:
            progress(len(batch))
    return [sorted(r, key=lambda s: s.index) for r in results]


def _run_tasks(items, tasks, execution: Execution, keep_daily: bool, pool=None) -> Iterator[tuple[int, list[Sample]]]:
    engine = execution.engine
    if execution.executor == "dask":
        yield from _dask(items, tasks, execution.address, keep_daily, engine)
        return
    if execution.workers == 1 or len(tasks) == 1:
        for k, a, b in tasks:
            plan, seed = items[k][:2]
            yield k, run_chunk(plan, seed, a, b, keep_daily, engine)
        return
    own = pool is None
    if own:
        pool = _new_pool(min(execution.workers, len(tasks)))
    try:
        submitted = submit_all(
            pool, [(run_chunk, items[k][0], items[k][1], a, b, keep_daily, engine) for k, a, b in tasks]
        )
        futures = {future: k for future, (k, _, _) in zip(submitted, tasks, strict=True)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        stop_pool(pool)
        raise
    if own:
        with held_signals():  # a signal in the middle of shutting down could hang the exit
            pool.shutdown()


def _new_pool(workers: int) -> ProcessPoolExecutor:
    initializer, initargs = worker_setup()  # workers die with this process, even by kill -9
    return ProcessPoolExecutor(max_workers=workers, initializer=initializer, initargs=initargs)


@contextmanager
def shared_pool(execution: Execution) -> Iterator[ProcessPoolExecutor | None]:
    """One local worker pool for several run_grid calls (None where none is needed).

    Starting workers costs about as much as a small evaluation, so a solver that runs a
    dozen of them keeps the same workers (and their cached random inputs) throughout.
    """
    if execution.executor != "local" or execution.workers == 1:
        yield None
        return
    pool = _new_pool(execution.workers)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    with held_signals():
        pool.shutdown()


def _dask(items, tasks, address: str | None, keep_daily: bool, engine: str) -> Iterator[tuple[int, list[Sample]]]:
    from campsim.runs.cluster import connect

    client = connect(address)  # checked: reachable, a scheduler, with workers running this campsim
    from distributed import as_completed as dask_completed

    futures: dict = {}
    try:
        scattered = [client.scatter(plan, broadcast=True) for plan, *_ in items]
        for k, a, b in tasks:
            future = client.submit(run_chunk, scattered[k], items[k][1], a, b, keep_daily, engine, pure=False)
            futures[future] = k
        for future in dask_completed(list(futures)):
            yield futures[future], future.result()
    except BaseException:
        client.cancel(list(futures))  # Ctrl-C: stop the cluster's work too
        raise
    finally:
        client.close()


def preflight(runs: list, execution: Execution, max_memory: int | None = None, keep_daily: bool = True) -> None:
    """Refuse before any work what would fail later: replications that would not fit in memory
    (budget.check_memory; runs are (scenario, replications)) and a Dask cluster that cannot
    run them (cluster.connect)."""
    from campsim.runs.budget import check_memory

    if runs:
        check_memory(runs, max_memory, keep_daily)
    if execution.executor == "dask":
        from campsim.runs.cluster import connect

        connect(execution.address).close()
