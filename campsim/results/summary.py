"""The summary (summary.json): its keys defined once, and how runs become summaries.

Each per-commodity key is declared once below, in summary.json's order, with how many
replications aggregate it and where it stands in compare.csv; every other list of keys
(replications, compare and sweep tables, the solver's targets) is derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from campsim.model.outputs import RunArrays
from campsim.plan.compile import Plan
from campsim.results.metrics import commodity_metrics, day_dates, day_sums


@dataclass(frozen=True)
class Key:
    """One per-commodity key of summary.json.

    Attributes:
        name: the key.
        merge: how replications combine: "mean" (numbers), "day" (lower median of the
            replications that have one), "text" (kept from replication 0 or derived), "none".
        compare: its column position in compare.csv (None: not a compare.csv column).
    """

    name: str
    merge: str = "mean"
    compare: int | None = None


COMMODITY_KEYS = (
    Key("unit", "text"), Key("kind", "text"), Key("need", compare=0), Key("distributed", compare=1),
    Key("coverage", compare=2), Key("shortfall", compare=3), Key("shortfall_person_days", compare=4),
    Key("shortage_days", compare=5), Key("first_shortage_day", "day", compare=6),
    Key("first_shortage_date", "text", compare=7), Key("longest_shortage_days", compare=9),
    Key("min_ration", compare=10), Key("unmet_cost_usd", compare=16), Key("requirement_usd", compare=17),
    Key("received_usd", compare=18), Key("spent_usd", compare=19), Key("balance_usd", compare=20),
    Key("initial_stock", compare=21), Key("received", compare=22), Key("spoiled", compare=23),
    Key("overflow", compare=24), Key("end_stock", compare=25), Key("end_pipeline", compare=26),
    # beyond the original contract: what kind of shortage, and when
    Key("ration_cut_days", compare=14), Key("first_ration_cut_date", "text"),
    Key("first_shortage_cause", "text", compare=8), Key("peak_people_short", compare=11),
    Key("share_person_days_at_standard", compare=12), Key("share_person_days_below_critical", compare=13),
    Key("pipeline_break_days", compare=15), Key("pipeline_breaks", "text"),
    # why money ran out, where the requirement came from, and what a kit backlog means (compare.csv appends)
    Key("funds_exhausted_days", compare=27), Key("funds_exhausted_first_date", "text"),
    Key("requirement_source", "text"), Key("kits_delivered", compare=28), Key("households_waited", compare=29),
    Key("mean_wait_days", compare=30), Key("longest_wait_days", compare=31), Key("on_time_share", compare=32),
)  # fmt: skip
METRIC_KEYS = tuple(k.name for k in COMMODITY_KEYS)
# compare.csv's metric columns, in their contract order
COMPARE_METRICS = [
    k.name for k in sorted((k for k in COMMODITY_KEYS if k.compare is not None), key=lambda k: k.compare)
]
TEXT_KEYS = frozenset(k.name for k in COMMODITY_KEYS if k.merge == "text")
DAY_KEYS = frozenset(k.name for k in COMMODITY_KEYS if k.merge == "day")
# the header of every summary, in order
HEAD_KEYS = ("scenario", "start", "end", "days", "seed", "deterministic", "replications")
POPULATION_KEYS = ("initial", "final", "arrivals", "departures", "peak")
FUNDING_KEYS = ("requirement_usd", "received_usd", "spent_usd", "balance_usd")


class Summary(TypedDict, total=False):
    """summary.json: HEAD_KEYS, then these; the last three only where they apply."""

    scenario: str
    start: str
    end: str
    days: int
    seed: int
    deterministic: bool
    replications: int
    overrides: list[str]  # the --set/--vary KEY=VALUE strings applied to the file, in order (runs/simulate)
    population: dict[str, float]
    commodities: dict[str, dict[str, Any]]  # commodity -> METRIC_KEYS
    funding: dict[str, float]  # FUNDING_KEYS, summed over commodities
    uncertainty: dict[str, dict[str, Any]]  # replicated runs: P10/P50/P90 and p_shortage per commodity
    population_uncertainty: dict[str, dict[str, float]]
    solve: dict[str, Any]  # a solve of this very scenario (see runs/sweep.py)


def funding_totals(commodities: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The money keys summed over commodities."""
    return {key: float(sum(c[key] for c in commodities.values())) for key in FUNDING_KEYS}


def summarize(plan: Plan, arrays: RunArrays, seed: int) -> list[Summary]:
    """The summary of each replication in ``arrays`` (one for a SimPy run)."""
    dates = day_dates(plan.start, plan.days)
    per_line = [commodity_metrics(plan, i, arrays, dates) for i in range(len(plan.lines))]
    population = arrays.population
    pop = {
        "final": population[-1].tolist(),
        "arrivals": day_sums(arrays.arrivals).tolist(),
        "departures": day_sums(arrays.departures).tolist(),
        "peak": np.max(population, axis=0).tolist(),
    }
    head = {
        "scenario": plan.name,
        "start": plan.start.isoformat(),
        "end": dates[-1],
        "days": plan.days,
        "seed": seed,
        "deterministic": plan.deterministic,
        "replications": 1,
    }
    out = []
    for r in range(arrays.replications):
        commodities = {name: {key: per_line[i][r][key] for key in METRIC_KEYS} for i, name in enumerate(plan.lines)}
        out.append(
            Summary(
                **head,
                population={"initial": plan.initial_people, **{k: v[r] for k, v in pop.items()}},
                commodities=commodities,
                funding=funding_totals(commodities),
            )
        )
    return out
