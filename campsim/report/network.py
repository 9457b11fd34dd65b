"""A camp network's report folder: summary.json, summary.md, daily.csv, daily.hxl.csv, warehouses.csv,
events.csv, the charts (map, days of cover per camp, warehouse stock, route use) and report.html.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from campsim.report.csvsafe import write_csv
from campsim.report.folders import write_folder
from campsim.report.hxlout import network_daily_hxl
from campsim.report.network_page import render_run, shortage_headline
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


def network_markdown(summary: dict[str, Any], headline: list[str] | None = None) -> str:
    """summary.md: the network's shortages in words and tables, camp by camp (``headline``: shortage_headline's)."""
    lines = [
        f"# {summary['scenario']}",
        "",
        f"{summary['days']} days from {summary['start']}; seed {summary['seed']}.",
        "",
    ]
    lines += shortage_headline(summary) if headline is None else headline
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
    return "\n".join(lines) + "\n"


def write_network_report(
    result: NetworkResult,
    out_dir: str | Path,
    force: bool = False,
    charts: bool = True,
    chart_workers: int | None = None,
) -> Path:
    """Write a network run's report folder atomically, like every report.

    ``chart_workers`` caps the processes that render charts (default: chartfiles.chart_workers()).
    """

    def fill(folder: Path) -> None:
        headline = shortage_headline(result.summary)  # one wording for summary.md and report.html
        (folder / "summary.json").write_text(json.dumps(result.summary, indent=2, allow_nan=False) + "\n")
        (folder / "summary.md").write_text(network_markdown(result.summary, headline))
        write_csv(result.daily, folder / "daily.csv", na_rep="")
        write_csv(result.warehouses, folder / "warehouses.csv", na_rep="")
        (folder / "daily.hxl.csv").write_text(network_daily_hxl(result.scenario, result.daily))
        write_csv(result.events, folder / "events.csv", na_rep="")
        if result.daily_quantiles is not None:  # replications
            write_csv(result.daily_quantiles, folder / "daily_quantiles.csv", na_rep="")
            write_csv(result.p_shortage_by_date, folder / "p_shortage_by_date.csv")
        pngs = {}
        if charts:  # matplotlib only when charts are wanted
            from campsim.report import chartfiles, network_charts

            written = chartfiles.write_charts([(result.scenario.name, result)], folder, chart_workers,
                                              network_charts.RUN_CHARTS)  # fmt: skip
            pngs = {name: paths[0] for name, paths in written.items()}
        (folder / "report.html").write_text(render_run(result, pngs, headline), encoding="utf-8")

    return write_folder(out_dir, fill, force)
