"""A forecast's speed: `python benchmarks/forecast.py [--quick]`.

The issue's case: the Anbar network (scenarios/anbar.yaml) forecast from its own state at
the end of 2017-11-01, 1,000 replications over 60 days. Times, each the median of a few
runs in one process, beside a replicated run of the same scenario cut to end with the
forecast (its first 92 days, in-process) in the same benchmark run: capturing the state
(run --write-state's extra work), writing and reading it back, and the forecast runner
(replication 0 through SimPy, every replication through the batch engine, summaries, quantiles). The report folder
(warning table, charts, report.html) is timed by the forecast command's own benchmark.

Prints a table and writes benchmarks/forecast.json. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import campsim  # noqa: E402
from campsim.load.state import parse_state  # noqa: E402
from campsim.report.statefile import state_csv  # noqa: E402
from campsim.runs.forecast import capture_state, run_forecast  # noqa: E402
from campsim.runs.simulate import run_replications  # noqa: E402

AS_OF = date(2017, 11, 1)


def median_s(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 replications, one repeat")
    args = parser.parse_args()
    n, repeats = (100, 1) if args.quick else (1000, 3)
    s = campsim.load_scenario(ROOT / "scenarios" / "anbar.yaml")
    state = capture_state(s, AS_OF)
    text = state_csv(state)
    # a run of the same 60 days, replicated as the forecast is (in-process, batch engine): the yardstick
    days = (AS_OF - s.start).days + 1 + 60
    window = s.model_copy(update={"days": days})
    out = {
        "scenario": "scenarios/anbar.yaml", "as_of": AS_OF.isoformat(), "forecast_days": 60, "replications": n,
        "capture_state_s": median_s(lambda: capture_state(s, AS_OF), repeats),
        "state_csv_write_read_s": median_s(lambda: parse_state(state_csv(state), s, "state.csv"), repeats),
        "forecast_s": median_s(lambda: run_forecast(s, state, days=60, replications=n), repeats),
        "run_same_days_s": median_s(lambda: run_replications(window, n, jobs=1), repeats),
        "state_rows": len(state.rows), "state_csv_bytes": len(text.encode()),
        "note": "measured on a 2-core machine shared with 5 other workers (under load); medians of "
                f"{repeats} runs in one process",
    }  # fmt: skip
    out["forecast_over_run"] = out["forecast_s"] / out["run_same_days_s"]
    for key, value in out.items():
        print(f"{key:>24}  {value:.3f}" if isinstance(value, float) else f"{key:>24}  {value}")
    if not args.quick:
        (ROOT / "benchmarks" / "forecast.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
