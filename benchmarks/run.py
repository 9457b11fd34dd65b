"""campsim's speed, measured: `python benchmarks/run.py [--quick] [--skip-naive] [--des-sweep]`.

Prints a table and writes benchmarks/results.json. Every ratio is taken between figures
measured in the same run, on the same machine. Sections:

- engine: one-year, 4-commodity Ramadi-like run (benchmarks/scenarios/year.yaml): the
  SimPy engine, the plain scalar loop (benchmarks/scalar_loop.py) and the batch engine at
  1, 100 and 1,000 replications (drawing, stepping and summaries timed apart);
- naive: the per-household SimPy model (benchmarks/naive_simpy.py) against the engine on
  benchmarks/scenarios/deterministic.yaml at 5,000 people, after checking they agree;
- scaling: population 10^3..10^7, horizon 90..3,650 days, 1..20 commodities;
- end to end: the CLI as a user runs it (a new process each time), with --jobs 1 and 2;
- cold start: `campsim --help` and `campsim validate`, and what --help imports;
- overhead: per-task cost of a local process pool and of Dask, against campsim's chunks.

Not collected by pytest; it takes a few minutes (--quick: fewer repeats).
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # campsim and benchmarks from this checkout

from benchmarks import check_models, memory, naive_simpy, scalar_loop  # noqa: E402
from benchmarks.inputs import draw_inputs  # noqa: E402
from campsim import load_scenario, scenario_from_dict, simulate  # noqa: E402
from campsim.engines import batch, des  # noqa: E402
from campsim.plan.compile import compile  # noqa: E402
from campsim.plan.draw import draw, draw_fresh  # noqa: E402
from campsim.results.summary import summarize  # noqa: E402

BENCH = ROOT / "benchmarks" / "scenarios"
RAMADI = ROOT / "scenarios" / "ramadi.yaml"
SWEEP_VARY = "funding.funded_fraction=0.3:1.0:0.05"  # 15 points
SOLVE_ARGS = ["--vary", "funding.funded_fraction", "--target", "water.shortfall_person_days<=100000", "-n", "1000"]


def stats(samples: list[float]) -> dict[str, float]:
    """Median and range of repeated timings, in seconds."""
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "max_s": max(samples),
        "repeats": len(samples),
    }


def timed(fn: Callable[[], object], repeats: int, warmup: bool = True) -> dict[str, float]:
    if warmup:
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return stats(samples)


def per(entry: dict[str, float], n: float) -> dict[str, float]:
    """A timing divided by a count (seconds per replication, per day...)."""
    return {k: (v / n if k.endswith("_s") else v) for k, v in entry.items()}


def command(args: list[str], repeats: int, cwd: Path) -> dict[str, float]:
    """Wall time of a new Python process running args (no warm-up: each run is cold)."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        samples.append(time.perf_counter() - started)
        if done.returncode not in (0, 3):  # 3: solve found no value (still a measured run)
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
    return stats(samples)


CAMPSIM = [sys.executable, "-m", "campsim"]


# --- sections -------------------------------------------------------------------------


