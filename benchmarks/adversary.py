"""Re-run the adversary's cases of issue 17 (and the input cases of issue 15) against campsim.

Every hostile input and command the two issues name is built in a temporary folder (real
files, FIFOs, symlinks, devices) and run as ``python -m campsim ...`` in a subprocess with
PYTHONPATH set to this worktree and a 60 s timeout (a timeout is a failure). A case expects
either a refusal (exit 2, exactly one stderr line, no raw control character, no traceback,
no content of a secret file) or acceptance (exit 0 with the behaviour documented in
docs/reliability.md, docs/hxl.md and docs/semantics.md).

    python benchmarks/adversary.py            # all cases; writes benchmarks/adversary.json
    python benchmarks/adversary.py -k hxl     # only cases whose name contains "hxl"
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 60
SECRET_ENV = "ADVERSARY_SECRET_TOKEN"
SECRET_VALUE = "s3cr3t-adversary-9f27"  # placed in the child's environment: /proc/self/environ must not leak it
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")  # raw control characters (C0 but tab/newline, DEL, C1)

BASE = """\
name: {name}
start: {start}
days: {days}
seed: 1
deterministic: true
population:
  initial: {initial}
  household_size: {household_size}
  arrivals:
{arrivals}
funding:
  funded_fraction: {funded_fraction}
commodities:
  water:
    unit: litre
    per_person_day: 15
    unit_cost_usd: 0.0075
    initial_stock: 150000
    capacity: {capacity}
    ordering:
      review_every_days: 1
      order_up_to_days: 4
      lead_time_days: 1
  household_kits:
    unit: kit
    per_new_household: {kits}
    unit_cost_usd: 300
    initial_stock: 250
    ordering:
      review_every_days: 7
      order_up_to_days: 30
      lead_time_days: 14
{extra}"""

NETWORK = """\
name: network-by-loc
start: 2017-10-01
days: 10
deterministic: true
commodities:
  food: {per_person_day: 1, unit_cost_usd: 0.5, kg_per_unit: 0.6}
warehouses:
  hub:
    commodities:
      food: {initial_stock: 10000, ordering: {order_up_to_days: 30, lead_time_days: 10}}
camps:
  north:
    population: {initial: 1000, arrivals: [{csv: data/dtm.csv}]}
    commodities:
      food: {initial_stock: 5000, supply: {from: hub, order_up_to_days: 10}}
  east:
    population: {initial: 500, arrivals: [{csv: data/dtm.csv}]}
    commodities:
      food: {initial_stock: 2000, supply: {from: hub, order_up_to_days: 10}}
routes:
  hub-north: {from: hub, to: north, transit_days: 1}
  hub-east: {from: hub, to: east, transit_days: 2}
"""

DEFAULTS = dict(
    name="adversary",
    start="2017-10-01",
    days=30,
    initial=1000,
    household_size=6,
    arrivals="    - rate: {2017-10-01: 20}",
    funded_fraction=0.62,
    capacity=400000,
    kits=1,
    extra="",
)


def scenario(**kw) -> str:
    """The small base scenario with some fields replaced (values are written as YAML text)."""
    return BASE.format(**{**DEFAULTS, **kw})


@dataclass
class Case:
    name: str
    group: str  # "17.1" ... or "15.9" ...: the issue point it comes from
    expect: str  # "exit 2" or "exit 0"
    argv: list[str]  # after "python -m campsim"
    cwd: Path | None = None
    forbidden: list[str] = field(default_factory=list)  # must not appear in stderr/stdout
    must_say: list[str] = field(default_factory=list)  # words the one line must contain (case-insensitive)
    check: Callable[[Result], str | None] | None = None  # extra check of an accepted run: None if fine
    stdin_devnull: bool = True


@dataclass
class Result:
    rc: int | None
    stdout: str
    stderr: str
    seconds: float


def run_campsim(case: Case, env: dict[str, str]) -> Result:
    t0 = time.monotonic()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "campsim", *case.argv],
            cwd=case.cwd,
            env=env,
            capture_output=True,
            timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
        return Result(
            p.returncode,
            p.stdout.decode("utf-8", "backslashreplace"),
            p.stderr.decode("utf-8", "backslashreplace"),
            time.monotonic() - t0,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "backslashreplace")
        err = (e.stderr or b"").decode("utf-8", "backslashreplace")
        return Result(None, out, err, time.monotonic() - t0)


def judge(case: Case, r: Result) -> tuple[bool, str]:
    """(as expected, why not)."""
    if r.rc is None:
        return False, f"timeout after {TIMEOUT_S} s"
    both = r.stdout + r.stderr
    for s in case.forbidden:
        if s in both:
            return False, f"output contains {s!r}"
    if "Traceback" in r.stderr:
        return False, "traceback"
    if case.expect == "exit 2":
        if r.rc != 2:
            return False, f"exit {r.rc}"
        lines = r.stderr.rstrip("\n").split("\n")
        if len(lines) != 1 or not lines[0].strip():
            return False, f"{len(lines)} stderr lines"
        if CONTROL.search(lines[0]):
            return False, "raw control character in the line"
        if "internal error" in lines[0]:
            return False, "internal error"
        for w in case.must_say:
            if w.lower() not in lines[0].lower():
                return False, f"line does not say {w!r}"
        return True, ""
    if r.rc != 0:
        return False, f"exit {r.rc}"
    if CONTROL.search(both.replace("\x1b[0m", "")):
        return False, "raw control character in the output"
    if case.check is not None:
        why = case.check(r)
        if why:
            return False, why
    return True, ""


# ---------------------------------------------------------------- checks of accepted runs


def no_stderr_but_notes(r: Result) -> str | None:
    """A successful run's stderr holds only campsim's own notes (no library warnings)."""
    bad = [ln for ln in r.stderr.splitlines() if ln.strip() and not ln.startswith(("note:", "warning: "))]
    return f"stderr has {len(bad)} other lines: {bad[:2]!r}" if bad else None


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [row for row in csv.reader(f) if row]


NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def formula_cells(folder: Path) -> list[str]:
    """Cells of every CSV under folder that a spreadsheet would read as a formula."""
    bad = []
    for p in sorted(folder.rglob("*.csv")):
        for row in read_csv(p):
            for cell in row:
                if cell and cell[0] in "=+-@\t\r" and not NUMBER.match(cell):
                    bad.append(f"{p.name}: {cell[:40]!r}")
    return bad


def calibration_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "calibration.csv", newline="", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row.get("date") and not row["date"].startswith("#")]


def observed_is(folder: Path, expected: dict[str, float]) -> Callable[[Result], str | None]:
    def check(r: Result) -> str | None:
        try:
            rows = calibration_rows(folder)
        except OSError as e:
            return f"no calibration.csv ({e})"
        got = {row["date"][:10]: float(row["observed"]) for row in rows}
        return None if got == expected else f"observed {got}, expected {expected}"

    return check


def same_daily(a: Path, b: Path) -> Callable[[Result], str | None]:
    def check(r: Result) -> str | None:
        try:
            da, db = (a / "daily.csv").read_bytes(), (b / "daily.csv").read_bytes()
        except OSError as e:
            return f"missing daily.csv ({e})"
        return None if da == db else "daily.csv differs from the equivalent scenario's"

    return check


# ---------------------------------------------------------------- helpers for the environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_http_server() -> tuple[http.server.HTTPServer, int]:
    """A web server that is not a Dask scheduler (it waits for a request)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def start_dask(tmp: Path, started: list[subprocess.Popen]) -> dict[str, str]:
    """Three local schedulers: one without workers, one whose worker cannot import campsim, one good."""
    from distributed import Client

    def scheduler() -> str:
        port = free_port()
        argv = [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port)]
        started.append(
            subprocess.Popen([*argv, "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return f"tcp://127.0.0.1:{port}"
            time.sleep(0.2)
        raise RuntimeError("a Dask scheduler did not start within 30 s")

    def worker(address: str, env: dict[str, str]) -> None:
        argv = [sys.executable, "-m", "dask", "worker", address, "--nworkers", "1", "--nthreads", "1"]
        started.append(
            subprocess.Popen(
                [*argv, "--no-dashboard", "--memory-limit", "0"],
                env=env,
                cwd=tmp,  # not this worktree: "python -m" puts the working folder first on sys.path
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        with Client(address, timeout=30) as c:
            c.wait_for_workers(1, timeout=60)

    # a worker's Python where "import campsim" fails, as where campsim is not installed
    shadow = write(
        tmp / "no-campsim" / "campsim" / "__init__.py",
        "raise ModuleNotFoundError(\"No module named 'campsim'\", name='campsim')\n",
    ).parents[1]
    out = {"no_workers": scheduler(), "no_campsim": scheduler(), "good": scheduler()}
    worker(out["no_campsim"], {**child_env(), "PYTHONPATH": str(shadow)})
    worker(out["good"], child_env())
    return out


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def mkfifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------- the cases


def build_cases(tmp: Path, http_port: int, dask: dict[str, str]) -> list[Case]:  # noqa: PLR0915 (one flat list reads best)
    cases: list[Case] = []
    add = cases.append
    out = tmp / "out"
    good = write(tmp / "good" / "s.yaml", scenario())
    ramadi = str(ROOT / "scenarios" / "ramadi.yaml")
    passwd_leaks = ["root:", "/bin/bash", "nologin"]

    def rej(name, group, argv, cwd=None, forbidden=(), must_say=()):
        add(Case(name, group, "exit 2", list(argv), cwd, list(forbidden), list(must_say)))

    def acc(name, group, argv, check=None, cwd=None):
        add(Case(name, group, "exit 0", list(argv), cwd, [], [], check))

    def scen(folder: str, **kw) -> str:
        return str(write(tmp / folder / "s.yaml", scenario(**kw)))

    def csv_arrivals(path: str, kind: str = "population", column: str | None = None) -> str:
        col = f"\n      column: {json.dumps(column)}" if column else ""
        return f"    - csv: {json.dumps(path)}\n      kind: {kind}{col}"

    # ---- 17.1: file contents must not leak
    deep = tmp / "a" / "b" / "c"
    s = write(deep / "s.yaml", scenario(arrivals=csv_arrivals("../../../../../../../../etc/passwd")))
    rej("csv ../../etc/passwd", "17.1", ["run", str(s), "--no-charts", "-o", str(out / "1")], forbidden=passwd_leaks)
    rej(
        "csv /etc/passwd",
        "17.1",
        ["validate", scen("abs_passwd", arrivals=csv_arrivals("/etc/passwd"))],
        forbidden=passwd_leaks,
    )
    rej(
        "csv /etc/shadow",
        "17.1",
        ["validate", scen("shadow", arrivals=csv_arrivals("/etc/shadow"))],
        forbidden=passwd_leaks,
    )
    rej(
        "csv /proc/self/environ",
        "17.1",
        ["validate", scen("environ", arrivals=csv_arrivals("/proc/self/environ"))],
        forbidden=[SECRET_VALUE, "PATH="],
    )
    s = scen("passwd_root", arrivals=csv_arrivals("/etc/passwd"))
    rej("csv /etc/passwd with --data-root /etc", "17.1", ["validate", "--data-root", "/etc", s], forbidden=passwd_leaks)
    s = scen("environ_root", arrivals=csv_arrivals("/proc/self/environ"))
    rej(
        "csv /proc/self/environ with --data-root /proc",
        "17.1",
        ["validate", "--data-root", "/proc", s],
        forbidden=[SECRET_VALUE, "PATH="],
    )
    link_dir = tmp / "symlink_passwd"
    link_dir.mkdir()
    (link_dir / "dtm.csv").symlink_to("/etc/passwd")
    write(link_dir / "s.yaml", scenario(arrivals=csv_arrivals("dtm.csv")))
    rej("csv: symlink to /etc/passwd", "17.1", ["validate", str(link_dir / "s.yaml")], forbidden=passwd_leaks)
    fts = "\n".join(["funding:", "  fts: /etc/passwd", "  clusters:", "    WASH: [water, household_kits]"])
    s = write(tmp / "fts_passwd" / "s.yaml", scenario().replace("funding:\n  funded_fraction: 0.62", fts))
    rej("fts: /etc/passwd", "17.1", ["validate", str(s)], forbidden=passwd_leaks)
    s = write(tmp / "fts_passwd_root" / "s.yaml", scenario().replace("funding:\n  funded_fraction: 0.62", fts))
    rej(
        "fts: /etc/passwd with --data-root /etc",
        "17.1",
        ["validate", "--data-root", "/etc", str(s)],
        forbidden=passwd_leaks,
    )
    rej(
        "calibrate --observed /etc/passwd",
        "17.1",
        ["calibrate", str(good), "--observed", "/etc/passwd", "-o", str(out / "c1")],
        forbidden=passwd_leaks,
    )
    rej(
        "calibrate --observed /proc/self/environ",
        "17.1",
        ["calibrate", str(good), "--observed", "/proc/self/environ", "-o", str(out / "c2")],
        forbidden=[SECRET_VALUE, "PATH="],
    )
    rej("run /etc/passwd as the scenario", "17.1", ["run", "/etc/passwd", "-o", str(out / "2")], forbidden=passwd_leaks)
    long_cell = "A" * 45 + "SECRETTAIL"
    write(tmp / "longcell" / "d.csv", f"date,population\n2017-10-02,{long_cell}\n")
    s = write(tmp / "longcell" / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("table cell quoted at most 40 chars", "17.1", ["validate", str(s)], forbidden=["SECRETTAIL"])
    write(tmp / "esccell" / "d.csv", "date,population\n2017-10-02,\x1b[31mred\x07\n")
    s = write(tmp / "esccell" / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("table cell with ESC and BEL", "17.1", ["validate", str(s)])

    # ---- 17.2: special files, sizes
    fifo_dir = tmp / "fifo"
    mkfifo(fifo_dir / "scenario.yaml")
    mkfifo(fifo_dir / "data.csv")
    mkfifo(fifo_dir / "observed.csv")
    write(fifo_dir / "s.yaml", scenario(arrivals=csv_arrivals("data.csv")))
    rej("run FIFO scenario", "17.2", ["run", str(fifo_dir / "scenario.yaml"), "-o", str(out / "3")])
    rej("validate FIFO scenario", "17.2", ["validate", str(fifo_dir / "scenario.yaml")])
    rej("csv: FIFO", "17.2", ["run", str(fifo_dir / "s.yaml"), "--no-charts", "-o", str(out / "4")])
    rej(
        "calibrate --observed FIFO",
        "17.2",
        ["calibrate", str(good), "--observed", str(fifo_dir / "observed.csv"), "-o", str(out / "c3")],
    )
    rej("run /dev/zero", "17.2", ["run", "/dev/zero", "-o", str(out / "5")])
    rej("validate /dev/urandom", "17.2", ["validate", "/dev/urandom"])
    rej(
        "calibrate --observed /dev/zero",
        "17.2",
        ["calibrate", str(good), "--observed", "/dev/zero", "-o", str(out / "c4")],
    )
    rej(
        "calibrate --observed /dev/urandom",
        "17.2",
        ["calibrate", str(good), "--observed", "/dev/urandom", "-o", str(out / "c5")],
    )
    s = scen("devzero_root", arrivals=csv_arrivals("/dev/zero"))
    rej("csv: /dev/zero with --data-root /dev", "17.2", ["validate", "--data-root", "/dev", s])
    s = scen("devrandom_root", arrivals=csv_arrivals("/dev/urandom"))
    rej("csv: /dev/urandom with --data-root /dev", "17.2", ["validate", "--data-root", "/dev", s])
    (tmp / "dir_csv" / "d.csv").mkdir(parents=True)
    s = write(tmp / "dir_csv" / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("csv: a directory", "17.2", ["validate", str(s)])
    rej("scenario is a directory", "17.2", ["validate", str(tmp / "dir_csv")])
    big = tmp / "big" / "d.csv"
    big.parent.mkdir()
    with open(big, "w") as f:  # 10,000,000 rows, ~130 MB: refused by its size before reading
        f.write("date,population\n")
        row = "2017-10-02,1\n" * 100_000
        for _ in range(100):
            f.write(row)
    write(big.parent / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("csv: 10-million-row file", "17.2", ["validate", str(big.parent / "s.yaml")])
    rej(
        "calibrate --observed 10-million-row file",
        "17.2",
        ["calibrate", str(good), "--observed", str(big), "-o", str(out / "c6")],
    )
    rows = tmp / "rows" / "d.csv"
    rows.parent.mkdir()
    with open(rows, "w") as f:  # 600,000 rows, 7.8 MB: under the byte limit, over the row limit
        f.write("date,population\n")
        f.write("2017-10-02,1\n" * 600_000)
    write(rows.parent / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("csv: 600,000 rows (row limit)", "17.2", ["validate", str(rows.parent / "s.yaml")])
    big_yaml = tmp / "bigyaml" / "s.yaml"
    big_yaml.parent.mkdir()
    with open(big_yaml, "w") as f:  # above the 20 MB scenario limit
        f.write(scenario())
        f.write(("# " + "x" * 98 + "\n") * 210_000)
    rej("scenario file of 21 MB", "17.2", ["validate", str(big_yaml)])

    # ---- 17.3: formula injection
    evil = '=HYPERLINK("http://evil","x")'
    text = scenario(name=json.dumps("@SUM(1) camp")).replace("  water:\n", f"  {json.dumps(evil)}:\n", 1)
    s = write(tmp / "formula" / "s.yaml", text)
    fo = out / "formula"

    def formula_check(r: Result) -> str | None:
        bad = formula_cells(fo)
        if bad:
            return f"formula cells: {bad[:3]}"
        daily = (fo / "daily.csv").read_text(encoding="utf-8")
        if "'=HYPERLINK" not in daily:
            return "daily.csv has no cell beginning '=HYPERLINK"
        names = json.dumps(json.loads((fo / "summary.json").read_text()), ensure_ascii=False)
        if evil.replace('"', '\\"') not in names:
            return "summary.json does not keep the name as given"
        return None

    acc(
        "commodity =HYPERLINK(...): CSV cells begin with '",
        "17.3",
        ["run", str(s), "-n", "3", "-j", "1", "--no-charts", "-o", str(fo)],
        formula_check,
    )

    fc = out / "formula-compare"

    def compare_formula_check(r: Result) -> str | None:
        bad = formula_cells(fc)
        if bad:
            return f"formula cells: {bad[:3]}"
        return None if "'=HYPERLINK" in (fc / "compare.csv").read_text(encoding="utf-8") else "compare.csv lacks '="

    acc(
        "commodity =HYPERLINK(...) in compare: CSV cells begin with '",
        "17.3",
        ["compare", str(s), "--vary", "funding.funded_fraction=0.5,1", "--no-charts", "-o", str(fc)],
        compare_formula_check,
    )

    # ---- 17.4: control characters
    ctrl_dir = tmp / "ctrl"
    ctrl_dir.mkdir()
    bad_name = ctrl_dir / "bad\n\x1b[31mname.yaml"
    bad_name.write_text(scenario(days="zero"), encoding="utf-8")
    rej("invalid scenario, path with newline+ESC", "17.4", ["run", str(bad_name), "-o", str(out / "6")])
    rej(
        "missing scenario, path with newline+ESC",
        "17.4",
        ["run", str(ctrl_dir / "gone\n\x1b[2Jx.yaml"), "-o", str(out / "7")],
    )
    ok_name = ctrl_dir / "ok\n\x1b[31mname.yaml"
    ok_name.write_text(scenario(), encoding="utf-8")
    acc(
        "valid scenario, path with newline+ESC",
        "17.4",
        ["run", str(ok_name), "--no-charts", "-o", str(out / "8")],
        no_stderr_but_notes,
    )
    s = scen("bel", name=json.dumps("camp \a bell"))
    acc("BEL in the scenario name", "17.4", ["run", s, "-o", str(out / "9")], no_stderr_but_notes)
    # YAML allows no raw control character, so names carry them as escapes ("\u0001"); emoji stay raw
    s = scen("emoji", name=json.dumps("Camp 💧🏕️ \x01\x1b[5m blink", ensure_ascii=False))
    emoji = scenario(name=json.dumps("Camp 💧🏕️ \x01 ctl", ensure_ascii=False))
    emoji = emoji.replace("  household_kits:\n", "  " + json.dumps("kits 🎒\x02", ensure_ascii=False) + ":\n", 1)
    s2 = write(tmp / "emoji2" / "s.yaml", emoji)
    acc("emoji+control chars in name, with charts", "17.4", ["run", s, "-o", str(out / "10")], no_stderr_but_notes)
    acc(
        "emoji+control chars in commodity, with charts",
        "17.4",
        ["run", str(s2), "-o", str(out / "11")],
        no_stderr_but_notes,
    )
    raw = scenario().replace("name: adversary", "name: camp \x02 raw", 1)
    rej(
        "raw control character U+0002 in the scenario file",
        "extra",
        ["validate", str(write(tmp / "raw" / "s.yaml", raw))],
    )
    raw = scenario().replace("name: adversary", 'name: "camp \x1b[2J raw"', 1)
    rej(
        "raw ESC inside a quoted name",
        "extra",
        ["run", str(write(tmp / "rawesc" / "s.yaml", raw)), "-o", str(out / "10b")],
    )

    for label, ch in [("DEL U+007F", "\x7f"), ("form feed U+000C", "\x0c"), ("U+FFFE", "\ufffe")]:
        raw = scenario().replace("name: adversary", f"name: camp {ch} raw", 1)
        rej(
            f"raw {label} in the scenario file",
            "extra",
            ["validate", str(write(tmp / f"raw-{ord(ch)}" / "s.yaml", raw))],
        )
    rej("--set name=<raw ESC>", "extra", ["validate", str(good), "--set", "name=camp \x1b[2J"])
    rej("--set commodities.<raw ESC>.unit=x", "extra", ["validate", str(good), "--set", "commodities.w\x1b[2J.unit=x"])

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
    return cases


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env[SECRET_ENV] = SECRET_VALUE
    env.pop("CAMPSIM_DEBUG", None)
    env["MPLBACKEND"] = "Agg"
    return env


def show(text: str, limit: int = 300) -> str:
    return repr(text[-limit:]) if text else "''"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only cases whose name contains this text")
    ap.add_argument("--no-dask", action="store_true", help="skip the cases that need a local Dask cluster")
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "adversary.json"))
    args = ap.parse_args()
    server, port = start_http_server()
    results = []
    started: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="campsim-adversary-") as t:
        tmp = Path(t)
        try:
            dask = start_dask(tmp, started) if not args.no_dask else {}
        except Exception as e:  # a cluster that cannot start here skips its cases, and says so
            print(f"(no Dask cluster cases: {e})")
            dask = {}
        cases = [c for c in build_cases(tmp, port, dask) if args.k in c.name]
        env = child_env()
        width = max((len(c.name) for c in cases), default=4)
        print(f"{'case':<{width}}  {'group':<6} {'expected':<8} {'got':<8} {'s':>5}  ok")
        for c in cases:
            r = run_campsim(c, env)
            ok, why = judge(c, r)
            got = "timeout" if r.rc is None else f"exit {r.rc}"
            shown = c.name.encode("unicode_escape").decode("ascii")
            verdict = "ok" if ok else "NO: " + why
            print(f"{shown:<{width}}  {c.group:<6} {c.expect:<8} {got:<8} {r.seconds:5.1f}  {verdict}", flush=True)
            results.append(
                dict(
                    case=c.name,
                    group=c.group,
                    argv=[a.replace(t, "$TMP") for a in c.argv],
                    expected=c.expect,
                    got=got,
                    seconds=round(r.seconds, 2),
                    ok=ok,
                    why=why,
                    stderr=r.stderr.replace(t, "$TMP")[-2000:],
                    stdout_tail=r.stdout.replace(t, "$TMP")[-500:],
                )
            )
        for p in started:  # the schedulers and workers this script started
            p.terminate()
        for p in started:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    server.shutdown()
    n_ok = sum(r["ok"] for r in results)
    refusals = [r for r in results if r["expected"] == "exit 2"]
    named = [r for r in results if r["group"] != "extra"]
    counts = dict(
        as_expected=n_ok,
        cases=len(results),
        refusals_clean=sum(r["ok"] for r in refusals),
        refusals=len(refusals),
        accepted_as_documented=sum(r["ok"] for r in results if r["expected"] == "exit 0"),
        acceptances=len(results) - len(refusals),
        named_as_expected=sum(r["ok"] for r in named),
        named=len(named),
    )
    print(
        f"\n{n_ok} of {len(results)} cases as expected "
        f"({counts['refusals_clean']} of {len(refusals)} refusals exit 2 with one clean line; "
        f"{counts['accepted_as_documented']} of {counts['acceptances']} accepted as documented; "
        f"{counts['named_as_expected']} of {len(named)} of the cases the issues name, "
        f"{n_ok - counts['named_as_expected']} of {len(results) - len(named)} extra)"
    )
    for r in results:
        if not r["ok"]:
            print(f"\n--- {r['case']}: {r['why']}\n    stderr: {show(r['stderr'])}")
    summary = dict(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        python=sys.version.split()[0],
        **counts,
        results=results,
    )
    if not args.k:
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if n_ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
