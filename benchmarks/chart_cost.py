"""What the readable charts cost to draw: `python benchmarks/chart_cost.py [--base REF] [--rounds N]`.

Draws and saves (PNG, 150 dpi, in memory, one process) every chart of: a Ramadi run with 200
replications, a compare of the four Ramadi scenarios, a --vary of six funding levels with 20
replications (small multiples) and a sweep; in this tree and in git REF's (default 9afa86a, the last commit before them,
extracted with git archive), each in a new process, the trees interleaved round after round.
Times are CPU seconds of the drawing process (time.process_time): on a machine shared with other
work, wall times of the same draw vary by 3x, CPU times far less. Prints the median seconds per
case (the sum of its charts) and the ratio this tree / REF, and per chart; writes
benchmarks/chart_cost.json.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# run in each tree: simulate (not timed), then time drawing and saving every chart of each case
PROBE = r"""
import io, json, sys, time
import matplotlib.pyplot as plt
import campsim
from campsim.report import charts
print(campsim.__file__, file=sys.stderr)
ramadi = sys.argv[1] + "/scenarios/ramadi.yaml"
others = [sys.argv[1] + f"/scenarios/ramadi-{s}.yaml" for s in ("funded", "surge", "fts")]
cases = {
    "run_200": [("run", campsim.run_replications(campsim.load_scenario(ramadi), 200, jobs=1))],
    "compare_4": campsim.compare([ramadi, *others]).runs,
    "vary_6_n20": campsim.compare(ramadi, vary={"funding.funded_fraction": "0.5:1.0:0.1"}, replications=20,
                                  jobs=1).runs,
}
sweep = campsim.sweep(ramadi, vary={"funding.funded_fraction": "0.3:1.0:0.05"}, replications=20, jobs=1)
out = {}
for case, runs in cases.items():
    for name, draw in charts.CHARTS.items():
        started = time.process_time()
        fig = draw(runs)
        if fig is not None:
            fig.savefig(io.BytesIO(), format="png", dpi=150)
            plt.close(fig)
        out[case + "." + name] = time.process_time() - started
started = time.process_time()
fig = charts.sweep_chart(sweep.table, sweep.keys)
fig.savefig(io.BytesIO(), format="png", dpi=150)
out["sweep"] = time.process_time() - started
print(json.dumps(out))
"""


def probe(tree: Path) -> dict[str, float]:
    """One new process importing campsim from ``tree`` (run outside both trees: the working folder comes first)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    got = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], cwd=tempfile.gettempdir(), env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    assert got.stderr.startswith(str(tree)), got.stderr  # the tree meant, not another install
    return json.loads(got.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="9afa86a", help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        archive = subprocess.run(["git", "archive", args.base, "campsim"], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        times: dict[str, dict[str, list[float]]] = {"base": {}, "this": {}}
        for _ in range(args.rounds):
            for name, tree in (("base", base), ("this", ROOT)):
                for case, seconds in probe(tree).items():
                    times[name].setdefault(case, []).append(seconds)
    for cases in times.values():  # each case's total over its charts, round by round
        for case in {key.split(".")[0] for key in cases if "." in key}:
            parts = [v for key, v in cases.items() if key.startswith(case + ".")]
            cases[case] = [sum(round_) for round_ in zip(*parts, strict=True)]
    medians = {name: {case: statistics.median(v) for case, v in cases.items()} for name, cases in times.items()}
    result = {"base": args.base, "rounds": args.rounds, "median_s": medians,
              "ratio_this_to_base": {c: medians["this"][c] / medians["base"][c] for c in medians["this"]},
              "times_s": times}  # fmt: skip
    for case in sorted(medians["this"], key=lambda c: ("." in c, c)):
        print(f"{case:28} base {medians['base'][case]:6.2f} s   this {medians['this'][case]:6.2f} s   "
              f"ratio {result['ratio_this_to_base'][case]:.2f}")  # fmt: skip
    (ROOT / "benchmarks" / "chart_cost.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