def engine_section(repeats: int) -> dict:
    s = load_scenario(BENCH / "year.yaml")
    plan = compile(s)
    drawn = [draw_fresh(plan, s.seed, i, i + 1) for i in range(repeats + 1)]
    inputs = [draw_inputs(s, s.seed, i) for i in range(repeats + 1)]
    cycle = iter(range(10**9))

    def des_engine() -> None:
        des.simulate(plan, drawn[next(cycle) % len(drawn)])

    def des_full() -> None:
        i = next(cycle) % len(drawn)
        summarize(plan, des.simulate(plan, draw_fresh(plan, s.seed, i, i + 1)), s.seed)

    def scalar() -> None:
        scalar_loop.run(s, inputs[next(cycle) % len(inputs)])

    def api() -> None:  # drawing, engine, summary and DataFrames, as a user calls it
        simulate(s, seed=next(cycle) % (repeats + 1))

    def scalar_job() -> None:  # the plain loop doing the same job: its drawing, the same summary and tables
        scalar_loop.run_full(s, seed=next(cycle) % (repeats + 1))

    # the API and the plain loop's full job alternate, so both see the same machine
    api_times, scalar_job_times = [], []
    api(), scalar_job()
    for _ in range(max(repeats, 15)):
        for fn, times in ((api, api_times), (scalar_job, scalar_job_times)):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    out: dict = {
        "scenario": "benchmarks/scenarios/year.yaml (365 days, 4 commodities)",
        "des_engine": timed(des_engine, repeats),
        "des_with_draws_and_summary": timed(des_full, repeats),
        "scalar_loop": timed(scalar, repeats),
        "simulate_api": stats(api_times),
        "scalar_loop_same_job": stats(scalar_job_times),
        "batch": {},
    }
    for n in (1, 100, 1000):
        draws, steps, sums = [], [], []
        for _ in range(repeats if n < 1000 else max(3, repeats // 2)):
            t0 = time.perf_counter()
            got = draw_fresh(plan, s.seed, 0, n)
            t1 = time.perf_counter()
            result = batch.simulate_batch(plan, got)
            t2 = time.perf_counter()
            summarize(plan, result, s.seed)
            t3 = time.perf_counter()
            draws.append(t1 - t0)
            steps.append(t2 - t1)
            sums.append(t3 - t2)
        totals = [a + b + c for a, b, c in zip(draws, steps, sums, strict=True)]
        out["batch"][str(n)] = {
            "draw_per_replication": per(stats(draws), n),
            "step_per_replication": per(stats(steps), n),
            "summary_per_replication": per(stats(sums), n),
            "total_per_replication": per(stats(totals), n),
            "total": stats(totals),
        }
    b1000 = out["batch"]["1000"]
    out["ratios"] = {
        "des_over_batch_total_per_replication_at_1000": out["des_with_draws_and_summary"]["median_s"]
        / b1000["total_per_replication"]["median_s"],
        "scalar_loop_over_batch_step_per_replication_at_1000": out["scalar_loop"]["median_s"]
        / b1000["step_per_replication"]["median_s"],
        "des_over_scalar_loop": out["des_engine"]["median_s"] / out["scalar_loop"]["median_s"],
        "simulate_api_over_scalar_loop_same_job": out["simulate_api"]["median_s"]
        / out["scalar_loop_same_job"]["median_s"],
    }
    return out


def naive_section(people: int) -> dict:
    s = load_scenario(BENCH / "deterministic.yaml", [f"population.initial={people}"])
    check = check_models.compare(
        "deterministic", s, range(1), {"scalar_loop": scalar_loop.run, "naive_simpy": naive_simpy.run}
    )
    if check.mismatches:
        raise AssertionError("comparison models disagree with campsim:\n" + "\n".join(check.mismatches))
    inputs = draw_inputs(s, s.seed)
    plan = compile(s)
    drawn = draw_fresh(plan, s.seed)
    des_time = timed(lambda: des.simulate(plan, drawn), 5)
    naive = timed(lambda: naive_simpy.run(s, inputs), 1, warmup=False)
    person_days = float(np.sum(des.simulate(plan, drawn).population))
    return {
        "scenario": f"benchmarks/scenarios/deterministic.yaml, {people:,} people on day 0, 365 days",
        "agreement": {f"{m}/{c}": d for (m, c), (d, _) in check.worst.items()},
        "des_engine": des_time,
        "naive_simpy": naive,
        "naive_us_per_person_day": naive["median_s"] / person_days * 1e6,
        "ratio_naive_over_des": naive["median_s"] / des_time["median_s"],
    }


def _batch_per_replication(s, n: int, repeats: int) -> dict[str, float]:
    plan = compile(s)

    def run() -> None:
        summarize(plan, batch.simulate_batch(plan, draw(plan, s.seed, 0, n)), s.seed)

    return per(timed(run, repeats), n)


def _des_per_run(s, repeats: int) -> dict[str, float]:
    plan = compile(s)
    drawn = draw_fresh(plan, s.seed)
    return timed(lambda: des.simulate(plan, drawn), repeats)


def wide(days: int, commodities: int):
    """benchmarks/memory.py's long, wide scenario, cut to a horizon (its surge only if it fits)."""
    data = memory.scenario(days, commodities)
    data["population"]["arrivals"] = [a for a in data["population"]["arrivals"] if "surge" not in a or days > 92]
    return scenario_from_dict(data)


def scaling_section(repeats: int) -> dict:
    year = yaml.safe_load((BENCH / "year.yaml").read_text())
    out: dict = {"population": {}, "days": {}, "commodities": {}}
    for people in (10**3, 10**5, 10**7):
        data = copy.deepcopy(year)
        data["population"]["initial"] = people
        s = scenario_from_dict(data)
        out["population"][str(people)] = {
            "des_engine": _des_per_run(s, repeats),
            "batch_per_replication_at_100": _batch_per_replication(s, 100, max(2, repeats // 2)),
        }
    for days in (90, 365, 1825, 3650):
        s = wide(days, 4)
        out["days"][str(days)] = {
            "des_engine": _des_per_run(s, max(1, repeats // 2)),
            "batch_per_replication_at_100": _batch_per_replication(s, 100, 1),
        }
    for width in (1, 5, 10, 20):
        s = wide(365, width)
        out["commodities"][str(width)] = {
            "des_engine": _des_per_run(s, max(1, repeats // 2)),
            "batch_per_replication_at_100": _batch_per_replication(s, 100, 1),
        }
    pop = [v["des_engine"]["median_s"] for v in out["population"].values()]
    out["population_flatness_max_over_min"] = max(pop) / min(pop)
    days = out["days"]
    out["des_ms_per_day"] = {k: v["des_engine"]["median_s"] / int(k) * 1e3 for k, v in days.items()}
    out["des_ms_per_commodity"] = {k: v["des_engine"]["median_s"] / int(k) * 1e3 for k, v in out["commodities"].items()}
    return out


def end_to_end_section(repeats: int, des_sweep: bool) -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        out["import_numpy_pandas_matplotlib"] = command(
            [sys.executable, "-c", "import numpy, pandas, matplotlib.pyplot"], repeats, cwd
        )
        out["run_ramadi_full_report"] = command([*CAMPSIM, "run", str(RAMADI), "--out", "r", "--force"], repeats, cwd)
        out["run_minus_imports_s"] = (
            out["run_ramadi_full_report"]["median_s"] - out["import_numpy_pandas_matplotlib"]["median_s"]
        )
        for jobs in (1, 2):
            args = [*CAMPSIM, "run", str(RAMADI), "-n", "1000", "-j", str(jobs), "--out", "r", "--force", "-q"]
            out[f"run_1000_replications_j{jobs}"] = command(args, max(1, repeats // 2), cwd)
            out[f"run_1000_replications_des_j{jobs}"] = command([*args, "--engine", "des"], 1, cwd)
            sweep = [*CAMPSIM, "sweep", str(RAMADI), "--vary", SWEEP_VARY, "-n", "1000", "-j", str(jobs)]
            sweep += ["--out", "s", "--force", "-q"]
            out[f"sweep_15x1000_j{jobs}"] = command(sweep, 1, cwd)
            if des_sweep:
                out[f"sweep_15x1000_des_j{jobs}"] = command([*sweep, "--engine", "des"], 1, cwd)
            solve = [*CAMPSIM, "solve", str(RAMADI), *SOLVE_ARGS, "-j", str(jobs), "--out", "v", "--force", "-q"]
            out[f"solve_ramadi_j{jobs}"] = command(solve, 1, cwd)
            out[f"solve_ramadi_des_j{jobs}"] = command([*solve, "--engine", "des"], 1, cwd)
    out["commands"] = {
        "sweep": f"campsim sweep scenarios/ramadi.yaml --vary {SWEEP_VARY} -n 1000",
        "solve": "campsim solve scenarios/ramadi.yaml " + " ".join(SOLVE_ARGS),
    }
    return out


def cold_start_section(repeats: int) -> dict:
    probe = (
        "import sys\nfrom campsim.cli import main\nmain(['--help'])\n"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'pydantic', 'numpy', 'simpy', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT).stdout
    return {
        "help": command([*CAMPSIM, "--help"], repeats, ROOT),
        "validate_ramadi": command([*CAMPSIM, "validate", str(RAMADI)], repeats, ROOT),
        "python_startup": command([sys.executable, "-c", "pass"], repeats, ROOT),
        "help_imports_of_heavy_modules": loaded.strip().splitlines()[-1] if loaded.strip() else "?",
    }


def _noop(x: int) -> int:
    return x


def overhead_section() -> dict:
    from concurrent.futures import ProcessPoolExecutor

    from campsim.runs.executors import _chunk_cap, chunks
    from campsim.runs.replicate import run_chunk

    s = load_scenario(RAMADI)
    tasks = 400
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_noop, range(20)))  # start the workers first
        started = time.perf_counter()
        for f in [pool.submit(_noop, i) for i in range(tasks)]:
            f.result()
        pool_per_task = (time.perf_counter() - started) / tasks
    compiled = compile(s)
    plan = chunks(1000, 2, _chunk_cap(compiled, True, "batch"), per_worker=1)
    a, b = plan[0]
    started = time.perf_counter()
    run_chunk(compiled, s.seed, a, b, True, "batch")
    chunk_s = time.perf_counter() - started
    out = {
        "local_pool_per_task_s": pool_per_task,
        "batch_chunks_for_1000_replications_j2": len(plan),
        "batch_chunk_s": chunk_s,
        "local_pool_overhead_share": pool_per_task / chunk_s,
    }
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        out["dask"] = "not installed"
        return out
    started = time.perf_counter()
    # silence_logs: a worker's last heartbeat can race the shutdown and log a harmless traceback
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster:  # fmt: skip
        out["dask_local_cluster_start_s"] = time.perf_counter() - started
        with Client(cluster) as client:
            client.gather(client.map(_noop, range(20), pure=False))
            started = time.perf_counter()
            client.gather(client.map(_noop, range(tasks), pure=False))
            out["dask_per_task_s"] = (time.perf_counter() - started) / tasks
    out["dask_overhead_share"] = out["dask_per_task_s"] / chunk_s
    return out


# --- report ---------------------------------------------------------------------------


def targets(r: dict) -> list[dict]:
    e, b = r["engine"], r["engine"]["batch"]["1000"]
    rows = [
        ("DES engine, one-year 4-commodity run (s)", e["des_engine"]["median_s"], "<=", 0.020),
        (
            "batch total per replication at 1,000, draws included (s)",
            b["total_per_replication"]["median_s"],
            "<=",
            0.001,
        ),
        (
            "batch stepping vs scalar loop per replication (x)",
            e["ratios"]["scalar_loop_over_batch_step_per_replication_at_1000"],
            ">=",
            3,
        ),
    ]
    if "naive" in r:
        rows.append(
            ("naive per-person model / DES at 5,000 people (x)", r["naive"]["ratio_naive_over_des"], ">=", 1000)
        )
    if "scaling" in r:
        rows.append(
            ("DES cost 10^3..10^7 people, max/min (x)", r["scaling"]["population_flatness_max_over_min"], "<=", 1.2)
        )
    if "end_to_end" in r:
        t = r["end_to_end"]
        rows += [
            ("15 x 1,000 sweep, --jobs 2 (s)", t["sweep_15x1000_j2"]["median_s"], "<=", 10),
            ("Ramadi solve, --jobs 2 (s)", t["solve_ramadi_j2"]["median_s"], "<=", 10),
            ("campsim run ramadi minus numpy+pandas+matplotlib imports (s)", t["run_minus_imports_s"], "<=", 3),
        ]
    if "cold_start" in r:
        rows.append(("campsim --help (s)", r["cold_start"]["help"]["median_s"], "<=", 0.3))
    if "overhead" in r:
        rows.append(
            ("local pool per-task overhead / chunk work", r["overhead"]["local_pool_overhead_share"], "<=", 0.05)
        )
        if "dask_overhead_share" in r["overhead"]:
            rows.append(("Dask per-task overhead / chunk work", r["overhead"]["dask_overhead_share"], "<=", 0.05))
    return [
        {
            "target": name,
            "value": value,
            "limit": f"{op} {limit:g}",
            "met": value <= limit if op == "<=" else value >= limit,
        }
        for name, value, op, limit in rows
    ]


def machine() -> dict:
    import campsim

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "campsim": getattr(campsim, "__version__", "?"),
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }


def print_table(r: dict) -> None:
    def ms(entry: dict) -> str:
        return f"{entry['median_s'] * 1e3:9.3f} ms  ({entry['min_s'] * 1e3:.3f}-{entry['max_s'] * 1e3:.3f})"

    e = r["engine"]
    print(f"machine: {r['machine']['cpus']} cores, Python {r['machine']['python']}, numpy {r['machine']['numpy']}")
    print(f"\n{e['scenario']}")
    print(f"  SimPy engine, one run                {ms(e['des_engine'])}")
    print(f"  SimPy engine + draws + summary       {ms(e['des_with_draws_and_summary'])}")
    print(f"  scalar Python loop, one run          {ms(e['scalar_loop'])}")
    for n, v in e["batch"].items():
        print(f"  batch @ {n:>5}: per replication total {ms(v['total_per_replication'])}"
              f"  draw {v['draw_per_replication']['median_s'] * 1e3:.3f}"
              f" step {v['step_per_replication']['median_s'] * 1e3:.3f}"
              f" summary {v['summary_per_replication']['median_s'] * 1e3:.3f} ms")  # fmt: skip
    for k, v in e["ratios"].items():
        print(f"  {k}: {v:,.1f}x")
    if "naive" in r:
        n = r["naive"]
        print(f"\n{n['scenario']}")
        print(f"  naive per-household SimPy model      {n['naive_simpy']['median_s']:9.2f} s"
              f" ({n['naive_us_per_person_day']:.1f} us per person-day)")  # fmt: skip
        print(f"  campsim SimPy engine                 {ms(n['des_engine'])}")
        print(f"  ratio                                {n['ratio_naive_over_des']:,.0f}x")
    if "scaling" in r:
        sc = r["scaling"]
        for axis in ("population", "days", "commodities"):
            print(f"\nscaling by {axis}: SimPy engine per run | batch per replication at 100")
            for k, v in sc[axis].items():
                print(f"  {k:>10}  {ms(v['des_engine'])} | {ms(v['batch_per_replication_at_100'])}")
    for section in ("end_to_end", "cold_start"):
        if section in r:
            print(f"\n{section.replace('_', ' ')} (new process each time)")
            for k, v in r[section].items():
                if isinstance(v, dict) and "median_s" in v:
                    print(f"  {k:<40} {v['median_s']:8.2f} s  ({v['min_s']:.2f}-{v['max_s']:.2f}, n={v['repeats']})")
                elif not isinstance(v, dict):
                    print(f"  {k:<40} {v}")
    if "overhead" in r:
        print("\noverhead")
        for k, v in r["overhead"].items():
            print(f"  {k:<40} {v:.4g}" if isinstance(v, float) else f"  {k:<40} {v}")
    print("\ntargets")
    for t in r["targets"]:
        print(f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['value']:.4g} (target {t['limit']})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--skip-naive", action="store_true", help="skip the per-household model (about 20 s)")
    parser.add_argument("--des-sweep", action="store_true", help="also time the 15 x 1,000 sweep on the SimPy engine")
    parser.add_argument("--only", nargs="*", default=None, help="sections to run (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    wanted = set(args.only or ["engine", "naive", "scaling", "end_to_end", "cold_start", "overhead"])
    if args.skip_naive:
        wanted.discard("naive")
    wanted.add("engine")
    r: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    steps = [
        ("engine", lambda: engine_section(repeats)),
        ("naive", lambda: naive_section(5000)),
        ("scaling", lambda: scaling_section(repeats)),
        ("end_to_end", lambda: end_to_end_section(max(3, repeats // 2), args.des_sweep)),
        ("cold_start", lambda: cold_start_section(repeats)),
        ("overhead", overhead_section),
    ]
    for name, step in steps:
        if name in wanted:
            print(f"... {name}", file=sys.stderr, flush=True)
            r[name] = step()
            args.out.write_text(json.dumps(r, indent=2) + "\n")  # a failure later keeps what was measured
    r["targets"] = targets(r)
    args.out.write_text(json.dumps(r, indent=2) + "\n")
    print_table(r)
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
