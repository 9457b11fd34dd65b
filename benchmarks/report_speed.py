"""What a user waits for: `python benchmarks/report_speed.py [--rounds N] [--before DIR]`.

Times, each in a new process and interleaved round after round (two identical runs here can
differ by a second, hence medians of several rounds in one benchmark run):

- `python -c "import numpy, pandas, matplotlib.pyplot"`: the floor every run pays;
- `campsim run scenarios/ramadi.yaml` with its full report, with `--svg` (the files the old
  default wrote) and with `--no-charts`; the same with `--replications 1000`;
- with `--before DIR` (a checkout of an older commit, e.g. `git worktree add --detach
  /tmp/speed-before 9afa86a`), that commit's `campsim run` and `-n 1000` in the same rounds.

Then, in this process, what each way of saving costs for the Ramadi run's charts (CPU seconds,
the median of the rounds, one process drawing them one after another): the old default (PNG at
150 dpi and SVG through savefig), each lever alone (110 dpi, one draw instead of savefig's two,
date ticks kept per view), the default now, and what it would cost with an SVG, a second
200-dpi PNG for print, or without a layout engine.

Prints the medians and each run's time above the import floor (the reports issue's bars:
at most 1 s for the run, 2 s with 1,000 replications); writes benchmarks/report_speed.json.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bytecode is written (this sandbox turns it off), as on a user's machine after the first run
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}


def jobs(before: Path | None) -> dict[str, tuple[list[str], Path]]:
    """Each job: its command line and the tree it runs in (`python -m campsim` imports the tree's campsim)."""
    run = [sys.executable, "-m", "campsim", "run", "scenarios/ramadi.yaml", "-q"]
    table = {
        "imports": ([sys.executable, "-c", "import numpy, pandas, matplotlib.pyplot"], ROOT),
        "run": (run, ROOT),
        "run_svg": ([*run, "--svg"], ROOT),
        "run_no_charts": ([*run, "--no-charts"], ROOT),
        "run_1000": ([*run, "-n", "1000"], ROOT),
        "run_1000_no_charts": ([*run, "-n", "1000", "--no-charts"], ROOT),
    }
    if before is not None:
        table["before_run"] = (run, before)
        table["before_run_1000"] = ([*run, "-n", "1000"], before)
    return table


def wall_s(argv: list[str], tree: Path) -> float:
    """Wall time of one new process (a fresh report folder each time)."""
    with tempfile.TemporaryDirectory() as scratch:
        extra = ["--out", f"{scratch}/r"] if "campsim" in argv else []
        started = time.perf_counter()
        subprocess.run([*argv, *extra], check=True, env=ENV, cwd=tree, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def chart_costs(rounds: int) -> dict[str, dict[str, float]]:
    """CPU seconds to build and save each of the Ramadi run's charts, per way of saving (medians)."""
    sys.path.insert(0, str(ROOT))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from campsim.load.loader import load_scenario
    from campsim.report import chartfiles, charts
    from campsim.report.dateticks import DateTicks
    from campsim.runs.simulate import simulate

    scenario = load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    runs = [(scenario.name, simulate(scenario))]

    def savefig(fig, dpi: int) -> None:  # matplotlib's savefig, as campsim saved PNGs before
        fig.savefig(io.BytesIO(), format="png", dpi=dpi)

    def svg(fig) -> None:  # as chartfiles writes the SVG, after the PNG placed the axes
        fig.set_layout_engine("none")
        fig.savefig(io.BytesIO(), format="svg")

    def now(fig) -> None:  # chartfiles.save's PNG: one draw
        chartfiles._save_png(fig, io.BytesIO(), chartfiles.DPI)

    def print_copy(fig) -> None:  # the page's PNG and a second one for the print stylesheet
        now(fig)
        fig.set_layout_engine("none")
        savefig(fig, 200)

    def no_layout(fig) -> None:  # no constrained layout (what fixed margins would cost)
        fig.set_layout_engine("none")
        now(fig)

    kept_ticks = DateTicks.__call__
    # (way, save, date ticks kept per view): each lever on its own, then the default with or without more
    ways = {
        "build only": (lambda fig: None, True),
        "before: savefig png 150 dpi + svg": (lambda fig: (savefig(fig, 150), svg(fig)), False),
        "savefig png 150 dpi": (lambda fig: savefig(fig, 150), False),
        "savefig png 110 dpi": (lambda fig: savefig(fig, 110), False),
        "one draw png 110 dpi": (now, False),
        "savefig png 110 dpi, date ticks kept": (lambda fig: savefig(fig, 110), True),
        "now: one draw png 110 dpi, date ticks kept": (now, True),
        "now + svg (--svg)": (lambda fig: (now(fig), svg(fig)), True),
        "now + a 200-dpi png for print": (print_copy, True),
        "now without a layout engine": (no_layout, True),
    }
    names = [name for name, draw in charts.CHARTS.items() if draw(runs) is not None]  # single-run charts
    plt.close("all")
    samples: dict[str, dict[str, list[float]]] = {way: {name: [] for name in names} for way in ways}
    for _ in range(rounds):  # interleaved: each round tries every way, so the machine's load hits all alike
        for way, (save, keep) in ways.items():
            DateTicks.__call__ = kept_ticks if keep else mdates.AutoDateLocator.__call__
            for name in names:
                started = time.process_time()
                fig = charts.CHARTS[name](runs)
                save(fig)
                plt.close(fig)
                samples[way][name].append(time.process_time() - started)
    # the median, and the least (the cost with the least interference from other processes)
    costs = {way: {name: statistics.median(t) for name, t in by_chart.items()} for way, by_chart in samples.items()}
    for way, by_chart in costs.items():
        by_chart["all"] = sum(by_chart.values())
        by_chart["all_least"] = sum(min(t) for t in samples[way].values())
    DateTicks.__call__ = kept_ticks
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, default=None, help="a checkout of the commit to compare with")
    args = parser.parse_args()
    table = jobs(args.before)
    for argv, tree in table.values():  # warm-up: bytecode written, files in the page cache
        wall_s(argv, tree)
    samples: dict[str, list[float]] = {name: [] for name in table}
    for _ in range(args.rounds):
        for name, (argv, tree) in table.items():
            samples[name].append(wall_s(argv, tree))
    medians = {name: statistics.median(times) for name, times in samples.items()}
    floor = medians["imports"]
    for name, t in medians.items():
        above = "" if name == "imports" else f"   {t - floor:+.2f} s above the imports"
        print(f"{name:20s} {t:6.2f} s{above}")
    costs = chart_costs(args.rounds)
    for way, by_chart in costs.items():
        print(f"{way:45s} {by_chart['all']:.3f} s CPU for the run's charts (least {by_chart['all_least']:.3f} s)")
    before = None
    if args.before is not None:
        before = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.before, capture_output=True,
                                text=True).stdout.strip()  # fmt: skip
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rounds": args.rounds,
        "cores": len(os.sched_getaffinity(0)),
        "load_average_at_end": os.getloadavg(),
        "before_commit": before,
        "median_s": medians,
        "above_imports_s": {name: t - floor for name, t in medians.items() if name != "imports"},
        "chart_cpu_s": costs,
        "samples_s": samples,
    }
    (ROOT / "benchmarks" / "report_speed.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
