"""Comparing scenarios: several files, or variants of one file (``--vary KEY=values``).

``compare_table`` returns the comparison as a DataFrame (compare.csv); charts and words
are built from the same runs elsewhere. Scenarios with different commodities compare on
what they share; the rest is marked absent.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from campsim.load.loader import ScenarioFile, load_scenario
from campsim.load.yamlsource import parse_scalar
from campsim.model.errors import ScenarioError
from campsim.model.scenario import Scenario
from campsim.results.summary import COMPARE_METRICS as METRICS
from campsim.runs.simulate import SimulationResult, commodities_of, simulate

if TYPE_CHECKING:
    from campsim.runs.executors import Execution

Labelled = list[tuple[str, Scenario]]


def parse_vary(option: str) -> tuple[str, list[str]]:
    """``KEY=a,b,c`` or ``KEY=lo:hi:step`` (hi included) -> (key, value texts).

    Raises:
        ScenarioError: malformed option or range.
    """
    key, sep, spec = option.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise ScenarioError(f"--vary {option!r}: expected KEY=a,b,c or KEY=lo:hi:step")
    if "," in spec or ":" not in spec:
        values = [v.strip() for v in spec.split(",")]
        if any(not v for v in values):
            raise ScenarioError(f"--vary {option!r}: an empty value in the list")
        return key, values
    parts = spec.split(":")
    try:  # numbers as a scenario file reads them (YAML 1.2: 1e-9 is a number; 0x1e is refused)
        lo, hi, step = (parse_scalar(p) for p in parts) if len(parts) == 3 else (None, None, None)
    except ValueError as exc:
        raise ScenarioError(f"--vary {option!r}: {exc}") from None
    except yaml.YAMLError:
        lo = hi = step = None
    numbers = (lo, hi, step)
    if not all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in numbers):
        raise ScenarioError(f"--vary {option!r}: a range is lo:hi:step with three numbers")
    if step <= 0 or hi < lo:
        raise ScenarioError(f"--vary {option!r}: a range needs step > 0 and hi >= lo")
    count = math.floor((hi - lo) / step + 1e-9) + 1
    if count > 10_000:
        raise ScenarioError(f"--vary {option!r}: {count:,} values; at most 10,000")
    whole = all(isinstance(x, int) for x in numbers)
    # round away floating-point residue so 0.3 + 2 x 0.05 reads 0.4, not 0.39999999999999997
    values = [lo + i * step if whole else round(lo + i * step, 10) for i in range(count)]
    return key, [repr(v) for v in values]


def load_variants(
    paths: list[str], overrides: tuple[str, ...] = (), vary: tuple[str, ...] = (), data_root: str | Path | None = None
) -> Labelled:
    """The labelled scenarios to compare: each file, or the grid of --vary values on one file.

    ``data_root``: the folder data files must lie in (default: each scenario file's own; ``--data-root``).

    Raises:
        ScenarioError: any invalid file, override or --vary option (nothing is run).
    """
    if vary:
        if len(paths) != 1:
            raise ScenarioError("--vary makes variants of one scenario; give exactly one file")
        return [(label, s) for _, label, s in grid(paths[0], overrides, vary, data_root)]
    if len(paths) < 2:
        raise ScenarioError("compare needs two or more scenario files, or one file with --vary KEY=values")
    return labelled([(Path(p), load_scenario(p, overrides, data_root)) for p in paths])


def labelled(scenarios: list[tuple[Path, Scenario]]) -> Labelled:
    """Each scenario with its label: what tells its name from the others', then its file stem, then a number."""
    labels = distinguishing_labels([s.name for _, s in scenarios])
    for i, (path, s) in enumerate(scenarios):
        if labels.count(s.name) > 1:
            labels[i] = f"{s.name} ({path.stem})"
    for i in range(len(labels)):
        if labels.count(labels[i]) > 1:
            labels[i] = f"{labels[i]} #{i + 1}"
    return [(label, s) for label, (_, s) in zip(labels, scenarios, strict=True)]


def distinguishing_labels(names: list[str]) -> list[str]:
    """Short labels: the part of each name after the words all names share.

    "Ramadi camps, October 2017 influx (62% funded)" and "... (fully funded)" become
    "62% funded" and "fully funded". Names that share nothing, or would collide, stay whole.
    """
    tokens = [name.split() for name in names]
    common = 0
    while all(len(t) > common + 1 for t in tokens) and len({t[common] for t in tokens}) == 1:
        common += 1
    labels = []
    for t in tokens:
        rest = " ".join(t[common:]).strip(" ,;:-–")
        if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
            rest = rest[1:-1].strip()
        labels.append(rest)
    if common == 0 or any(not label for label in labels) or len(set(labels)) < len(labels):
        return list(names)
    return labels


def grid(
    path: str, overrides: tuple[str, ...], vary: tuple[str, ...], data_root: str | Path | None = None
) -> list[tuple[dict[str, object], str, Scenario]]:
    """The full grid of --vary values on one file: (values by key, label, scenario) per point.

    Raises:
        ScenarioError: a malformed --vary or an invalid grid point (nothing is run).
    """
    axes = [parse_vary(option) for option in vary]
    keys = [key for key, _ in axes]
    if len(set(keys)) != len(keys):
        raise ScenarioError("--vary: each key may be varied once")
    source = ScenarioFile(path, data_root)  # read once: every point varies it in memory
    points = []
    for combo in itertools.product(*(values for _, values in axes)):
        sets = [f"{key}={value}" for key, value in zip(keys, combo, strict=True)]
        scenario = source.load((*overrides, *sets))  # refuses a bad value before it is read below
        values = {key: parse_scalar(value) for key, value in zip(keys, combo, strict=True)}
        points.append((values, ", ".join(sets), scenario))
    return points


def run_variants(
    variants: Labelled,
    seed: int | None = None,
    replications: int = 1,
    execution: Execution | None = None,
    progress=None,
) -> list[tuple[str, SimulationResult]]:
    """Simulate each variant (with ``seed`` or each scenario's own); with replications > 1,
    all variants' replications share one pool and the same seed (common random numbers)."""
    kinds = {s.is_network for _, s in variants}
    if len(kinds) > 1:
        raise ScenarioError("compare takes single camps or camp networks, not a mix: their tables differ")
    if replications <= 1:
        return [(label, simulate(s, seed=seed)) for label, s in variants]
    from campsim.runs.executors import Execution, run_grid
    from campsim.runs.simulate import replicated_result

    firsts = [simulate(s, seed=seed) for _, s in variants]  # replication 0 of each, for its tables
    if progress is not None:
        progress(len(firsts))
    items = [(first.plan, first.seed, 1, replications) for first in firsts]
    samples = run_grid(items, execution or Execution(), progress)
    return [
        (label, replicated_result(first, got)) for (label, _), first, got in zip(variants, firsts, samples, strict=True)
    ]


def compare_table(runs: list[tuple[str, SimulationResult]]) -> pd.DataFrame:
    """One row per scenario and commodity (union of commodities) with the summary metrics; for
    camp networks a ``camp`` column, the network totals (camp empty) first, then each camp."""
    names = commodities_of(runs)
    network = any("camps" in r.summary for _, r in runs)
    rows = []
    for label, r in runs:
        source = r.scenario.source
        blocks = [("", r.summary["commodities"])]
        if network:
            blocks += [(camp, site["commodities"]) for camp, site in r.summary["camps"].items()]
        for camp, commodities in blocks:
            for name in names:
                c = commodities.get(name)
                rows.append({
                    "scenario": label,
                    "name": r.scenario.name,
                    "file": "" if source is None else str(source),
                    "seed": r.seed,
                    **({"camp": camp} if network else {}),
                    "commodity": name,
                    "present": c is not None,
                    **{m: (None if c is None else c.get(m)) for m in METRICS},
                })  # fmt: skip
    head = ["scenario", "name", "file", "seed", *(["camp"] if network else []), "commodity", "present"]
    return pd.DataFrame(against_first(rows), columns=[*head, *METRICS, *AGAINST_FIRST])


# against the first scenario, per camp and commodity: the change in person-days short, and what
# each person-day averted cost in extra funding received (empty where none was averted)
AGAINST_FIRST = ["shortfall_person_days_vs_first", "usd_per_person_day_averted"]


def against_first(rows: list[dict]) -> list[dict]:
    """Each row with AGAINST_FIRST, measured from the first scenario's row of the same camp and commodity."""
    first_label = rows[0]["scenario"] if rows else None
    base = {(r.get("camp", ""), r["commodity"]): r for r in rows if r["scenario"] == first_label}
    for row in rows:
        ref = base.get((row.get("camp", ""), row["commodity"]))
        short, ref_short = row["shortfall_person_days"], None if ref is None else ref["shortfall_person_days"]
        row["shortfall_person_days_vs_first"] = None if short is None or ref_short is None else short - ref_short
        averted = None if row["shortfall_person_days_vs_first"] is None else -row["shortfall_person_days_vs_first"]
        usd, ref_usd = row["received_usd"], None if ref is None else ref["received_usd"]
        paid = averted is not None and averted > 0 and usd is not None and ref_usd is not None
        row["usd_per_person_day_averted"] = (usd - ref_usd) / averted if paid else None
    return rows
