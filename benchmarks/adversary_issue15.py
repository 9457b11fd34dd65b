"""The input cases of issue 15 (--set typos, Dask addresses, HXL files from the field, scenario files, --strict)."""

from __future__ import annotations

import csv
import subprocess
import sys

from benchmarks.adversary_kit import (
    NETWORK,
    ROOT,
    Builder,
    Result,
    child_env,
    free_port,
    observed_is,
    same_daily,
    scenario,
    write,
)


def add_issue15_cases(b: Builder, http_port: int, dask: dict[str, str]) -> None:
    """Issue 15's input cases; http_port: a web server that is not a scheduler; dask: local clusters ({} skips them)."""
    tmp, out, good, rej, acc, scen, csv_arrivals = b.tmp, b.out, b.good, b.rej, b.acc, b.scen, b.csv_arrivals
    # ---- 15.2: a typo in --set
    rej(
        "--set commodities.watr.per_person_day=20",
        "15.2",
        ["run", str(good), "--set", "commodities.watr.per_person_day=20", "-o", str(out / "26")],
        must_say=["watr", "water"],
    )
    rej(
        "validate --set commodities.watr...",
        "15.2",
        ["validate", str(good), "--set", "commodities.watr.per_person_day=20"],
        must_say=["watr"],
    )
    rej(
        "--vary commodities.watr.per_person_day",
        "15.2",
        ["compare", str(good), "--vary", "commodities.watr.per_person_day=10,20", "-o", str(out / "27")],
        must_say=["watr"],
    )
    rej(
        "calibrate --set commodities.watr...",
        "15.2",
        [
            "calibrate",
            str(good),
            "--observed",
            str(ROOT / "scenarios/data/anbar-2017-dtm.csv"),
            "--set",
            "commodities.watr.per_person_day=20",
            "-o",
            str(out / "c7"),
        ],
        must_say=["watr"],
    )

    # ---- 15.14: Dask addresses
    rej(
        "--address http://127.0.0.1:8787",
        "15.14",
        ["run", str(good), "-n", "2", "--address", "http://127.0.0.1:8787", "-o", str(out / "28")],
    )
    rej("--address nonsense", "15.14", ["run", str(good), "-n", "2", "--address", "nonsense", "-o", str(out / "29")])
    rej(
        "--address an HTTP server",
        "15.14",
        ["run", str(good), "-n", "2", "--address", f"tcp://127.0.0.1:{http_port}", "-o", str(out / "30")],
    )
    rej(
        "--address nothing listening",
        "15.14",
        ["run", str(good), "-n", "2", "--address", f"tcp://127.0.0.1:{free_port()}", "-o", str(out / "31")],
    )
    rej(
        "--executor local --address tcp://...",
        "15.14",
        [
            "run",
            str(good),
            "-n",
            "2",
            "--executor",
            "local",
            "--address",
            "tcp://127.0.0.1:8786",
            "-o",
            str(out / "32"),
        ],
    )
    rej(
        "--executor dask without --address",
        "15.14",
        ["run", str(good), "-n", "2", "--executor", "dask", "-o", str(out / "33")],
    )
    if dask:
        rej(
            "--address a scheduler with no workers",
            "15.14",
            ["run", str(good), "-n", "2", "--address", dask["no_workers"], "-o", str(out / "33b")],
        )
        rej(
            "--address workers without campsim",
            "15.14",
            ["run", str(good), "-n", "2", "--address", dask["no_campsim"], "-o", str(out / "33c")],
        )
        local, remote = out / "dask-local", out / "dask-remote"
        subprocess.run(
            [sys.executable, "-m", "campsim", "run", str(good), "-n", "4", "--no-charts", "-q", "-o", str(local)],
            env=child_env(),
            capture_output=True,
        )

        def same_quantiles(r: Result) -> str | None:
            try:
                same = (local / "daily_quantiles.csv").read_bytes() == (remote / "daily_quantiles.csv").read_bytes()
            except OSError as e:
                return f"missing daily_quantiles.csv ({e})"
            return None if same else "daily_quantiles.csv differs from the local run's"

        acc(
            "--address a good cluster (same results as local)",
            "15.14",
            ["run", str(good), "-n", "4", "--no-charts", "-q", "--address", dask["good"], "-o", str(remote)],
            same_quantiles,
        )

    # ---- 15.9: HXL files from the field (calibrate --observed, and csv: in a scenario)
    hxl = tmp / "hxl"
    fmt = "date,female,male,total\n#date,#affected+idps+ind+f,#affected+idps+ind+m,#affected+idps+ind\n"
    files = {
        "f_m_total.csv": (
            fmt + "2017-10-02,6845,6577,13422\n2017-10-19,7000,7000,14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "total_after_f.csv": (
            "date,f,total\n#date,#affected+idps+ind+f,#affected+idps+ind+total\n"
            "2017-10-02,6845,13422\n2017-10-19,7000,14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "only_f_m.csv": (
            "date,f,m\n#date,#affected+idps+ind+f,#affected+idps+ind+m\n2017-10-02,6845,6577\n2017-10-19,7000,7000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "title_rows.csv": (
            "IOM DTM Iraq, Round 84,,\nWest Anbar,,\n,,\ndate,site,people\n"
            "#date+reported,#loc+name,#affected+idps+ind\n2017-10-02,Amiriyat,13422\n"
            "2017-10-19,Amiriyat,14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "semicolon.csv": (
            "date;people\n#date;#affected+idps+ind\n2017-10-02;13422\n2017-10-19;14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "tab.csv": (
            "date\tpeople\n#date\t#affected+idps+ind\n2017-10-02\t13422\n2017-10-19\t14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "unordered.csv": (
            "date,people\n#date,#affected+idps+ind\n2017-10-19,14000\n2017-10-02,13422\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "several_rows.csv": (
            "date,site,people\n#date,#loc+name,#affected+idps+ind\n2017-10-02,A,10000\n"
            "2017-10-02,B,3422\n2017-10-19,A,14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "datetimes.csv": (
            "date,people\n#date,#affected+idps+ind\n2017-10-02T00:00:00,13422\n2017-10-19 13:45,14000\n",
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
        "thousands.csv": (
            'date,people\n#date,#affected+idps+ind\n2017-10-02,"13,422"\n2017-10-19,"14,000"\n',
            {"2017-10-02": 13422.0, "2017-10-19": 14000.0},
        ),
    }
    for fname, (text, expected) in files.items():
        p = write(hxl / fname, text)
        o = out / f"hxl-{fname}"
        acc(
            f"hxl {fname}: calibrate --observed",
            "15.9",
            ["calibrate", str(good), "--observed", str(p), "--no-charts", "-o", str(o)],
            observed_is(o, expected),
        )
        s = write(hxl / f"{fname}.yaml", scenario(start="2017-10-02", initial=0, arrivals=csv_arrivals(fname), kits=0))
        o2 = out / f"hxl-self-{fname}"
        acc(
            f"hxl {fname}: as csv: population, calibrated against itself",
            "15.9",
            ["calibrate", str(s), "--observed", str(p), "--no-charts", "-o", str(o2)],
            observed_is(o2, expected),
        )
    p = write(hxl / "pattern.csv", fmt + "2017-10-02,6845,6577,13422\n")
    s = write(
        hxl / "pattern.yaml",
        scenario(
            start="2017-10-02", initial=0, kits=0, arrivals=csv_arrivals("pattern.csv", column="#affected+idps-f-m")
        ),
    )
    acc("hxl column pattern -f-m", "15.9", ["validate", str(s)])
    s = write(
        hxl / "bang.yaml",
        scenario(
            start="2017-10-02", initial=0, kits=0, arrivals=csv_arrivals("pattern.csv", column="#affected+idps+ind!")
        ),
    )
    acc("hxl column pattern +ind!", "15.9", ["validate", str(s)])
    p = write(hxl / "only_f.csv", "date,f\n#date,#affected+idps+ind+f\n2017-10-02,6845\n")
    rej(
        "hxl only a +f column",
        "15.9",
        ["calibrate", str(good), "--observed", str(p), "--no-charts", "-o", str(out / "c8")],
    )

    net = tmp / "network"
    write(
        net / "data" / "dtm.csv",
        "date,camp,arrivals\n#date,#loc+name,#affected+arrived+ind\n"
        "2017-10-03,North,40\n2017-10-02,East,25\n2017-10-02,north,10\n2017-10-02,North,5\n",
    )
    write(net / "s.yaml", NETWORK)
    no = out / "network"

    def network_arrivals(r: Result) -> str | None:
        try:
            rows = list(csv.DictReader(open(no / "daily.csv", newline="", encoding="utf-8")))
        except OSError as e:
            return f"no daily.csv ({e})"
        got = {(row["date"], row["camp"]): float(row["arrivals"]) for row in rows if float(row["arrivals"] or 0)}
        want = {("2017-10-02", "north"): 15.0, ("2017-10-02", "east"): 25.0, ("2017-10-03", "north"): 40.0}
        return None if got == want else f"arrivals {got}, expected {want}"

    acc(
        "hxl one file, rows per camp by #loc+name (network)",
        "15.9",
        ["run", str(net / "s.yaml"), "--no-charts", "-q", "-o", str(no)],
        network_arrivals,
    )

    # ---- 15.11: scenario files
    o_pct, o_frac = out / "pct", out / "frac"
    s_pct = scen("pct", funded_fraction='"62%"')
    s_frac = scen("frac", funded_fraction="0.62")
    subprocess.run(
        [sys.executable, "-m", "campsim", "run", s_frac, "--no-charts", "-q", "-o", str(o_frac)],
        env=child_env(),
        capture_output=True,
    )
    acc(
        'funded_fraction: "62%"',
        "15.11",
        ["run", s_pct, "--no-charts", "-q", "-o", str(o_pct)],
        same_daily(o_pct, o_frac),
    )
    acc("funded_fraction: 62% (unquoted)", "15.11", ["validate", scen("pct2", funded_fraction="62%")])
    rej('funded_fraction: "162%"', "15.11", ["validate", scen("pct3", funded_fraction='"162%"')])
    rej('funded_fraction: "sixty%"', "15.11", ["validate", scen("pct4", funded_fraction='"sixty%"')])
    o_end, o_days = out / "end", out / "days"
    s_end = scen("end", extra="disruptions:\n  - {start: 2017-10-10, end: 2017-10-12, reason: road}\n")
    s_days = scen("days", extra="disruptions:\n  - {start: 2017-10-10, days: 3, reason: road}\n")
    subprocess.run(
        [sys.executable, "-m", "campsim", "run", s_days, "--no-charts", "-q", "-o", str(o_days)],
        env=child_env(),
        capture_output=True,
    )
    acc(
        "disruption end: (inclusive)",
        "15.11",
        ["run", s_end, "--no-charts", "-q", "-o", str(o_end)],
        same_daily(o_end, o_days),
    )
    rej(
        "disruption end: before start",
        "15.11",
        ["validate", scen("end2", extra="disruptions:\n  - {start: 2017-10-10, end: 2017-10-09}\n")],
    )
    rej(
        "disruption days: and end:",
        "15.11",
        ["validate", scen("end3", extra="disruptions:\n  - {start: 2017-10-10, days: 2, end: 2017-10-12}\n")],
    )
    nounit = scenario().replace("    unit: litre\n", "", 1)
    acc("water without unit", "15.11", ["validate", str(write(tmp / "nounit" / "s.yaml", nounit))])
    indent = scenario().replace("  initial_stock: 150000", "    initial_stock: 150000", 1)
    rej(
        "indentation error",
        "15.11",
        ["validate", str(write(tmp / "indent" / "s.yaml", indent))],
        must_say=["line", "indent"],
    )
    rej(
        "tab indentation",
        "15.11",
        ["validate", str(write(tmp / "tab" / "s.yaml", scenario().replace("    unit: litre", "\tunit: litre", 1)))],
    )

    # ---- 15.12: validate --strict
    ff0 = scenario().replace("    unit_cost_usd: 300\n", "    unit_cost_usd: 300\n    funded_fraction: 0\n", 1)
    rej(
        "validate --strict, kits funded at 0",
        "15.12",
        ["validate", "--strict", str(write(tmp / "ff0" / "s.yaml", ff0))],
    )
    short = scenario().replace("      lead_time_days: 14", "      lead_time_days: 60", 1)
    rej(
        "validate --strict, stock covers less than the lead time",
        "15.12",
        ["validate", "--strict", str(write(tmp / "short" / "s.yaml", short))],
    )
    acc(
        "validate (no --strict), kits funded at 0: warns, exit 0",
        "15.12",
        ["validate", str(tmp / "ff0" / "s.yaml")],
        lambda r: None if "warning" in r.stderr else "no warning",
    )
