"""Sweeps and the solver: how shortage responds to a knob, and the least value that works.

Every grid point (and every solver evaluation) runs the same replications on the same
seed, so points differ by the knob, not by noise (common random numbers).
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from campsim.load.loader import ScenarioFile
from campsim.model.errors import ScenarioError
from campsim.model.scenario import Scenario
from campsim.plan.compile import compile
from campsim.results.aggregate import aggregate, aggregate_network
from campsim.results.metrics import KIT_KEYS
from campsim.results.summary import COMPARE_METRICS
from campsim.runs.compare import grid
from campsim.runs.executors import DEFAULT_EXECUTION, Execution, run_grid, shared_pool
from campsim.runs.simulate import recorded

if TYPE_CHECKING:
    from collections.abc import Callable

STAT_COLUMNS = ("p10", "p50", "p90")
OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}


def shadowed(scenario: Scenario, key: str) -> list[tuple[str, str]]:
    """(commodity, why) for commodities whose funding hides a varied funding.funded_fraction."""
    if key != "funding.funded_fraction":
        return []
    out = []
    for name, c in scenario.commodities.items():
        if c.funded_fraction is not None:
            out.append((name, f"commodities.{name}.funded_fraction is set and wins"))
        elif name in scenario.funding.fts_fractions:
            out.append((name, f"its share comes from the funding.fts table ({scenario.funding.fts})"))
    return out


def shadow_warnings(scenario: Scenario, keys: list[str]) -> list[str]:
    return [f"warning: {key} does not move {name}: {why}" for key in keys for name, why in shadowed(scenario, key)]


@dataclass
class SweepResult:
    """One row per grid point and commodity (sweep.csv), and each point's summary."""

    keys: list[str]
    table: pd.DataFrame
    summaries: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def sweep(
    path: str,
    vary: tuple[str, ...],
    overrides: tuple[str, ...] = (),
    replications: int | None = None,
    seed: int | None = None,
    execution: Execution = DEFAULT_EXECUTION,
    progress=None,
    points: list | None = None,
    data_root: str | Path | None = None,
) -> SweepResult:
    """Run every point of the --vary grid with the same replications and seed.

    ``points`` (from :func:`campsim.runs.compare.grid`) saves validating the grid again.
    """
    if not vary:
        raise ScenarioError("sweep needs at least one --vary KEY=lo:hi:step or KEY=a,b,c")
    points = grid(path, overrides, vary, data_root) if points is None else points
    base = points[0][2]
    n = base.replications if replications is None else replications
    root = base.seed if seed is None else seed
    keys = list(points[0][0])
    plans = [compile(s) for _, _, s in points]
    all_samples = run_grid([(plan, root, 0, n) for plan in plans], execution, progress, keep_daily=False)
    rows, summaries = [], []
    for (values, _, scenario), plan, samples in zip(points, plans, all_samples, strict=True):
        network = plan.network is not None
        summary = (aggregate_network if network else aggregate)(plan, [sample.summary for sample in samples])
        summary = recorded(summary, scenario)
        summaries.append(summary)
        blocks = [("", summary["commodities"], summary["uncertainty"])]  # the network's totals first
        if network:
            blocks += [(camp, site["commodities"], summary["uncertainty"]["camps"][camp]["commodities"])
                       for camp, site in summary["camps"].items()]  # fmt: skip
        for camp, commodities, uncertainty in blocks:
            for name, c in commodities.items():
                spread = uncertainty[name]
                row: dict[str, Any] = {**values, **({"camp": camp} if network else {}), "commodity": name,
                                       "replications": n, "seed": root, "p_shortage": spread["p_shortage"]}  # fmt: skip
                for metric, value in c.items():
                    if metric in spread and isinstance(spread[metric], dict):
                        row[metric] = value
                        row.update({f"{metric}_{q}": spread[metric][q] for q in STAT_COLUMNS})
                row["first_shortage_date"] = c["first_shortage_date"]
                rows.append(row)
    return SweepResult(keys, pd.DataFrame(rows), summaries, shadow_warnings(base, keys))


# --- the solver ------------------------------------------------------------------------

TARGET = re.compile(
    r"^\s*(?:camps\.(?P<camp>[^.\s]+)\.commodities\.)?(?P<commodity>[^.\s]+)\.(?P<metric>[A-Za-z_]+)"
    r"(?:\.(?P<stat>p10|p50|p90|mean))?\s*(?P<op><=|>=|<|>)\s*(?P<value>[-+0-9.eE]+)\s*$"
)


