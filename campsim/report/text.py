"""Words for people: headline sentences, summary.md, compare.md and the terminal tables.

Everything here is plain text built from summary dicts; no model runs, no files written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from datetime import date
from typing import Any

from campsim.results.run import SimulationResult, commodities_of


def _num(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def _count(x: float) -> str:
    """A count, or a mean of counts over replications (one decimal)."""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _days(n: float) -> str:
    return "1 day" if n == 1 else f"{_count(n)} days"


def solve_sentence(summary: dict[str, Any]) -> str:
    """The solver's figure for the money that prevents the shortage, if a solve was run."""
    solved = summary.get("solve")
    if not solved:
        return ""
    cost = solved.get("cost_usd")
    money = f"US${_num(cost)} more than this scenario's funding" if cost is not None else "no funding figure"
    return (
        f" Setting {solved['key']} to {solved['value']:.4g} would meet {' and '.join(solved['targets'])}: "
        f"{money} (campsim solve, {_num(solved['replications'])} replications)."
    )


def overall(summary: dict[str, Any]) -> str:
    """One sentence across commodities (and the solver's figure when there is one)."""
    return _overall(summary) + solve_sentence(summary)


def _overall(summary: dict[str, Any]) -> str:
    commodities = summary["commodities"]
    short = [name for name, c in commodities.items() if c["shortage_days"]]
    if not short:
        return "Every commodity met the standard on every day."
    firsts = sorted((c["first_shortage_date"], name) for name, c in commodities.items() if c["shortage_days"])
    unmet = sum(c["unmet_cost_usd"] for c in commodities.values())
    return (
        f"{len(short)} of {len(commodities)} commodities fell below the standard "
        f"({', '.join(short)}); the first was {firsts[0][1]} on {firsts[0][0]}. "
        f"The unmet need would have cost US${_num(unmet)}; "
        f"funding received US${_num(summary['funding']['received_usd'])} "
        f"of US${_num(summary['funding']['requirement_usd'])} required."
    )


def headline(name: str, c: dict[str, Any]) -> str:
    """One sentence: who went short of what, from when, for how long, and the cost."""
    if not c["shortage_days"]:
        return f"**{name}**: the standard was met every day (coverage {c['coverage']:.0%})."
    parts = [
        f"**{name}**: below the standard on {c['shortage_days']} days from "
        f"{c['first_shortage_date']} (longest run {_days(c['longest_shortage_days'])}), "
        f"{_num(c['shortfall_person_days'])} person-days short; lowest ration {c['min_ration']:.0%}."
    ]
    if c["ration_cut_days"]:
        parts.append(f"Ration cut on {c['ration_cut_days']} days from {c['first_ration_cut_date']}.")
    if c["pipeline_breaks"]:
        breaks = ", ".join(f"{b['start']} ({_days(b['days'])})" for b in c["pipeline_breaks"][:6])
        more = f" and {len(c['pipeline_breaks']) - 6} more" if len(c["pipeline_breaks"]) > 6 else ""
        parts.append(f"Pipeline breaks from {breaks}{more}.")
    parts.append(f"Unmet need {_num(c['shortfall'])} {c['unit']}, worth US${_num(c['unmet_cost_usd'])}.")
    return " ".join(parts)


