"""An allocation's report folder: allocation.csv and .hxl.csv, frontier.csv, allocated.yaml,
allocate.md, charts and report.html; and its headline and terminal table."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from campsim.load.files import read_regular
from campsim.report import html as htmlreport
from campsim.report.csvsafe import write_csv
from campsim.report.folders import write_folder
from campsim.report.hxlout import _with_tags
from campsim.report.wording import table
from campsim.results.allocate import ALLOCATION_COLUMNS, AllocateResult

# allocation.csv column -> hashtag (docs/hxl.md); shares are numbers 0..1, money USD
ALLOCATION_TAGS = {
    "commodity": "#item+name",
    "requirement_usd": "#value+funding+required+usd",
    "written_share": "#indicator+funded_share+written+num",
    "written_usd": "#value+funding+written+usd",
    "flat_share": "#indicator+funded_share+flat+num",
    "flat_usd": "#value+funding+flat+usd",
    "best_share": "#indicator+funded_share+best+num",
    "best_usd": "#value+funding+best+usd",
    "objective_written": "#indicator+objective+written+num",
    "objective_flat": "#indicator+objective+flat+num",
    "objective_best": "#indicator+objective+best+num",
    "marginal_person_days_per_100k": "#indicator+marginal_person_days_per_100k+num",
}
CAPTIONS = {
    "frontier": "The objective against the budget: every commodity at the same share (flat) and the best split, "
    "each point simulated on the same replications.",
    "allocation": "Funded share per commodity: the best split next to the flat one, at this budget.",
}


def money(usd: float) -> str:
    """US$4.66 M, US$950,000."""
    return f"US${usd / 1e6:.3g} M" if abs(usd) >= 1e6 else f"US${usd:,.0f}"


def amount(x: float) -> str:
    """1.9 M, 950,000."""
    return f"{x / 1e6:.1f} M" if abs(x) >= 1e6 else f"{x:,.0f}"


def percent(share: float) -> str:
    """62%, 44.7%, 0.013%: a whole percent as such, else enough digits not to round a share to another."""
    points = share * 100
    if abs(points - round(points)) < 1e-9:
        return f"{round(points)}%"
    return f"{share:.1%}" if points >= 1 else f"{points:.2g}%"


def reference_words(result: AllocateResult) -> str:
    if result.reference == "written":
        uniform = result.written_uniform
        return f"{percent(uniform)} each" if uniform is not None else "the split as written"
    return f"a flat {percent(result.allocation['flat_share'].iloc[0])} each"


def headline(result: AllocateResult) -> str:
    """The allocation in one sentence: what it saves, and what a flat split would need to match it."""
    ref = reference_words(result)
    if result.saved <= 0:
        return (f"With {money(result.budget_usd)}, no split found does better than {ref}: "
                f"{amount(result.totals['best'])} {result.objective_words}.")  # fmt: skip
    words = f"With the same {money(result.budget_usd)} split this way instead of {ref}, "
    words += f"{amount(result.saved)} fewer {result.objective_words}; "
    if result.flat_equivalent_usd is None:
        top = result.flat_limit_share
        limit = "full funding" if top >= 1 else f"{percent(top)} of the requirement"
        return words + f"no flat split up to {limit} does as well."
    return words + f"a flat split would need {money(result.flat_equivalent_usd)} to do as well."


def meta_line(result: AllocateResult) -> str:
    n = result.replications
    runs = "1 replication" if n == 1 else f"{n:,} replications"
    return (f"budget {money(result.budget_usd)} ({result.budget_share:.1%} of the US${result.requirement_usd:,.0f} "
            f"required) · objective: {result.objective_words} · {runs} on seed {result.seed} (common random "
            f"numbers) · method: {result.method}")  # fmt: skip


def _share(x) -> str:
    return "" if x is None or x != x else f"{x:.1%}"


def _num(x) -> str:
    return "" if x is None or x != x else f"{x:,.0f}"


def table_rows(result: AllocateResult) -> list[tuple[str, ...]]:
    """One row per commodity for the terminal, allocate.md and report.html."""
    return [(r.commodity, _share(r.written_share), _share(r.flat_share), _share(r.best_share), _num(r.best_usd),
             _num(r.objective_flat), _num(r.objective_best), _num(r.marginal_person_days_per_100k) or "at cap")
            for r in result.allocation.itertuples()]  # fmt: skip


HEADER = ("commodity", "written", "flat", "best", "best US$", "objective flat", "objective best",
          "saved by next US$100k")  # fmt: skip


def terminal_text(result: AllocateResult) -> str:
    """The allocation table, the headline and what the objective leaves out, as printed."""
    lines = [table(HEADER, table_rows(result)), "", headline(result), f"method: {result.method}"]
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)


def reproduce_command(result: AllocateResult, folder: Path) -> str:
    """``campsim run`` of allocated.yaml with the same seed and replications."""
    words = ["campsim", "run", str(folder / "allocated.yaml"), "-n", str(result.replications), "--seed",
             str(result.seed)]  # fmt: skip
    return shlex.join(words)


def data_copies(result: AllocateResult) -> dict[str, str]:
    """Each data file the scenario reads -> its copy in the report folder (data/<name>, numbered when two
    files share a name). Copied, so that allocated.yaml runs from the report folder: a path leading out
    of a scenario's folder is refused without --data-root (load/files.py)."""
    out: dict[str, str] = {}
    for data in result.data_paths:
        if data.absolute in out:
            continue
        path, k = Path(data.absolute), 2
        name = path.name
        while f"data/{name}" in out.values():
            name, k = f"{path.stem}-{k}{path.suffix}", k + 1
        out[data.absolute] = f"data/{name}"
    return out


