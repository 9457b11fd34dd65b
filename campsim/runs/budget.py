"""The memory a replicated run will need, estimated before it starts, and the budget it must fit.

A replicated run keeps, for every replication, its summary and (for a run or a comparison,
not a sweep or a solve) its daily stock, ration and days of cover per line and its population,
as float32, until the daily quantiles are taken. ``--replications 1000000`` on Ramadi would
need about 40 GB: refused at once with the estimate, rather than dying minutes later.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from campsim.model.errors import ScenarioError

if TYPE_CHECKING:
    from campsim.model.scenario import Scenario

DAILY_METRICS_PER_LINE = 3  # stock, ration, days of cover (results/aggregate.DAILY_METRICS)
FLOAT32_BYTES = 4
# the daily series are held up to three times at once: as they arrive from the workers, in the
# samples, and stacked while their quantiles are taken (measured: 2.7 GiB peak for 876 MB of series)
DAILY_COPIES = 3
# a replication's summary (Python dicts) per line: measured 1,900-2,600 bytes on the shipped scenarios
SUMMARY_BYTES_PER_LINE = 3_000
BASE_BYTES = 200 * 2**20  # the loaded libraries (numpy, pandas, matplotlib, simpy, pydantic): about 110 MiB
DEFAULT_SHARE = 0.5  # of the machine's memory (or the container's limit)


def lines_of(scenario: Scenario) -> tuple[int, int]:
    """(lines, population series) of a scenario: commodities and 1 for a camp; camp x commodity
    lines, each with its camp's people, for a network."""
    if scenario.is_network:
        lines = sum(len(camp.commodities) for camp in scenario.camps.values())
        return lines, lines
    return len(scenario.commodities), 1


def replication_bytes(scenario: Scenario, keep_daily: bool = True) -> int:
    """The memory one replication holds in the aggregating process, in bytes."""
    lines, people = lines_of(scenario)
    held = lines * SUMMARY_BYTES_PER_LINE
    if keep_daily:
        held += DAILY_COPIES * scenario.days * (DAILY_METRICS_PER_LINE * lines + people) * FLOAT32_BYTES
    return held


def machine_bytes() -> int | None:
    """The memory this process may use: physical memory, or a smaller cgroup (container) limit."""
    total = None
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total or int(limit), int(limit))
    except OSError:
        pass
    return total


def default_budget() -> int | None:
    """Half the machine's memory (None where it cannot be known: no limit then)."""
    total = machine_bytes()
    return None if total is None else int(total * DEFAULT_SHARE)


def parse_size(text: str) -> int:
    """'4G', '500M', '2.5GB', '1000000' (bytes) -> bytes; ScenarioError otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", str(text), re.IGNORECASE)
    if not match:
        raise ScenarioError(f"--max-memory {text!r}: expected a size such as 4G, 500M or 2.5GB")
    power = " kmgt".index(match.group(2).lower() or " ")
    return int(float(match.group(1)) * 1024**power)


def human(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TB"  # pragma: no cover


def check_memory(runs: list[tuple[Scenario, int]], budget: int | None = None, keep_daily: bool = True) -> int:
    """Refuse (ScenarioError, exit 2) replications whose estimated memory exceeds the budget.

    Args:
        runs: (scenario, replications) of everything held at once (a comparison's variants, a sweep's points).
        budget: bytes; None: default_budget().
        keep_daily: False for sweeps and solves, which keep no daily series.

    Returns:
        The estimate, in bytes.
    """
    budget = default_budget() if budget is None else budget
    need = BASE_BYTES + sum(n * replication_bytes(s, keep_daily) for s, n in runs)
    if budget is not None and need > budget:
        n = sum(count for _, count in runs)
        lines, _ = lines_of(runs[0][0])
        raise ScenarioError(
            f"--replications: {n:,} replications of {runs[0][0].days:,} days x {lines} lines need about "
            f"{human(need)} of memory; the budget is {human(budget)} (--max-memory, default half the "
            "machine's memory); run fewer replications or raise --max-memory"
        )
    return need
