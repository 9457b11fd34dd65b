"""Words for a comparison of runs: compare.md, the comparison's headline and its terminal table.

Plain text built from the runs' summaries; no model runs, no files written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from campsim.report.headline import label_words
from campsim.report.wording import (
    Cells,
    count,
    day_count,
    day_words,
    days,
    is_kit,
    num,
    overrides_line,
    prose,
    table,
)
from campsim.results.run import SimulationResult, commodities_of

if TYPE_CHECKING:
    import pandas as pd


def compare_headlines(runs: list[tuple[str, SimulationResult]]) -> list[str]:
    """Per commodity, what each scenario gives: 'At A, water falls below ... ; at B it never does.'"""
    sentences = []
    for name in commodities_of(runs):
        # a sentence names a --vary variant in words
        parts = [f"{label_words(label)}: {scenario_phrase(name, r)}" for label, r in runs]
        words = prose(name)
        sentences.append(f"{words[0].upper()}{words[1:]}: " + "; ".join(parts) + ".")
    return sentences


def scenario_phrase(name: str, r: SimulationResult) -> str:
    """What one scenario gives one commodity: 'short from 22 Nov 2017 (pipeline break) for up to ...'."""
    c = r.summary["commodities"].get(name)
    if c is None:
        return "not in this scenario"
    if not c["shortage_days"]:
        return "never short"
    people, person_days = ("people waiting", "person-days waiting") if is_kit(c) else ("people", "person-days")
    median = "median " if r.summary.get("replications", 1) > 1 else ""
    return (
        f"short from {median}{day_words(c['first_shortage_date'])} "
        f"({c['first_shortage_cause']}) for up to {num(c['peak_people_short'])} {people}, "
        f"{days(c['shortage_days'])}, {num(c['shortfall_person_days'])} {person_days}, "
        f"US${num(c['unmet_cost_usd'])} unmet"
    )


def overrides_lines(runs: list[tuple[str, SimulationResult]], bullet: str = "- ") -> list[str]:
    """'label: with --set ...' for each scenario run with overrides beyond the --vary values its label names."""
    lines = []
    for label, r in runs:
        if [o for o in r.summary.get("overrides", []) if o not in label.split(", ")]:
            lines.append(f"{bullet}{label}: {overrides_line(r.summary)}")
    return lines


def compare_preamble(runs: list[tuple[str, SimulationResult]]) -> list[str]:
    """Lines under the title: each scenario's overrides, and what a replicated figure is."""
    lines = overrides_lines(runs)
    n = max(r.summary.get("replications", 1) for _, r in runs)
    if n > 1:
        lines.append(f"Figures are means of {n:,} replications each (first shortage: the median date).")
    return [*lines, ""] if lines else []


def compare_overall(runs: list[tuple[str, SimulationResult]]) -> str:
    """One sentence: total shortfall person-days and unmet cost per scenario."""
    text = "; ".join(f"{label_words(label)}: {totals_phrase(r)}" for label, r in runs) + "."
    return text[:1].upper() + text[1:]


def totals_phrase(r: SimulationResult) -> str:
    """One scenario's totals: '3 of 4 commodities short, 6,542,010 person-days, US$1,366,131 unmet'."""
    cs = r.summary["commodities"].values()
    person_days = sum(c["shortfall_person_days"] for c in cs)
    unmet = sum(c["unmet_cost_usd"] for c in cs)
    short = sum(1 for c in cs if c["shortage_days"])
    return f"{short} of {len(cs)} commodities short, {num(person_days)} person-days, US${num(unmet)} unmet"


