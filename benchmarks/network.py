"""A camp network's speed: `python benchmarks/network.py [--quick]`.

- PostDisasterSimulation's example size (7 camps x 2 items x 1,080 days, 939,232 people,
  one warehouse): one SimPy network run through the public API, against the plain scalar
  network day loop doing the same job (benchmarks/network_loop/; the two timed turn about,
  on the same seeds), and the batch network engine per replication (drawing, stepping and
  summaries timed apart);
- cost against the number of camps (1 to 100, 2 items, one year): linear in camps x items
  x days, flat in population.

Prints a table and writes benchmarks/network.json. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import campsim  # noqa: E402
from benchmarks.network_loop import run_network  # noqa: E402
from campsim.engines.batch_network import simulate_network_batch  # noqa: E402
from campsim.plan.compile import compile  # noqa: E402
from campsim.plan.draw import draw_network  # noqa: E402
from campsim.results.network import summarize_network  # noqa: E402
from campsim.runs.executors import _chunk_cap  # noqa: E402


def network(camps: int, days: int, people: int, seed: int = 1) -> campsim.Scenario:
    """camps camps of people / camps each, food through one hub and water ordered locally, stochastic."""
    each = people // camps
    data = {
        "name": f"{camps} camps", "start": "2020-01-01", "days": days, "seed": seed,
        "funding": {"funded_fraction": 0.8, "disbursement": "monthly"},
        "commodities": {
            "food": {"per_person_day": 1, "unit_cost_usd": 0.5, "kg_per_unit": 0.6,
                     "rationing": [{"below_days_of_cover": 10, "ration": 0.8}]},
            "water": {"per_person_day": 15, "unit_cost_usd": 0.008, "kg_per_unit": 1},
        },
        "warehouses": {"hub": {"commodities": {"food": {
            "initial_stock": 20 * people, "ordering": {"review_every_days": 7, "order_up_to_days": 30,
                                                       "lead_time_days": {"triangular": [20, 30, 45]}}}}}},
        "camps": {
            f"c{k}": {"population": {"initial": each, "departures_per_day": 0.001,
                                     "arrivals": [{"rate": {"2020-01-01": max(1, each // 500)}}]},
                      "commodities": {"food": {"initial_stock": 15 * each, "supply": {"from": "hub",
                                                                                       "order_up_to_days": 10}},
                                      "water": {"initial_stock": 45 * each, "ordering": {
                                          "order_up_to_days": 3, "lead_time_days": {"triangular": [1, 1, 3]}}}}}
            for k in range(camps)
        },
        "routes": {f"r{k}": {"from": "hub", "to": f"c{k}", "capacity_kg_per_day": 12 * each} for k in range(camps)},
        "allocation": "equal_cover",
    }  # fmt: skip
    return campsim.scenario_from_dict(data)


def median_s(fn, repeats: int) -> float:
    fn()
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return statistics.median(out)


def paired_medians_s(fns, repeats: int) -> list[float]:
    """The median time of each fn(seed), the fns run turn about on the same seeds (after one warm-up each)."""
    for fn in fns:
        fn(0)
    times: list[list[float]] = [[] for _ in fns]
    for seed in range(1, repeats + 1):
        for fn, out in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn(seed)
            out.append(time.perf_counter() - started)
    return [statistics.median(out) for out in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    report: dict = {}
    s = network(7, 1080, 939_232)
    des, loop = paired_medians_s([lambda seed: campsim.simulate(s, seed=seed), lambda seed: run_network(s, seed)],
                                 repeats)  # fmt: skip
    report["pds_size_des_api_s"] = des
    report["pds_size_plain_loop_s"] = loop
    report["pds_size_des_over_loop"] = des / loop
    # the batch engine as users run it: 1,000 replications through the public API (drawing, stepping,
    # summaries, aggregation and daily quantiles), on one core and on every core
    for jobs in (1, os.cpu_count() or 1):
        total = median_s(lambda jobs=jobs: campsim.run_replications(s, 1000, jobs=jobs), 1 if args.quick else 3)
        report[f"pds_size_batch_1000_replications_jobs_{jobs}_ms_per_replication"] = total / 1000 * 1e3
    # ... and its parts, at one chunk of the size the executor uses on one core
    plan = compile(s)
    reps = _chunk_cap(plan, keep_daily=True, engine="batch")
    t0 = time.perf_counter()
    drawn = draw_network(plan, s.seed, 0, reps)
    t1 = time.perf_counter()
    arrays = simulate_network_batch(plan, drawn)
    t2 = time.perf_counter()
    summarize_network(plan, arrays, s.seed)
    t3 = time.perf_counter()
    report["pds_size_batch_per_replication_ms"] = {
        "replications": reps, "draw": (t1 - t0) / reps * 1e3, "step": (t2 - t1) / reps * 1e3,
        "summary": (t3 - t2) / reps * 1e3, "total": (t3 - t0) / reps * 1e3,
    }  # fmt: skip
    report["camps_scaling_des_api_s"] = {}
    for camps in (1, 10, 30, 100):
        scen = network(camps, 365, 50_000 * camps)
        report["camps_scaling_des_api_s"][camps] = median_s(lambda scen=scen: campsim.simulate(scen), 1 if camps > 30
                                                            else repeats)  # fmt: skip
    report["population_scaling_des_api_s"] = {
        people: median_s(lambda people=people: campsim.simulate(network(7, 365, people)), repeats)
        for people in (7_000, 700_000, 70_000_000)
    }
    print(json.dumps(report, indent=2))
    (ROOT / "benchmarks" / "network.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
