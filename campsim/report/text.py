"""Words for people: summary.md and the terminal table of a run (the headline's sentences are in
headline.py, a comparison's words in compare_text.py; both re-exported here).

Everything here is plain text built from summary dicts; no model runs, no files written. A
replicated run's figures are means: every table says so and gives the P10–P90 range beside
each mean; days are counted to one decimal.
"""

from __future__ import annotations

from typing import Any

from campsim.report.compare_text import (  # noqa: F401 (re-exported: the words' one address)
    compare_headlines,
    compare_markdown,
    compare_overall,
    compare_table_text,
    curve_ends,
    is_number,
    show,
)
from campsim.report.headline import headlines, overall, solve_sentence, standard_phrase  # noqa: F401
from campsim.report.terminal import printable
from campsim.report.wording import (  # noqa: F401
    Cells,
    count,
    day_count,
    days,
    is_kit,
    num,
    overrides_line,
    plural,
    prose,
    ration,
    replicated,
    table,
)
from campsim.results.run import SimulationResult

# the names this module had before the split, kept for the modules that import them
_num, _count, _days, _table = num, count, days, table


def run_headlines(result: SimulationResult) -> list[str]:
    """One sentence per commodity, the most severe first."""
    return headlines(result.summary, result.scenario.commodities)


def summary_markdown(summary: dict[str, Any], result: SimulationResult | None = None) -> str:
    """The human-readable shortage report."""
    fund = summary["funding"]
    n = replicated(summary)
    source = result.scenario.source if result is not None else None
    specs = result.scenario.commodities if result is not None else None
    mode = "deterministic (expected values)" if summary.get("deterministic") else f"seed {summary['seed']}"
    changed = overrides_line(summary)
    lines = [f"# Shortage report: {summary['scenario']}", ""]
    if changed:  # right under the title: the name is the file's, and these change what it says
        lines += [f"**{changed}** (the title is the scenario file's name; these overrides change the scenario "
                  "it describes)", ""]  # fmt: skip
    lines += [
        f"{summary['days']} days from {summary['start']} to {summary['end']}; {mode}"
        + (f"; mean of {n:,} replications" if n > 1 else "")
        + (f"; scenario file `{source}`" if source else "")
        + ".",
        "",
    ]
    if n > 1:
        lines += [f"Every figure is the mean of {n:,} replications, with its P10–P90 range in brackets; a first "
                  "shortage is the median date. daily.csv, events.csv and the pipeline breaks listed below are "
                  "replication 0's.", ""]  # fmt: skip
    lines += ["## Headline", "", overall(summary), ""]
    lines += [f"- {sentence}" for sentence in headlines(summary, specs)]
    days_fmt = day_count(summary)
    lines += [
        "",
        "## Shortages by commodity",
        "",
        "| commodity | coverage (kits: delivered by the end) | shortage days | first shortage"
        + (" (median)" if n > 1 else "")
        + " | longest run (days) | lowest ration | person-days short (kits: waiting) | unmet need | unmet cost (US$) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, c in summary["commodities"].items():
        cell = Cells.of(summary, name)
        lines.append(
            f"| {name} | {cell('coverage', lambda v: f'{v:.1%}')} | {cell('shortage_days', days_fmt)} "
            f"| {c['first_shortage_date'] or '-'} | {cell('longest_shortage_days', days_fmt)} "
            f"| {cell('min_ration', ration(c))} | {cell('shortfall_person_days')} "
            f"| {cell('shortfall', unit=c['unit'])} | {cell('unmet_cost_usd')} |"
        )
    lines += _breaks(summary)
    lines += [
        "",
        "## Population",
        "",
        _population_words(summary),
        "",
        "## Funding (US$)",
        "",
        "| commodity | requirement | received | spent | balance |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, c in summary["commodities"].items():
        cell = Cells.of(summary, name)
        derived = " (derived from the expected need)" if c.get("requirement_source") not in (None, "file") else ""
        lines.append(f"| {name} | {cell('requirement_usd')}{derived} | {cell('received_usd')} | {cell('spent_usd')} "
                     f"| {cell('balance_usd')} |")  # fmt: skip
    total = " (sums of the means)" if n > 1 else ""
    lines.append(
        f"| **all**{total} | {num(fund['requirement_usd'])} | {num(fund['received_usd'])} "
        f"| {num(fund['spent_usd'])} | {num(fund['balance_usd'])} |"
    )
    lines += [
        "",
        "## Stock balance",
        "",
        "| commodity | unit | initial stock | received | distributed | spoiled | overflow | end stock | in pipeline |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in summary["commodities"].items():
        cell = Cells.of(summary, name)
        lines.append(
            f"| {name} | {c['unit']} | {cell('initial_stock')} | {cell('received')} | {cell('distributed')} "
            f"| {cell('spoiled')} | {cell('overflow')} | {cell('end_stock')} | {cell('end_pipeline')} |"
        )
    lines += _how_to_read()
    return "\n".join(lines)


def _breaks(summary: dict[str, Any]) -> list[str]:
    """The pipeline breaks, named as replication 0's where the figures above are means."""
    rep0 = " in replication 0" if replicated(summary) > 1 else ""
    lines = ["", f"## Pipeline breaks{rep0} (stock could not cover the planned distribution)", ""]
    found = False
    for name, c in summary["commodities"].items():
        for b in c["pipeline_breaks"]:
            found = True
            lines.append(f"- {name}: {b['start']} to {b['end']} ({days(b['days'])})")
    if not found:
        lines.append("- none: every shortage, if any, was a ration cut made while stock lasted.")
    return lines


def _population_words(summary: dict[str, Any]) -> str:
    pop = summary["population"]
    spread = summary.get("population_uncertainty") if replicated(summary) > 1 else None

    def fig(key: str) -> str:
        q = (spread or {}).get(key)
        return num(pop[key]) + (f" (P10–P90 {num(q['p10'])}–{num(q['p90'])})" if q else "")

    return (f"{num(pop['initial'])} people at the start, {fig('arrivals')} arrivals, {fig('departures')} departures; "
            f"peak {fig('peak')}, final {fig('final')}.")  # fmt: skip


def _how_to_read() -> list[str]:
    return [
        "",
        "## How to read this",
        "",
        "- A *shortage day* is a day on which people received less than the standard: either a "
        "ration cut (a policy choice while stock lasts) or a *pipeline break* (stock could not "
        "cover even the planned, possibly cut, distribution); a pipeline break is *funds exhausted* "
        "when the last order before it was cut because the money had run out.",
        "- *Person-days short* weighs each day by the people it touched: 1,000 people on a half "
        "ration for a day are 500 person-days. For household kits it counts people in households "
        "still waiting for their kit (person-days waiting), and coverage is the share delivered by the end.",
        "- *Unmet cost* is what the undistributed need would have cost at the unit price.",
        "- Daily figures are in `daily.csv` (one row per day with HXL hashtags: `daily.hxl.csv`), every order, "
        "delivery, tranche, ration change and stock-out in `events.csv`; semantics in docs/semantics.md.",
        "",
    ]


def summary_table(summary: dict[str, Any]) -> str:
    """A compact plain-text table for the terminal; a replicated run's means with their P10–P90."""
    n = replicated(summary)
    days_fmt = day_count(summary)
    header = ("commodity", "coverage", "short days", "first short" + (" (median)" if n > 1 else ""), "longest",
              "min ration", "person-days short", "unmet US$")  # fmt: skip
    rows = []
    for name, c in summary["commodities"].items():
        cell = Cells.of(summary, name, short=True)
        rows.append((name, cell("coverage", lambda v: f"{v:.1%}"), cell("shortage_days", days_fmt),
                     c["first_shortage_date"] or "-", cell("longest_shortage_days", days_fmt),
                     cell("min_ration", ration(c)), cell("shortfall_person_days"),
                     cell("unmet_cost_usd")))  # fmt: skip
    fund, pop = summary["funding"], summary["population"]
    lines = [f"{printable(summary['scenario'])}: {summary['days']} days from {summary['start']}, "
             f"population {num(pop['initial'])} -> peak {num(pop['peak'])}"]  # fmt: skip
    if overrides_line(summary):
        lines.append(printable(overrides_line(summary)))
    if n > 1:
        lines.append(f"mean of {n:,} replications (P10–P90 in brackets; first short: the median date)")
    lines += [
        table(header, rows),
        f"funding: US${num(fund['received_usd'])} received of US${num(fund['requirement_usd'])} "
        f"required, US${num(fund['spent_usd'])} spent" + (" (means)" if n > 1 else ""),
    ]
    return "\n".join(lines)