def compare_markdown(runs: list[tuple[str, SimulationResult]]) -> str:
    """compare.md: the headline and side-by-side tables."""
    labels = [label for label, _ in runs]
    names = commodities_of(runs)
    lines = [f"# Comparison: {' vs '.join(labels)}", "", *compare_preamble(runs), compare_overall(runs), ""]
    lines += [f"- {sentence}" for sentence in compare_headlines(runs)]
    metrics = [
        ("Shortfall (person-days)", "shortfall_person_days", lambda v: num(v)),
        ("First shortage", "first_shortage_date", lambda v: v or "none"),
        ("Shortage days", "shortage_days", count),
        ("Coverage", "coverage", lambda v: f"{v:.1%}"),
        ("Unmet cost (US$)", "unmet_cost_usd", lambda v: num(v)),
    ]
    for title, key, fmt in metrics:
        lines += ["", f"## {title}", "", "| commodity | " + " | ".join(labels) + " |",
                  "|---|" + "---:|" * len(labels)]  # fmt: skip
        for name in names:
            cells = []
            for _, r in runs:
                c = r.summary["commodities"].get(name)
                cells.append("absent" if c is None else fmt(c[key]))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += against_first_table(runs, labels, names)
    lines += [
        "",
        "Per-scenario rows with every metric: compare.csv (with HXL hashtags: compare.hxl.csv). "
        "Charts: *.png (*.svg too with --svg); all of it: report.html.",
        "",
    ]
    if any("camps" in r.summary for _, r in runs):  # camp networks: the figures above are the networks' totals
        lines[-2:] = ["These are the networks' totals; compare.csv has a row per camp too. Charts (each network's "
                      "map, person-days short per camp): *.png (*.svg too with --svg); all of it: report.html.",
                      ""]  # fmt: skip
    return "\n".join(lines)


def compare_table_text(runs: list[tuple[str, SimulationResult]]) -> str:
    """A compact terminal table: one row per commodity and scenario."""
    names = commodities_of(runs)
    header = (
        "commodity",
        "scenario",
        "coverage",
        "short days",
        "first short",
        "person-days short",
        "unmet US$",
    )
    rows = []
    for name in names:
        for label, r in runs:
            c = r.summary["commodities"].get(name)
            if c is None:
                rows.append((name, label, "absent", "", "", "", ""))
                continue
            cell = Cells.of(r.summary, name, short=True)
            rows.append((name, label, cell("coverage", lambda v: f"{v:.1%}"),
                         cell("shortage_days", day_count(r.summary)), c["first_shortage_date"] or "-",
                         cell("shortfall_person_days"), cell("unmet_cost_usd")))  # fmt: skip
    n = max(r.summary.get("replications", 1) for _, r in runs)
    means = [f"means of {n:,} replications each (P10–P90 in brackets; first short: the median date)"] if n > 1 else []
    return "\n".join([*overrides_lines(runs, bullet=""), *means, table(header, rows, left=2)])


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def show(value: Any) -> str:
    """A varied value for people: 0.62, 3000000, monthly."""
    return f"{value:g}" if is_number(value) else str(value)


def curve_ends(table: pd.DataFrame, key: str) -> tuple[tuple[Any, float], tuple[Any, float]]:
    """(value, total shortfall person-days) at the first and last value of ``key``, in grid order."""
    totals = table.groupby(key, sort=False)["shortfall_person_days"].sum()
    if all(is_number(v) for v in totals.index):
        totals = totals.sort_index()
    return (totals.index[0], float(totals.iloc[0])), (totals.index[-1], float(totals.iloc[-1]))


def against_first_table(runs: list[tuple[str, SimulationResult]], labels: list[str], names: list[str]) -> list[str]:
    """compare.md's table against the first scenario: the change in person-days short and, where some
    were averted, the extra funding received per person-day averted (as compare.csv's columns)."""
    if len(runs) < 2:
        return []
    first = runs[0][1].summary["commodities"]
    lines = ["", f"## Against {labels[0]}", "",
             "Person-days short against the first scenario; where fewer, the extra funding received per "
             "person-day averted.", "", "| commodity | " + " | ".join(labels[1:]) + " |",
             "|---|" + "---:|" * (len(labels) - 1)]  # fmt: skip
    for name in names:
        cells = []
        for _, r in runs[1:]:
            c, ref = r.summary["commodities"].get(name), first.get(name)
            if c is None or ref is None:
                cells.append("absent")
                continue
            change = c["shortfall_person_days"] - ref["shortfall_person_days"]
            cell = f"{'+' if change > 0 else ''}{num(change)}"
            if change < 0:
                cell += f" (US${(c['received_usd'] - ref['received_usd']) / -change:,.2f} each)"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines
