"""What benchmarks/adversary.py's cases are made of: the base scenario, a case, its result, checks, files."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def mkfifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------- the cases


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env[SECRET_ENV] = SECRET_VALUE
    env.pop("CAMPSIM_DEBUG", None)
    env["MPLBACKEND"] = "Agg"
    return env


class Builder:
    """Collects cases; the shared scenario, folders and shorthands the case modules use."""

    def __init__(self, tmp: Path):
        self.tmp, self.out = tmp, tmp / "out"
        self.good = write(tmp / "good" / "s.yaml", scenario())
        self.cases: list[Case] = []

    def rej(self, name, group, argv, cwd=None, forbidden=(), must_say=()):
        """A case that must exit 2 with one clean line."""
        self.cases.append(Case(name, group, "exit 2", list(argv), cwd, list(forbidden), list(must_say)))

    def acc(self, name, group, argv, check=None, cwd=None):
        """A case that must exit 0 (and pass check)."""
        self.cases.append(Case(name, group, "exit 0", list(argv), cwd, [], [], check))

    def scen(self, folder: str, **kw) -> str:
        """The base scenario with some fields replaced, written to its own folder."""
        return str(write(self.tmp / folder / "s.yaml", scenario(**kw)))

    @staticmethod
    def csv_arrivals(path: str, kind: str = "population", column: str | None = None) -> str:
        col = f"\n      column: {json.dumps(column)}" if column else ""
        return f"    - csv: {json.dumps(path)}\n      kind: {kind}{col}"
