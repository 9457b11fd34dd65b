"""Check the comparison models against campsim: `python benchmarks/check_models.py [--initial 5000]`.

- deterministic.yaml: campsim's DES, scalar_loop and naive_simpy must agree on every
  commodity's shortage totals;
- year.yaml (stochastic), seeds 0..4: campsim's DES and scalar_loop must agree.

Agreement is math.isclose(rel_tol=1e-9, abs_tol=1e-6). Prints the largest relative
difference per model and commodity (over the metrics and seeds), each model's run time,
and raises AssertionError on any disagreement. Not part of the test suite (naive_simpy alone takes tens of seconds).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo: campsim and benchmarks

from benchmarks import naive_simpy, scalar_loop  # noqa: E402
from benchmarks.inputs import RandomInputs, draw_inputs  # noqa: E402
from campsim import load_scenario  # noqa: E402
from campsim.engines import des  # noqa: E402
from campsim.model.scenario import Scenario  # noqa: E402
from campsim.plan.compile import compile  # noqa: E402
from campsim.plan.draw import draw_fresh  # noqa: E402
from campsim.results.summary import summarize  # noqa: E402

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
METRICS = ("shortfall", "distributed", "need", "spent_usd", "end_stock", "shortage_days", "shortfall_person_days")
YEAR_SEEDS = range(5)
REL_TOL, ABS_TOL = 1e-9, 1e-6

Model = Callable[[Scenario, RandomInputs], dict]


@dataclass
class Comparison:
    """One scenario's check: worst (relative difference, metric) per (model, commodity)."""

    label: str
    seconds: dict[str, float]  # summed over seeds
    worst: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    crowded_days: int = 0  # (day, commodity) pairs on which campsim landed several deliveries


def relative_difference(a: float, b: float) -> float:
    """|a - b| relative to the larger magnitude (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


def des_run(s: Scenario, inputs: RandomInputs, seed: int) -> tuple[dict, int]:
    """campsim's summary per commodity, and the days on which more than one delivery landed."""
    plan = compile(s)
    raw = des.simulate(plan, draw_fresh(plan, seed))  # the same draws as ``inputs``
    landed: dict[tuple[int, str], int] = {}
    for e in raw.events:
        if e.kind == "delivery":
            landed[e.day, e.commodity] = landed.get((e.day, e.commodity), 0) + 1
    return summarize(plan, raw, seed)[0]["commodities"], sum(1 for n in landed.values() if n > 1)


def timed(run: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    out = run()
    return out, time.perf_counter() - started


def compare(label: str, s: Scenario, seeds: range, models: dict[str, Model]) -> Comparison:
    """Run campsim and each model on the same inputs for every seed; keep each model's worst difference."""
    result = Comparison(label, seconds=dict.fromkeys(["campsim", *models], 0.0))
    for seed in seeds:
        inputs = draw_inputs(s, seed)
        (reference, crowded), took = timed(lambda inputs=inputs, seed=seed: des_run(s, inputs, seed))
        result.seconds["campsim"] += took
        result.crowded_days += crowded
        for model, run in models.items():
            out, took = timed(lambda run=run, inputs=inputs: run(s, inputs))
            result.seconds[model] += took
            for name, want in reference.items():
                got = out["commodities"][name]["summary"]
                for metric in METRICS:
                    diff = relative_difference(want[metric], got[metric])
                    key = (model, name)
                    result.worst[key] = max(result.worst.get(key, (0.0, "-")), (diff, metric))
                    if not math.isclose(want[metric], got[metric], rel_tol=REL_TOL, abs_tol=ABS_TOL):
                        result.mismatches.append(
                            f"{label} seed {seed} {model} {name}.{metric}: campsim {want[metric]!r}, {got[metric]!r}"
                        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initial", type=int, default=5000, help="people in deterministic.yaml on day 0")
    args = parser.parse_args(argv)
    deterministic = load_scenario(SCENARIOS / "deterministic.yaml", [f"population.initial={args.initial}"])
    year = load_scenario(SCENARIOS / "year.yaml")
    comparisons = [
        compare(
            f"deterministic, {args.initial:,} people",
            deterministic,
            range(1),
            {"scalar_loop": scalar_loop.run, "naive_simpy": naive_simpy.run},
        ),
        compare(
            f"year, seeds {YEAR_SEEDS.start}..{YEAR_SEEDS.stop - 1}", year, YEAR_SEEDS, {"scalar_loop": scalar_loop.run}
        ),
    ]
    print(f"{'scenario':<28} {'model':<12} {'commodity':<15} {'max rel diff':>12}  metric")
    for c in comparisons:
        for (model, name), (diff, metric) in c.worst.items():
            print(f"{c.label:<28} {model:<12} {name:<15} {diff:>12.1e}  {metric if diff else '-'}")
    print()
    for c in comparisons:
        times = ", ".join(f"{model} {seconds:.3f} s" for model, seconds in c.seconds.items())
        print(f"{c.label}: {times}; {c.crowded_days} days with more than one delivery landing (campsim)")
    mismatches = [m for c in comparisons for m in c.mismatches]
    if mismatches:
        raise AssertionError("models disagree with campsim:\n" + "\n".join(mismatches))
    print(f"all agree (rel_tol={REL_TOL:g}, abs_tol={ABS_TOL:g}) on {', '.join(METRICS)}")


if __name__ == "__main__":
    main()