def objective_recipe(result: AllocateResult) -> str:
    """How summary.json gives the objective back."""
    weighted = {n: w for n, w in result.weights.items() if w}
    if result.objective == "critical":
        items = ", ".join(weighted)
        # with several replications the objective is the mean of each replication's product: the means only near it
        exact = "" if result.replications == 1 else " (per replication, averaged: the means give it approximately)"
        return (f"Σ over {items} of share_person_days_below_critical x Σ over days of the population in "
                f"daily.csv{exact}")  # fmt: skip
    if result.objective == "weighted":
        return " + ".join(f"{w:g} x {n}.shortfall_person_days" for n, w in weighted.items())
    return "Σ shortfall_person_days of " + ", ".join(weighted)


def allocated_yaml(result: AllocateResult, folder: Path) -> str:
    """The scenario with the best shares written in, data paths to their copies beside it (data_copies)."""
    lines = list(result.yaml_lines)
    copies = data_copies(result)
    for data in result.data_paths:
        relative = copies[data.absolute]
        line = lines[data.line]
        at = line.index(data.written, line.index(":") + 1)
        end = at + len(data.written)
        if at > 0 and line[at - 1] in "'\"" and end < len(line) and line[end] == line[at - 1]:
            at, end = at - 1, end + 1  # a quoted value: replace the quotes too
        lines[data.line] = f"{line[:at]}{json.dumps(relative)}{line[end:]}"
    header = [
        f"# campsim allocate: {result.scenario_file} with the best split of {money(result.budget_usd)} for the "
        f"{result.objective} objective",
        "# (each commodity's funded_fraction; everything else as written).",
        f"# Reproduce the objective, {result.totals['best']:,.3f} {result.objective_words}"
        f" = {objective_recipe(result)} in summary.json:",
        f"#   {reproduce_command(result, folder)}",
    ]
    return "\n".join(header + lines) + "\n"


def markdown(result: AllocateResult, folder: Path) -> str:
    lines = [f"# Allocation: {result.scenario_name}", "", f"**{headline(result)}**", "", meta_line(result), ""]
    if result.kept != "best":
        lines += [f"The best split is the {result.kept} one (the best of the dynamic programme's, the flat and the "
                  "written split, each simulated in full).", ""]  # fmt: skip
    lines += [f"- {n}" for n in result.notes] + [""]
    header = "| " + " | ".join(HEADER) + " |"
    lines += [header, "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(result)]
    written = result.totals["written"]
    # None: scaling the written shares cannot spend this budget (those written at 0 cannot grow)
    written = "the written split cannot spend this budget" if written is None else f"written {_num(written)}"
    lines += ["", f"Totals ({result.objective_words}): {written}, flat {_num(result.totals['flat'])}, best "
              f"{_num(result.totals['best'])}.", ""]  # fmt: skip
    lines += ["## The frontier", "", "| budget share | budget US$ | flat | best |", "|---|---|---|---|"]
    lines += [f"| {r.budget_share:.0%} | {r.budget_usd:,.0f} | {r.objective_flat:,.0f} | {r.objective_best:,.0f} |"
              for r in result.frontier.itertuples()]  # fmt: skip
    lines += ["", "Reproduce the best split's objective:", "", f"    {reproduce_command(result, folder)}", ""]
    return "\n".join(lines)


def write_allocate_report(result: AllocateResult, out_dir: str | Path, charts: bool = True,
                          force: bool = False, svg: bool = False) -> Path:  # fmt: skip
    """Write reports/allocate-<stem>/ whole and swap it into place (report/folders.py); the charts
    as PNG, and SVG too with ``svg``."""
    folder_name = Path(out_dir)

    def fill(folder: Path) -> None:
        frame = result.allocation[list(ALLOCATION_COLUMNS)]
        write_csv(frame, folder / "allocation.csv", na_rep="")
        hxl = _with_tags(list(ALLOCATION_COLUMNS), [ALLOCATION_TAGS[c] for c in ALLOCATION_COLUMNS], frame)
        (folder / "allocation.hxl.csv").write_text(hxl, encoding="utf-8", newline="")
        write_csv(result.frontier, folder / "frontier.csv", na_rep="")
        for absolute, relative in data_copies(result).items():
            (folder / relative).parent.mkdir(exist_ok=True)
            (folder / relative).write_bytes(read_regular(absolute))
        (folder / "allocated.yaml").write_text(allocated_yaml(result, folder_name), encoding="utf-8")
        (folder / "allocate.md").write_text(markdown(result, folder_name), encoding="utf-8")
        pngs = {}
        if charts:
            from campsim.report import allocate_charts, chartfiles

            for name, draw in allocate_charts.CHARTS.items():
                pngs[name] = chartfiles.save(draw(result), folder, name, svg=svg)[0]
        (folder / "report.html").write_text(render(result, pngs, folder_name), encoding="utf-8")

    return write_folder(out_dir, fill, force)


def render(result: AllocateResult, pngs: dict[str, Path], folder: Path) -> str:
    """report.html of an allocation."""
    charts = [{**htmlreport._chart(name, path), "caption": CAPTIONS[name]} for name, path in pngs.items()]
    common = htmlreport._common([])
    return (
        htmlreport._environment()
        .get_template("allocate.html.j2")
        .render(
            title=f"Allocation: {result.scenario_name}", r=result, headline=headline(result), meta=meta_line(result),
            header=HEADER, rows=table_rows(result), charts=charts, command=reproduce_command(result, folder),
            version=common["version"], written=common["written"],
        )
    )  # fmt: skip
