"""A camp network's report folder: summary.json, summary.md, daily.csv, daily.hxl.csv, warehouses.csv, events.csv.

The network's charts and HTML page (map, per-camp cover, warehouse and route use) are not
built yet; the folder holds the tables and the words, and says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from campsim.report.folders import write_folder
from campsim.report.hxlout import network_daily_hxl
from campsim.report.text import _count, _num, _table
from campsim.results.run import NetworkResult


def network_table(summary: dict[str, Any]) -> str:
    """The terminal table: one row per camp and commodity, then the network totals."""
    header = ("camp", "commodity", "coverage", "short days", "first short", "min ration", "person-days short")
    rows = []
    for camp, site in summary["camps"].items():
        for name, c in site["commodities"].items():
            first = c["first_shortage_date"] or "-"
            rows.append((camp, name, f"{c['coverage']:.1%}", _count(c["shortage_days"]), first,
                         f"{c['min_ration']:.0%}", _num(c["shortfall_person_days"])))  # fmt: skip
    for name, c in summary["commodities"].items():
        rows.append(("(network)", name, f"{c['coverage']:.1%}", _count(c["shortage_days"]),
                     c["first_shortage_date"] or "-", f"{c['min_ration']:.0%}",
                     _num(c["shortfall_person_days"])))  # fmt: skip
    pop, fund = summary["population"], summary["funding"]
    return "\n".join([
        f"{summary['scenario']}: {summary['days']} days from {summary['start']}, {len(summary['camps'])} camps, "
        f"population {_num(pop['initial'])} -> peak {_num(pop['peak'])}, turned away {_num(pop['turned_away'])}",
        _table(header, rows, left=2),
        f"funding: US${_num(fund['received_usd'])} received of US${_num(fund['requirement_usd'])} required, "
        f"US${_num(fund['spent_usd'])} spent",
    ])  # fmt: skip


def network_markdown(summary: dict[str, Any]) -> str:
    """summary.md: the network's shortages in words and tables, camp by camp."""
    lines = [
        f"# {summary['scenario']}",
        "",
        f"{summary['days']} days from {summary['start']}; seed {summary['seed']}.",
        "",
    ]
    # camps and commodities in file order, so that ties go to the first listed
    short = [(c["shortfall_person_days"], camp, name, c, n) for n, (camp, name, c) in enumerate(
        (camp, name, c) for camp, site in summary["camps"].items() for name, c in site["commodities"].items())
        if c["shortage_days"]]  # fmt: skip
    worst = sorted(short, key=lambda row: (-row[0], row[4]))
    if worst:
        first = min(worst, key=lambda row: (row[3]["first_shortage_day"], row[4]))
        lines.append(f"First short: {first[1]}, {first[2]}, from {first[3]['first_shortage_date']} "
                     f"({first[3]['first_shortage_cause']}).")  # fmt: skip
        lines.append(f"Worst: {worst[0][1]}, {worst[0][2]}: {_num(worst[0][0])} person-days short.")
    else:
        lines.append("No camp went short of anything.")
    names = list(summary["commodities"])
    lines += ["", "## Person-days short, camps x commodities", "", "| camp | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]  # fmt: skip
    for camp, site in summary["camps"].items():
        cells = [_num(site["commodities"][n]["shortfall_person_days"]) if n in site["commodities"] else "-"
                 for n in names]  # fmt: skip
        lines.append(f"| {camp} | " + " | ".join(cells) + " |")
    lines += ["", "## Warehouses", "", "| warehouse | commodity | received | dispatched | end stock | short days |",
              "|---|---|---:|---:|---:|---:|"]  # fmt: skip
    for name, site in summary["warehouses"].items():
        for item, w in site["commodities"].items():
            lines.append(f"| {name} | {item} | {_num(w['received'])} | {_num(w['dispatched'])} "
                         f"| {_num(w['end_stock'])} | {w['short_days']} |")  # fmt: skip
    lines += ["", "## Routes", "", "| route | shipped (kg) | transport (US$) | days at capacity | days closed |",
              "|---|---:|---:|---:|---:|"]  # fmt: skip
    for name, r in summary["routes"].items():
        lines.append(f"| {name} | {_num(r['shipped_kg'])} | {_num(r['transport_usd'])} | {r['days_at_capacity']} "
                     f"| {r['closed_days']} |")  # fmt: skip
    lines += ["", "The network's charts and HTML page are not built yet: this folder holds its tables "
              "(daily.csv, warehouses.csv, events.csv) and summary.json."]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_network_report(result: NetworkResult, out_dir: str | Path, force: bool = False) -> Path:
    """Write a network run's report folder atomically, like every report."""

    def fill(folder: Path) -> None:
        (folder / "summary.json").write_text(json.dumps(result.summary, indent=2, allow_nan=False) + "\n")
        (folder / "summary.md").write_text(network_markdown(result.summary))
        result.daily.to_csv(folder / "daily.csv", index=False, na_rep="", lineterminator="\n")
        result.warehouses.to_csv(folder / "warehouses.csv", index=False, na_rep="", lineterminator="\n")
        (folder / "daily.hxl.csv").write_text(network_daily_hxl(result.scenario, result.daily))
        result.events.to_csv(folder / "events.csv", index=False, na_rep="", lineterminator="\n")
        if result.daily_quantiles is not None:  # replications
            result.daily_quantiles.to_csv(folder / "daily_quantiles.csv", index=False, na_rep="", lineterminator="\n")
            result.p_shortage_by_date.to_csv(folder / "p_shortage_by_date.csv", index=False, lineterminator="\n")

    return write_folder(out_dir, fill, force)
