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
from campsim.report.terminal import printable
from campsim.report.text import Cells, _count, _num, _table, day_count, ration
from campsim.report.wording import overrides_line, replicated
from campsim.results.run import NetworkResult


def network_table(summary: dict[str, Any]) -> str:
    """The terminal table: one row per camp and commodity, then the network totals."""
    n = replicated(summary)
    header = ("camp", "commodity", "coverage", "short days", "first short" + (" (median)" if n > 1 else ""),
              "min ration", "person-days short")  # fmt: skip
    days_fmt = day_count(summary)
    rows = [
        (camp, name, cell("coverage", lambda v: f"{v:.1%}"), cell("shortage_days", days_fmt),
         cell.c["first_shortage_date"] or "-", cell("min_ration", ration(cell.c)), cell("shortfall_person_days"))
        for camp, name, cell in _cells(summary, short=True)
    ]  # fmt: skip
    pop, fund = summary["population"], summary["funding"]
    changed = [printable(overrides_line(summary))] if overrides_line(summary) else []
    if n > 1:
        changed.append(f"mean of {n:,} replications (P10–P90 in brackets; first short: the median date)")
    return "\n".join([
        f"{printable(summary['scenario'])}: {summary['days']} days from {summary['start']}, "
        f"{len(summary['camps'])} camps, population {_num(pop['initial'])} -> peak {_num(pop['peak'])}, "
        f"turned away {_num(pop['turned_away'])}",
        *changed,
        _table(header, rows, left=2),
        f"funding: US${_num(fund['received_usd'])} received of US${_num(fund['requirement_usd'])} required, "
        f"US${_num(fund['spent_usd'])} spent" + (" (means)" if n > 1 else ""),
    ])  # fmt: skip


def _cells(summary: dict[str, Any], short: bool = False) -> list[tuple[str, str, Cells]]:
    """(camp, commodity, its cells) per camp and commodity, then the network's totals as "(network)"."""
    spread = summary.get("uncertainty") if replicated(summary) > 1 else None
    camps = (spread or {}).get("camps", {})
    out = [(camp, name, Cells(c, camps.get(camp, {}).get("commodities", {}).get(name) if spread else None, short))
           for camp, site in summary["camps"].items() for name, c in site["commodities"].items()]  # fmt: skip
    totals = summary["commodities"].items()
    out += [("(network)", name, Cells(c, (spread or {}).get(name), short)) for name, c in totals]
    return out


def network_markdown(summary: dict[str, Any], headline: list[str] | None = None) -> str:
    """summary.md: the network's shortages in words and tables, camp by camp (``headline``: shortage_headline's)."""
    lines = [
        f"# {summary['scenario']}",
        "",
        *(
            [
                f"**{overrides_line(summary)}** (the title is the scenario file's name; these overrides change the "
                "scenario it describes)",
                "",
            ]
            if overrides_line(summary)
            else []
        ),
        f"{summary['days']} days from {summary['start']}; seed {summary['seed']}"
        + (f"; mean of {replicated(summary):,} replications" if replicated(summary) > 1 else "")
        + ".",
        "",
    ]
    if replicated(summary) > 1:
        lines += [f"Every figure is the mean of {replicated(summary):,} replications (P10–P90 in brackets where "
                  "known); a first shortage is the median date; daily.csv, warehouses.csv and events.csv are "
                  "replication 0's.", ""]  # fmt: skip
    lines += shortage_headline(summary) if headline is None else headline
    names = list(summary["commodities"])
    lines += ["", "## Person-days short, camps x commodities", "", "| camp | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]  # fmt: skip
    by_camp = {(camp, name): cell for camp, name, cell in _cells(summary)}
    for camp in summary["camps"]:
        cells = [by_camp[camp, n]("shortfall_person_days") if (camp, n) in by_camp else "-" for n in names]
        lines.append(f"| {camp} | " + " | ".join(cells) + " |")
    means = " (means)" if replicated(summary) > 1 else ""
    lines += ["", "## Warehouses" + means, "",
              "| warehouse | commodity | received | dispatched | end stock | short days |",
              "|---|---|---:|---:|---:|---:|"]  # fmt: skip
    for name, site in summary["warehouses"].items():
        for item, w in site["commodities"].items():
            lines.append(f"| {name} | {item} | {_num(w['received'])} | {_num(w['dispatched'])} "
                         f"| {_num(w['end_stock'])} | {_count(round(w['short_days'], 1))} |")  # fmt: skip
    lines += ["", "## Routes" + means, "",
              "| route | shipped (kg) | transport (US$) | days at capacity | days closed |",
              "|---|---:|---:|---:|---:|"]  # fmt: skip
    for name, r in summary["routes"].items():
        full, closed = _count(round(r["days_at_capacity"], 1)), _count(round(r["closed_days"], 1))
        lines.append(f"| {name} | {_num(r['shipped_kg'])} | {_num(r['transport_usd'])} | {full} | {closed} |")
    return "\n".join(lines) + "\n"


def write_network_report(
    result: NetworkResult,
    out_dir: str | Path,
    force: bool = False,
    charts: bool = True,
    chart_workers: int | None = None,
    svg: bool = False,
    progress: bool = False,
) -> Path:
    """Write a network run's report folder atomically, like every report.

    ``chart_workers`` caps the processes that render charts (default: chartfiles.chart_workers());
    ``svg`` writes each chart as SVG too; ``progress`` shows a bar of the charts on a terminal.
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
                                              network_charts.RUN_CHARTS, svg, progress)  # fmt: skip
            pngs = {name: paths[0] for name, paths in written.items()}
        (folder / "report.html").write_text(render_run(result, pngs, headline), encoding="utf-8")

    return write_folder(out_dir, fill, force)
