"""What a user waits for: `python benchmarks/report_speed.py [--rounds N]`.

Times, each in a new process and interleaved round after round (two identical runs here can
differ by a second, hence medians of several rounds in one benchmark run):

- `python -c "import numpy, pandas, matplotlib.pyplot"`: the floor every run pays;
- `campsim run scenarios/ramadi.yaml` with its full report, and with `--no-charts`;
- the same with `--replications 1000`.

Prints the medians and each run's time above the import floor (the reports issue's bars:
at most 1 s for the run, 2 s with 1,000 replications); writes benchmarks/report_speed.json.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAMADI = ROOT / "scenarios" / "ramadi.yaml"
# bytecode is written (this sandbox turns it off), as on a user's machine after the first run
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

JOBS = {
    "imports": [sys.executable, "-c", "import numpy, pandas, matplotlib.pyplot"],
    "run": [sys.executable, "-m", "campsim", "run", str(RAMADI), "-q"],
    "run_no_charts": [sys.executable, "-m", "campsim", "run", str(RAMADI), "-q", "--no-charts"],
    "run_1000": [sys.executable, "-m", "campsim", "run", str(RAMADI), "-q", "-n", "1000"],
    "run_1000_no_charts": [sys.executable, "-m", "campsim", "run", str(RAMADI), "-q", "-n", "1000", "--no-charts"],
}


def wall_s(argv: list[str]) -> float:
    """Wall time of one new process (a fresh report folder each time)."""
    with tempfile.TemporaryDirectory() as scratch:
        extra = ["--out", f"{scratch}/r"] if "campsim" in argv else []
        started = time.perf_counter()
        subprocess.run([*argv, *extra], check=True, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for argv in JOBS.values():  # warm-up: bytecode written, files in the page cache
        wall_s(argv)
    samples: dict[str, list[float]] = {name: [] for name in JOBS}
    for _ in range(args.rounds):
        for name, argv in JOBS.items():
            samples[name].append(wall_s(argv))
    medians = {name: statistics.median(times) for name, times in samples.items()}
    floor = medians["imports"]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rounds": args.rounds,
        "cores": len(os.sched_getaffinity(0)),
        "median_s": medians,
        "above_imports_s": {name: t - floor for name, t in medians.items() if name != "imports"},
        "samples_s": samples,
    }
    for name, t in medians.items():
        above = "" if name == "imports" else f"   {t - floor:+.2f} s above the imports"
        print(f"{name:20s} {t:6.2f} s{above}")
    (ROOT / "benchmarks" / "report_speed.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
