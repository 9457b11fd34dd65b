"""Writing a run's report folder: summary.json, summary.md, daily.csv, events.csv, charts.

The folder is written in full beside its destination and then moved into place, so a
crash or a Ctrl-C never leaves a half-written report where the old one was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from campsim.errors import OutputFolderError
from campsim.runner import SimulationResult

REPORT_FILES = ("summary.json", "summary.md", "daily.csv", "events.csv")
CHART_NAMES = ("cover", "ration", "population", "funding")


def write_report(result: SimulationResult, out_dir: str | Path, charts: bool = True) -> Path:
    """Write the report folder of one run and return its path.

    Raises:
        OutputFolderError: ``out_dir`` holds something other than a campsim report.
    """
    out = Path(out_dir)
    check_replaceable(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"{out}: cannot create the report folder: {exc.strerror}") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_files(result, staging, charts)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not an earlier campsim report (e.g. ``--out .``)."""
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / "summary.json").is_file():
        raise OutputFolderError(
            f"{out}: folder exists and is not a campsim report (no summary.json); "
            "refusing to replace it; choose another --out"
        )


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames (atomic on one file system)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    os.chmod(out, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_files(result: SimulationResult, folder: Path, charts: bool) -> None:
    summary = result.summary
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n")
    (folder / "summary.md").write_text(summary_markdown(summary, result))
    result.daily.to_csv(folder / "daily.csv", index=False, na_rep="", lineterminator="\n")
    result.events.to_csv(folder / "events.csv", index=False, na_rep="", lineterminator="\n")
    if charts:
        from campsim import charts as ch  # matplotlib only when charts are wanted

        rationing = {
            name: [step.below_days_of_cover for step in spec.rationing]
            for name, spec in result.scenario.commodities.items()
        }
        for stem, fig in ch.run_charts(result.daily, summary, rationing).items():
            ch.save(fig, folder / stem)


# --- words ---------------------------------------------------------------------------


def _num(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def overall(summary: dict[str, Any]) -> str:
    """One sentence across commodities."""
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
        "| commodity | unit | initial stock | received | distributed | spoiled | overflow "
        "| end stock | in pipeline |",
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
        "- Daily figures are in `daily.csv`, every order, delivery, tranche, ration change and "
        "stock-out in `events.csv`; semantics in docs/semantics.md.",
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
            str(c["shortage_days"]),
            c["first_shortage_date"] or "-",
            str(c["longest_shortage_days"]),
            f"{c['min_ration']:.0%}",
            _num(c["shortfall_person_days"]),
            _num(c["unmet_cost_usd"]),
        )
        for name, c in summary["commodities"].items()
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )

    fund = summary["funding"]
    pop = summary["population"]
    return "\n".join(
        [
            f"{summary['scenario']}: {summary['days']} days from {summary['start']}, "
            f"population {_num(pop['initial'])} -> peak {_num(pop['peak'])}",
            fmt(header),
            fmt(tuple("-" * w for w in widths)),
            *[fmt(r) for r in rows],
            f"funding: US${_num(fund['received_usd'])} received of US${_num(fund['requirement_usd'])} "
            f"required, US${_num(fund['spent_usd'])} spent",
        ]
    )