def summary_markdown(summary: dict[str, Any], result: SimulationResult | None = None) -> str:
    """The human-readable shortage report."""
    pop, fund = summary["population"], summary["funding"]
    source = result.scenario.source if result is not None else None
    mode = "deterministic (expected values)" if summary.get("deterministic") else f"seed {summary['seed']}"
    lines = [
        f"# Shortage report: {summary['scenario']}",
        "",
        f"{summary['days']} days from {summary['start']} to {summary['end']}; {mode}"
        + (f"; scenario file `{source}`" if source else "")
        + ".",
        "",
        "## Headline",
        "",
        overall(summary),
        "",
        *[f"- {headline(name, c)}" for name, c in summary["commodities"].items()],
        "",
        "## Shortages by commodity",
        "",
        "| commodity | coverage | shortage days | first shortage | longest run (days) | "
        "lowest ration | person-days short | unmet need | unmet cost (US$) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, c in summary["commodities"].items():
        lines.append(
            f"| {name} | {c['coverage']:.1%} | {c['shortage_days']} | {c['first_shortage_date'] or '-'} "
            f"| {c['longest_shortage_days']} | {c['min_ration']:.0%} | {_num(c['shortfall_person_days'])} "
            f"| {_num(c['shortfall'])} {c['unit']} | {_num(c['unmet_cost_usd'])} |"
        )
    lines += [
        "",
        "## Pipeline breaks (stock could not cover the planned distribution)",
        "",
    ]
    any_break = False
    for name, c in summary["commodities"].items():
        for b in c["pipeline_breaks"]:
            any_break = True
            lines.append(f"- {name}: {b['start']} to {b['end']} ({_days(b['days'])})")
    if not any_break:
        lines.append("- none: every shortage, if any, was a ration cut made while stock lasted.")
    lines += [
        "",
        "## Population",
        "",
        f"{_num(pop['initial'])} people at the start, {_num(pop['arrivals'])} arrivals, "
        f"{_num(pop['departures'])} departures; peak {_num(pop['peak'])}, final {_num(pop['final'])}.",
        "",
        "## Funding (US$)",
        "",
        "| commodity | requirement | received | spent | balance |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, c in summary["commodities"].items():
        lines.append(
            f"| {name} | {_num(c['requirement_usd'])} | {_num(c['received_usd'])} "
            f"| {_num(c['spent_usd'])} | {_num(c['balance_usd'])} |"
        )
    lines.append(
        f"| **all** | {_num(fund['requirement_usd'])} | {_num(fund['received_usd'])} "
        f"| {_num(fund['spent_usd'])} | {_num(fund['balance_usd'])} |"
    )
    lines += [
        "",
        "## Stock balance",
        "",
        "| commodity | unit | initial stock | received | distributed | spoiled | overflow | end stock | in pipeline |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in summary["commodities"].items():
        lines.append(
            f"| {name} | {c['unit']} | {_num(c['initial_stock'])} | {_num(c['received'])} "
            f"| {_num(c['distributed'])} | {_num(c['spoiled'])} | {_num(c['overflow'])} "
            f"| {_num(c['end_stock'])} | {_num(c['end_pipeline'])} |"
        )
    lines += [
        "",
        "## How to read this",
        "",
        "- A *shortage day* is a day on which people received less than the standard: either a "
        "ration cut (a policy choice while stock lasts) or a *pipeline break* (stock could not "
        "cover even the planned, possibly cut, distribution).",
        "- *Person-days short* weighs each day by the people it touched: 1,000 people on a half "
        "ration for a day are 500 person-days. For household kits it counts people in households "
        "still waiting for their kit.",
        "- *Unmet cost* is what the undistributed need would have cost at the unit price.",
        "- Daily figures are in `daily.csv` (one row per day with HXL hashtags: `daily.hxl.csv`), every order, "
        "delivery, tranche, ration change and stock-out in `events.csv`; semantics in docs/semantics.md.",
        "",
    ]
    return "\n".join(lines)


def summary_table(summary: dict[str, Any]) -> str:
    """A compact plain-text table for the terminal."""
    header = ("commodity", "coverage", "short days", "first short", "longest", "min ration",
              "person-days short", "unmet US$")  # fmt: skip
    rows = [
        (
            name,
            f"{c['coverage']:.1%}",
            _count(c["shortage_days"]),
            c["first_shortage_date"] or "-",
            _count(c["longest_shortage_days"]),
            f"{c['min_ration']:.0%}",
            _num(c["shortfall_person_days"]),
            _num(c["unmet_cost_usd"]),
        )
        for name, c in summary["commodities"].items()
    ]
    fund = summary["funding"]
    pop = summary["population"]
    return "\n".join(
        [
            f"{summary['scenario']}: {summary['days']} days from {summary['start']}, "
            f"population {_num(pop['initial'])} -> peak {_num(pop['peak'])}",
            _table(header, rows),
            f"funding: US${_num(fund['received_usd'])} received of US${_num(fund['requirement_usd'])} "
            f"required, US${_num(fund['spent_usd'])} spent",
        ]
    )


def _date_words(iso: str) -> str:
    """2017-10-02 -> 2 October 2017."""
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def standard_phrase(spec: Any) -> str:
    """What 'the standard' is for a commodity, in words."""
    if spec.per_household:
        return f"{spec.per_new_household:g} {spec.unit} per arriving household"
    return f"{spec.per_person_day:g} {spec.unit} per person per day"


def prose(name: str) -> str:
    """A commodity key as words: household_kits -> household kits."""
    return name.replace("_", " ")


def shortage_sentence(name: str, c: dict[str, Any], spec: Any) -> str:
    """Who goes short of what, from when (ration cut or pipeline break), for how long, at what cost."""
    name = prose(name)
    if not c["shortage_days"]:
        return f"{name[0].upper()}{name[1:]} meets the standard ({standard_phrase(spec)}) every day."
    if spec.per_household:
        who = f"arriving households wait for {name} (up to {_num(c['peak_people_short'])} people at once)"
    else:
        who = f"{name} falls below {standard_phrase(spec)} for up to {_num(c['peak_people_short'])} people"
    return (
        f"{who[0].upper()}{who[1:]} from {_date_words(c['first_shortage_date'])} "
        f"(a {c['first_shortage_cause']}), on {_days(c['shortage_days'])} "
        f"(longest run {_days(c['longest_shortage_days'])}); "
        f"the unmet need would have cost US${_num(c['unmet_cost_usd'])}."
    )


def run_headlines(result: SimulationResult) -> list[str]:
    """One sentence per commodity, the ones that went short first, earliest first."""
    commodities = result.summary["commodities"]
    order = sorted(
        commodities,
        key=lambda n: (
            commodities[n]["first_shortage_day"] is None,
            commodities[n]["first_shortage_day"] or 0,
        ),
    )
    return [shortage_sentence(n, commodities[n], result.scenario.commodities[n]) for n in order]


def compare_headlines(runs: list[tuple[str, SimulationResult]]) -> list[str]:
    """Per commodity, what each scenario gives: 'At A, water falls below ... ; at B it never does.'"""
    names = commodities_of(runs)
    sentences = []
    for name in names:
        parts = []
        for label, r in runs:
            c = r.summary["commodities"].get(name)
            if c is None:
                parts.append(f"{label}: not in this scenario")
            elif not c["shortage_days"]:
                parts.append(f"{label}: never short")
            else:
                people = "people waiting" if c["kind"] == "per_new_household" else "people"
                parts.append(
                    f"{label}: short from {_date_words(c['first_shortage_date'])} "
                    f"({c['first_shortage_cause']}) for up to {_num(c['peak_people_short'])} {people}, "
                    f"{_days(c['shortage_days'])}, {_num(c['shortfall_person_days'])} person-days, "
                    f"US${_num(c['unmet_cost_usd'])} unmet"
                )
        words = prose(name)
        sentences.append(f"{words[0].upper()}{words[1:]}: " + "; ".join(parts) + ".")
    return sentences


def compare_overall(runs: list[tuple[str, SimulationResult]]) -> str:
    """One sentence: total shortfall person-days and unmet cost per scenario."""
    parts = []
    for label, r in runs:
        cs = r.summary["commodities"].values()
        person_days = sum(c["shortfall_person_days"] for c in cs)
        unmet = sum(c["unmet_cost_usd"] for c in cs)
        short = sum(1 for c in cs if c["shortage_days"])
        parts.append(
            f"{label}: {short} of {len(cs)} commodities short, {_num(person_days)} person-days, US${_num(unmet)} unmet"
        )
    return "; ".join(parts) + "."


def compare_markdown(runs: list[tuple[str, SimulationResult]]) -> str:
    """compare.md: the headline and side-by-side tables."""
    labels = [label for label, _ in runs]
    names = commodities_of(runs)
    lines = [f"# Comparison: {' vs '.join(labels)}", "", compare_overall(runs), ""]
    lines += [f"- {sentence}" for sentence in compare_headlines(runs)]
    metrics = [
        ("Shortfall (person-days)", "shortfall_person_days", lambda v: _num(v)),
        ("First shortage", "first_shortage_date", lambda v: v or "none"),
        ("Shortage days", "shortage_days", str),
        ("Coverage", "coverage", lambda v: f"{v:.1%}"),
        ("Unmet cost (US$)", "unmet_cost_usd", lambda v: _num(v)),
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
    lines += [
        "",
        "Per-scenario rows with every metric: compare.csv (with HXL hashtags: compare.hxl.csv). "
        "Charts: *.png, *.svg; all of it: report.html.",
        "",
    ]
    if any("camps" in r.summary for _, r in runs):  # camp networks: the figures above are the networks' totals
        lines[-2:] = ["These are the networks' totals; compare.csv has a row per camp too. Charts (each network's "
                      "map, person-days short per camp): *.png, *.svg; all of it: report.html.", ""]  # fmt: skip
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
            rows.append((name, label, f"{c['coverage']:.1%}", str(c["shortage_days"]),
                         c["first_shortage_date"] or "-", _num(c["shortfall_person_days"]),
                         _num(c["unmet_cost_usd"])))  # fmt: skip
    return _table(header, rows, left=2)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 1) -> str:
    """Plain-text table; the first ``left`` columns left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if i < left else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )

    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *[fmt(r) for r in rows]])


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
