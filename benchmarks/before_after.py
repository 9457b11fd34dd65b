"""Before and after a change, in one run: `python benchmarks/before_after.py [REV] [--rounds N]`.

Checks out REV (default 672434f, the last commit before the layered restructure) and
--after (default HEAD) into temporary git worktrees and times the same single-camp jobs in both trees, alternating
old and new in fresh processes round after round, so that both see the same machine (on
these shared virtual CPUs two identical runs minutes apart can differ by 2x). Prints the
median of each job per tree and their ratio; writes benchmarks/before_after.json.

The jobs, on benchmarks/scenarios/year.yaml (365 days, 4 commodities), each timed inside
its process after a warm-up: the SimPy engine alone; campsim.simulate (drawing, engine,
summary and DataFrames); the batch engine's stepping and summaries at 1,000 replications;
and, as a user runs them, `campsim run scenarios/ramadi.yaml` and `--replications 1000`
(wall time of a new process).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = ROOT / "benchmarks" / "scenarios" / "year.yaml"
RAMADI = ROOT / "scenarios" / "ramadi.yaml"

# One timing script for both trees: it finds whichever API the tree has.
PROBE = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import campsim
s = campsim.load_scenario(sys.argv[2])
def median_s(fn, n):
    fn(); out = []
    for _ in range(n):
        t = time.perf_counter(); fn(); out.append(time.perf_counter() - t)
    return statistics.median(out)
from pathlib import Path
# the layout is read from the tree's files: importing a module the tree lacks could load it
# from wherever campsim is installed in editable mode
if (Path(sys.argv[1]) / "campsim" / "engines").is_dir():  # the layered tree
    from campsim.engines import batch, des
    from campsim.plan.compile import compile
    from campsim.plan.draw import draw_fresh
    from campsim.results.summary import summarize
    plan = compile(s)
    one = draw_fresh(plan, s.seed)
    engine = lambda: des.simulate(plan, one)
    many = draw_fresh(plan, s.seed, 0, 1000)
    step = lambda: batch.simulate_batch(plan, many)
    result = step()
    summary = lambda: summarize(plan, result, s.seed)
else:  # the flat tree before it
    from campsim import batch, engine as des
    from campsim.inputs import draw_inputs
    from campsim.results import summarize_batch
    one = draw_inputs(s, s.seed, 0)
    engine = lambda: des.simulate(s, one)
    many = batch.draw_batch(s, s.seed, 0, 1000)
    step = lambda: batch.simulate_batch(s, many)
    result = step()
    summary = lambda: summarize_batch(s, result.population, result.arrivals, result.departures, result.lines, s.seed)
seeds = iter(range(10**6))
print(json.dumps({
    "des_engine_ms": 1e3 * median_s(engine, 15),
    "simulate_api_ms": 1e3 * median_s(lambda: campsim.simulate(s, seed=next(seeds)), 15),
    "batch_step_per_replication_at_1000_ms": median_s(step, 3),
    "batch_summary_per_replication_at_1000_ms": median_s(summary, 3),
}))
"""


# Bytecode is written (this sandbox sets PYTHONDONTWRITEBYTECODE): otherwise every new process
# compiles every module it imports, and a tree with more code would seem slower to start.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def probe(tree: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tree), str(YEAR)], capture_output=True, text=True, check=True, env=ENV
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_s(tree: Path, *args: str) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "campsim", "run", str(RAMADI), "--out", f"{scratch}/r", "-q", *args],
                       cwd=tree, check=True, env=ENV)  # fmt: skip
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="672434f")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        old, new = Path(scratch) / "before", Path(scratch) / "after"
        for tree, rev in ((old, args.rev), (new, args.after)):
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), rev], check=True)
        try:
            for tree in (old, new):  # a warm-up run each: bytecode written, files cached
                cli_s(tree)
            samples: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
            for _ in range(args.rounds):
                for label, tree in (("before", old), ("after", new)):
                    got = probe(tree)
                    got["campsim_run_ramadi_s"] = cli_s(tree)
                    got["campsim_run_ramadi_1000_replications_s"] = cli_s(tree, "-n", "1000")
                    for key, value in got.items():
                        samples[label].setdefault(key, []).append(value)
        finally:
            for tree in (old, new):
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    report = {"rev_before": args.rev, "rev_after": args.after, "rounds": args.rounds, "jobs": {}}
    print(f"before = {args.rev}, after = {args.after}; medians of {args.rounds} alternating rounds")
    for key in samples["before"]:
        before, after = statistics.median(samples["before"][key]), statistics.median(samples["after"][key])
        report["jobs"][key] = {"before": before, "after": after, "after_over_before": after / before}
        print(f"  {key:45s} {before:10.4g} -> {after:10.4g}   x{after / before:.2f}")
    (ROOT / "benchmarks" / "before_after.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
