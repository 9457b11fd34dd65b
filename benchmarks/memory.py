"""Peak memory of a long, wide run: `python benchmarks/memory.py [--days 3650] [--commodities 20] [--replications N]`.

Builds a 10-year, 20-commodity scenario (both kinds of commodity, ordering, rationing,
shelf life, disruptions, monthly funding), runs it end to end as `campsim run` does
(simulation, tables, charts, report.html) in this process, and prints the peak resident
set size (getrusage ru_maxrss) before and after. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def scenario(days: int, commodities: int) -> dict:
    items = {}
    for i in range(commodities):
        if i % 4 == 3:
            items[f"kit_{i}"] = {
                "per_new_household": 1, "unit_cost_usd": 50, "initial_stock": 500,
                "ordering": {"review_every_days": 7, "order_up_to_days": 30,
                             "lead_time_days": {"triangular": [7, 14, 30]}},
            }  # fmt: skip
        else:
            items[f"item_{i}"] = {
                "per_person_day": 1 + i, "unit_cost_usd": 0.01 * (i + 1), "initial_stock": 300_000 * (i + 1),
                "capacity": 3_000_000 * (i + 1), "shelf_life_days": 60 + i,
                "ordering": {"review_every_days": 1 + i % 7, "order_up_to_days": 20,
                             "lead_time_days": {"lognormal": {"mean": 10 + i, "sd": 4}}},
                "rationing": [{"below_days_of_cover": 7, "ration": 0.7}, {"below_days_of_cover": 2, "ration": 0.4}],
            }  # fmt: skip
    return {
        "name": f"memory: {days} days x {commodities} commodities",
        "start": "2017-10-01", "days": days, "seed": 1,
        "population": {"initial": 50_000, "departures_per_day": 0.001,
                       "arrivals": [{"rate": {"2017-10-01": 300}},
                                    {"surge": {"start": "2018-01-01", "days": 30, "total": 20_000}}]},
        "funding": {"funded_fraction": 0.7, "disbursement": "monthly"},
        "commodities": items,
        "disruptions": [{"start": d, "days": 5, "reason": "closure"} for d in range(100, days, 365)],
    }  # fmt: skip


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3650)
    parser.add_argument("--commodities", type=int, default=20)
    parser.add_argument("--no-charts", action="store_true")
    parser.add_argument("--replications", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    import campsim.report.charts  # noqa: F401  (matplotlib, so the baseline includes it)
    from campsim.cli import main as campsim_main  # imports counted in the baseline below

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "memory.yaml"
        path.write_text(yaml.safe_dump(scenario(args.days, args.commodities), sort_keys=False))
        before = peak_rss_mib()
        started = time.perf_counter()
        argv = ["run", str(path), "--out", str(Path(tmp) / "out"), "--quiet"]
        argv += ["--replications", str(args.replications)] + (["--jobs", str(args.jobs)] if args.jobs else [])
        status = campsim_main(argv + (["--no-charts"] if args.no_charts else []))
        elapsed = time.perf_counter() - started
        rows = sum(1 for _ in (Path(tmp) / "out" / "daily.csv").open()) - 1
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.days} days x {args.commodities} commodities x {args.replications} replications: "
          f"exit {status}, {elapsed:.1f} s, largest worker process {children:.0f} MiB; "
          f"{rows:,} daily rows; peak RSS {before:.0f} MiB after imports -> {peak_rss_mib():.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
