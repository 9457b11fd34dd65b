"""The adversary's cases of issue 17, points 5-9 and 12 (numbers, dates, --out, limits), and extra hostile input."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from benchmarks.adversary_kit import ROOT, Builder, Result, child_env, no_stderr_but_notes, scenario, write


def add_input_cases(b: Builder) -> None:
    """Issue 17 points 5-9 and 12, and hostile input beyond the issues (group "extra")."""
    tmp, out, good, rej, acc, scen = b.tmp, b.out, b.good, b.rej, b.acc, b.scen
    ramadi = str(ROOT / "scenarios" / "ramadi.yaml")
    # ---- 17.5: household size
    rej("household_size: 1e-310", "17.5", ["run", scen("hh310", household_size="1e-310"), "-o", str(out / "12")])
    rej(
        "household_size: 1e-290, kits 1e15",
        "17.5",
        ["run", scen("hh290", household_size="1e-290", kits="1e15"), "-o", str(out / "13")],
    )
    rej("household_size: 31", "17.5", ["validate", scen("hh31", household_size=31)])

    # ---- 17.6: dates
    rej("start: 0001-01-01", "17.6", ["run", scen("y1", start="0001-01-01"), "-o", str(out / "14")])
    rej(
        "start: 9999-12-01, days 31", "17.6", ["run", scen("y9999", start="9999-12-01", days=31), "-o", str(out / "15")]
    )
    acc(
        "start: 2199-12-01, days 31 (last day 2199-12-31)",
        "17.6",
        [
            "run",
            scen("y2199", start="2199-12-01", days=31, arrivals="    - rate: {2199-12-01: 20}"),
            "-o",
            str(out / "16"),
        ],
        no_stderr_but_notes,
    )
    rej(
        "start: 2199-12-02, days 31 (one past)",
        "17.6",
        ["validate", scen("y2199b", start="2199-12-02", days=31, arrivals="    - rate: {2199-12-02: 20}")],
    )
    rej(
        "start: 1899-12-31",
        "17.6",
        ["validate", scen("y1899", start="1899-12-31", arrivals="    - rate: {1900-01-01: 20}")],
    )

    # ---- 17.7: --out
    rej("--out of 300 characters", "17.7", ["run", str(good), "--no-charts", "-o", str(out / ("x" * 300))])
    report = out / "report_here"
    r = subprocess.run(
        [sys.executable, "-m", "campsim", "run", str(good), "--no-charts", "-q", "-o", str(report)],
        env=child_env(),
        capture_output=True,
    )
    if r.returncode != 0:
        print("could not make a report folder for the --out . case:", r.stderr.decode()[-300:])
    rej("--out . from inside a report folder", "17.7", ["run", str(good), "--no-charts", "-o", "."], cwd=report)
    rej(
        "--out . --force from inside a report folder",
        "17.7",
        ["run", str(good), "--no-charts", "--force", "-o", "."],
        cwd=report,
    )
    rej(
        "--out .. from inside a report folder",
        "17.7",
        ["run", str(good), "--no-charts", "--force", "-o", ".."],
        cwd=report,
    )
    target = tmp / "links" / "target"
    subprocess.run(
        [sys.executable, "-m", "campsim", "run", str(good), "--no-charts", "-q", "-o", str(target)],
        env=child_env(),
        capture_output=True,
    )
    link = tmp / "links" / "sub" / "link_to_report"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)

    def symlink_check(r: Result) -> str | None:
        if not link.is_symlink():
            return "the link was replaced"
        if link.resolve() != target.resolve():
            return f"the link points at {os.readlink(link)}"
        if not (target / "summary.json").is_file() or not (target / ".campsim-report").exists():
            return "the target holds no report"
        left = [p.name for d in (link.parent, target.parent) for p in d.iterdir() if "campsim" in p.name]
        return f"left behind: {left}" if left else None

    acc("--out a symlink to a report", "17.7", ["run", str(good), "--no-charts", "-o", str(link)], symlink_check)
    foreign = tmp / "links" / "foreign"
    write(foreign / "thesis.docx", "mine")
    flink = tmp / "links" / "sub" / "link_to_foreign"
    flink.symlink_to(foreign)
    rej("--out a symlink to a foreign folder", "17.7", ["run", str(good), "--no-charts", "-o", str(flink)])

    # ---- 17.8 / 15.11: numbers
    acc("capacity: 1e6", "17.8", ["validate", scen("e6", capacity="1e6")])
    acc("capacity: 1.0e15", "17.8", ["validate", scen("e15", capacity="1.0e15")])
    rej("capacity: 1e16 (above 1e15)", "17.8", ["validate", scen("e16", capacity="1e16")])
    rej("days: 0x1e", "17.8", ["validate", scen("hex", days="0x1e")])
    rej("initial: 1_000", "17.8", ["validate", scen("under", initial="1_000")])
    rej("initial: 017 (octal)", "17.8", ["validate", scen("oct", initial="017")])
    rej("initial: 0o17", "17.8", ["validate", scen("oct2", initial="0o17")])
    rej("initial: 0b101", "17.8", ["validate", scen("bin", initial="0b101")])
    rej("capacity: .nan", "17.8", ["validate", scen("nan", capacity=".nan")])
    rej("capacity: .inf", "17.8", ["validate", scen("inf", capacity=".inf")])
    acc(
        "--set commodities.water.capacity=1e6",
        "17.8",
        ["validate", str(good), "--set", "commodities.water.capacity=1e6"],
    )
    rej("--set days=0x1e", "17.8", ["validate", str(good), "--set", "days=0x1e"])
    rej("--set population.initial=1_000", "17.8", ["validate", str(good), "--set", "population.initial=1_000"])

    # ---- 17.9: --vary
    rej(
        "--vary funded_fraction=0:1:1e-9",
        "17.9",
        ["compare", str(good), "--vary", "funding.funded_fraction=0:1:1e-9", "-o", str(out / "17")],
        must_say=["10,000"],
    )
    rej(
        "--vary funded_fraction=0:1:1.0e-9",
        "17.9",
        ["compare", str(good), "--vary", "funding.funded_fraction=0:1:1.0e-9", "-o", str(out / "18")],
        must_say=["10,000"],
    )
    rej(
        "sweep --vary funded_fraction=0:1:1e-9",
        "17.9",
        ["sweep", str(good), "--vary", "funding.funded_fraction=0:1:1e-9", "-o", str(out / "19")],
    )
    rej("--vary days=0x1e,30", "17.9", ["compare", str(good), "--vary", "days=0x1e,30", "-o", str(out / "20")])

    # ---- 17.12: machine limits
    d0 = dt.date(1900, 1, 1)
    dates = "\n".join(f"        {(d0 + dt.timedelta(days=i)).isoformat()}: 1" for i in range(100_000))
    s = scen("rate100k", start="1900-01-01", days=3650, arrivals=f"    - rate:\n{dates}")
    rej("rate: map of 100,000 dates", "17.12", ["validate", s])
    dates = "\n".join(f"        {(d0 + dt.timedelta(days=i)).isoformat()}: 1" for i in range(10_001))
    s = scen("rate10k", start="1900-01-01", days=3650, arrivals=f"    - rate:\n{dates}")
    rej("rate: map of 10,001 dates", "17.12", ["validate", s])

    def jobs_capped(r: Result) -> str | None:
        n = sum("jobs" in ln.lower() for ln in r.stderr.splitlines())
        return None if n == 1 else f"stderr mentions the jobs cap {n} times: {r.stderr[-300:]!r}"

    acc(
        "--jobs 64 (capped, said once)",
        "17.12",
        ["run", str(good), "-n", "4", "-j", "64", "--no-charts", "-o", str(out / "21")],
        jobs_capped,
    )
    rej(
        "--replications 1000000 on Ramadi",
        "17.12",
        ["run", ramadi, "-n", "1000000", "-o", str(out / "22")],
        must_say=["GB"],
    )
    rej("--replications 1000001", "extra", ["run", str(good), "-n", "1000001", "-o", str(out / "23")])
    rej("--max-memory 1M", "17.12", ["run", str(good), "-n", "100", "--max-memory", "1M", "-o", str(out / "24")])
    rej("--max-memory nonsense", "extra", ["run", str(good), "-n", "2", "--max-memory", "lots", "-o", str(out / "25")])

    # ---- other hostile YAML the adversary tried (docs/reliability.md lists them)
    rej(
        "!!python/object tag",
        "extra",
        ["validate", str(write(tmp / "tag" / "s.yaml", scenario(name="!!python/object/apply:os.system [id]")))],
    )
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    rej("billion laughs", "extra", ["validate", str(write(tmp / "bomb" / "s.yaml", bomb))])
    (tmp / "binary").mkdir()
    (tmp / "binary" / "s.yaml").write_bytes(os.urandom(4096))
    rej("binary junk scenario", "extra", ["validate", str(tmp / "binary" / "s.yaml")])
    (tmp / "latin1").mkdir()
    (tmp / "latin1" / "s.yaml").write_bytes(scenario(name="caf\xe9").encode("latin-1"))
    rej("non-UTF-8 scenario", "extra", ["validate", str(tmp / "latin1" / "s.yaml")])
    rej("empty scenario", "extra", ["validate", str(write(tmp / "empty" / "s.yaml", ""))])
    rej("missing scenario", "extra", ["validate", str(tmp / "nope.yaml")])
    rej("--seed -1", "extra", ["run", str(good), "--seed", "-1", "-o", str(out / "34")])
    rej("--jobs 0", "extra", ["run", str(good), "--jobs", "0", "-o", str(out / "35")])
    rej("--set without =", "extra", ["run", str(good), "--set", "days", "-o", str(out / "36")])