@dataclass(frozen=True)
class Target:
    """``water.p_shortage<=0.05``, ``food.shortfall_person_days.p90<=1000``, or a network camp's
    ``camps.kilo18.commodities.food.shortfall_person_days<=50000``."""

    text: str
    commodity: str
    metric: str
    stat: str | None
    op: str
    value: float
    camp: str | None = None

    def measure(self, summary: dict[str, Any]) -> float:
        figures, spread = summary["commodities"], summary["uncertainty"]
        if self.camp is not None:
            figures = summary["camps"][self.camp]["commodities"]
            spread = summary["uncertainty"]["camps"][self.camp]["commodities"]
        if self.metric == "p_shortage":
            return spread[self.commodity]["p_shortage"]
        if self.stat in (None, "mean"):
            return figures[self.commodity][self.metric]
        return spread[self.commodity][self.metric][self.stat]

    def met(self, summary: dict[str, Any]) -> bool:
        return OPERATORS[self.op](self.measure(summary), self.value)


def parse_target(text: str, scenario: Scenario) -> Target:
    """Parse and check a --target against the scenario's commodities and metrics."""
    match = TARGET.match(text)
    if not match:
        raise ScenarioError(
            f"--target {text!r}: expected COMMODITY.METRIC[.p10|.p50|.p90] OP NUMBER, "
            "e.g. water.p_shortage<=0.05 or food.shortfall_person_days.p90<=1000"
        )
    commodity, metric, stat, camp = match["commodity"], match["metric"], match["stat"], match["camp"]
    if camp is not None:
        if not scenario.is_network or camp not in scenario.camps:
            have = (
                f"the scenario's camps are {', '.join(scenario.camps)}"
                if scenario.is_network
                else "no camps: not a network"
            )
            raise ScenarioError(f"--target {text!r}: unknown camp {camp!r}; {have}")
        if commodity not in scenario.camps[camp].commodities:
            raise ScenarioError(f"--target {text!r}: camp {camp!r} does not take {commodity!r}; it takes "
                                f"{', '.join(scenario.camps[camp].commodities)}")  # fmt: skip
    if commodity not in scenario.commodities:
        raise ScenarioError(f"--target {text!r}: unknown commodity {commodity!r}; the scenario has "
                            f"{', '.join(scenario.commodities)}")  # fmt: skip
    numeric = [m for m in COMPARE_METRICS if m not in ("first_shortage_date", "first_shortage_cause")]
    if metric not in (*numeric, "p_shortage"):
        raise ScenarioError(f"--target {text!r}: unknown metric {metric!r}; use p_shortage or one of "
                            f"{', '.join(numeric)}")  # fmt: skip
    if metric == "p_shortage" and stat is not None:
        raise ScenarioError(f"--target {text!r}: p_shortage is already a probability; drop .{stat}")
    kits = scenario.commodities[commodity].per_household
    if (metric in KIT_KEYS and not kits) or (metric == "share_person_days_at_standard" and kits):
        kind = "per_new_household (kit)" if metric in KIT_KEYS else "per_person_day"
        raise ScenarioError(f"--target {text!r}: {metric} applies to {kind} items only; {commodity} is not one")
    try:
        value = float(match["value"])
    except ValueError:
        raise ScenarioError(f"--target {text!r}: {match['value']!r} is not a number") from None
    return Target(text.strip(), commodity, metric, stat, match["op"], value, camp)


@dataclass
class SolveResult:
    """The least value meeting every target (None if none in the range does)."""

    key: str
    value: float | None
    low: float
    high: float
    cost_usd: float | None
    points: pd.DataFrame
    warnings: list[str]
    message: str
    targets: list[str] = field(default_factory=list)
    replications: int = 1
    seed: int = 0


def _moved_commodities(scenario: Scenario, key: str) -> list[str]:
    if key == "funding.funded_fraction":
        return [n for n, c in scenario.commodities.items() if c.funded_fraction is None]
    match = re.fullmatch(r"commodities\.([^.]+)\.funded_fraction", key)
    return [match[1]] if match and match[1] in scenario.commodities else []


def unnamed_warnings(scenario: Scenario, key: str, targets: list[Target]) -> list[str]:
    """One line when a global knob also funds commodities no target names (and its cost counts them)."""
    named = {t.commodity for t in targets}
    unnamed = [n for n in _moved_commodities(scenario, key) if n not in named]
    if key != "funding.funded_fraction" or not unnamed:
        return []
    only = " or ".join(f"--vary commodities.{n}.funded_fraction" for n in sorted(named))
    return [f"warning: {key} also raises the funding of {', '.join(unnamed)}, which no --target names, and the "
            f"cost on top counts them; to fund only what the targets name, use {only}"]  # fmt: skip


def extra_cost_usd(base: Scenario, key: str, value: float) -> float | None:
    """What the knob at ``value`` costs on top of the scenario as written (funding knobs only)."""
    moved = _moved_commodities(base, key)
    if not moved:
        return None
    plan = compile(base)
    if plan.network is not None:  # one budget per commodity
        requirements = dict(zip(plan.network.sites.commodities, plan.network.requirement_usd.tolist(), strict=True))
    else:
        requirements = dict(zip(plan.lines, plan.requirement_usd.tolist(), strict=True))
    return sum((value - base.funded_fraction(n)) * requirements[n] for n in moved)


def solve(
    path: str,
    key: str,
    targets: tuple[str, ...],
    low: float | None = None,
    high: float | None = None,
    tol: float = 0.001,
    overrides: tuple[str, ...] = (),
    replications: int | None = None,
    seed: int | None = None,
    execution: Execution = DEFAULT_EXECUTION,
    data_root: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SolveResult:
    """Bisection for the least value of ``key`` in [low, high] that meets every target.

    ``progress`` is called with the replications finished by each completed chunk and the most
    the solve can run (every evaluation bisection may need, times the replications).

    Shortage falls as funding rises in expectation (on common random numbers, every point
    sees the same arrivals and lead times), so the targets switch from unmet to met once;
    bisection finds that point to within ``tol``.
    """
    source = ScenarioFile(path, data_root)  # read once: every evaluation varies it in memory
    base = source.load(overrides)
    if not targets:
        raise ScenarioError("solve needs at least one --target, e.g. --target 'water.p_shortage<=0.05'")
    parsed = [parse_target(t, base) for t in targets]
    if low is None or high is None:
        if not key.endswith("funded_fraction"):
            raise ScenarioError(f"--vary {key}: give --range lo:hi (only funded fractions have a default, 0:1)")
        low, high = 0.0 if low is None else low, 1.0 if high is None else high
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ScenarioError(f"--range {low}:{high}: expected lo:hi with lo <= hi")
    if not tol > 0:
        raise ScenarioError(f"--tol {tol}: expected a number > 0")
    n = base.replications if replications is None else replications
    root = base.seed if seed is None else seed
    rows: list[dict[str, Any]] = []
    most = n * most_evaluations(low, high, tol)
    done = None if progress is None else (lambda k: progress(k, most))

    def evaluate(x: float) -> bool:
        plan = compile(source.load((*overrides, f"{key}={x!r}")))
        samples = run_grid([(plan, root, 0, n)], execution, done, keep_daily=False, pool=pool)[0]
        summary = (aggregate_network if plan.network is not None else aggregate)(plan, [x.summary for x in samples])
        ok = all(t.met(summary) for t in parsed)
        rows.append({key: x, "meets_targets": ok, **{t.text: t.measure(summary) for t in parsed}})
        return ok

    warnings = shadow_warnings(base, [key]) + unnamed_warnings(base, key, parsed)
    with shared_pool(execution) as pool:
        return _bisect(evaluate, key, low, high, tol, base, parsed, rows, warnings, n, root)


def most_evaluations(low: float, high: float, tol: float) -> int:
    """The evaluations bisection makes at most: both ends, then one per halving of the bracket to ``tol``."""
    halvings, width = 0, high - low
    while width > tol:
        width /= 2
        halvings += 1
    return 2 + halvings


def _bisect(evaluate, key, low, high, tol, base, parsed, rows, warnings, n, root) -> SolveResult:
    """Bisection on evaluate(x) -> targets met; see solve."""
    if not evaluate(high):
        return SolveResult(key, None, low, high, None, pd.DataFrame(rows), warnings,
                           f"no value of {key} in [{low:g}, {high:g}] meets "
                           f"{' and '.join(t.text for t in parsed)}, not even {high:g}",
                           [t.text for t in parsed], n, root)  # fmt: skip
    lo, hi = low, high
    if evaluate(lo):
        hi = lo
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if evaluate(mid):
            hi = mid
        else:
            lo = mid
    cost = extra_cost_usd(base, key, hi)
    cost_words = "" if cost is None else f"; it costs US${cost:,.0f} on top of the scenario as written"
    message = f"least {key} meeting {' and '.join(t.text for t in parsed)}: {hi:.6g} (within {tol:g}){cost_words}"
    return SolveResult(
        key, hi, low, high, cost, pd.DataFrame(rows), warnings, message, [t.text for t in parsed], n, root
    )
