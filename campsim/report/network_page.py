"""report.html of a camp network (templates network.html.j2, network_compare.html.j2), and the
headline that summary.md and report.html share.

The page states only what the summary holds: no first or worst camp when no camp went short,
no warehouse, road or overflow sentence where nothing happened. A replicated run's figures
are means over the replications (first-shortage dates: medians), as the single camp's page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from campsim.report import html as htmlreport
from campsim.report.compare_text import totals_phrase
from campsim.report.text import _num
from campsim.report.wording import overrides_line

if TYPE_CHECKING:
    import pandas as pd

    from campsim.results.run import NetworkResult

MAX_EVENT_ROWS = 300
EVENTS_THAT_MATTER = ("stockout", "restock", "ration_change", "disruption", "route_closed", "turned_away",
                      "warehouse_short", "tranche", "funds_exhausted")  # fmt: skip
CAPTIONS = {  # in the order the page shows them
    "network_map": "The network: camps sized by peak population and coloured by their worst coverage of any "
    "commodity, warehouses as squares, roads as wide as the kg shipped over them (closed roads dashed, with "
    "their days closed), dotted arrows where a full camp sends its arrivals.",
    "camp_cover": "Days of cover per camp (rows) and commodity (columns): rationing thresholds dashed, days "
    "below the standard shaded.",
    "warehouse_stock": "Stock, requested and dispatched per day at each warehouse and commodity; days on which "
    "the stock could not fill every request shaded.",
    "route_use": "Tonnes shipped per road per day, the truck capacity dashed, days the road was closed shaded.",
    "camp_shortfall": "Person-days short per camp, all commodities summed, one bar per scenario.",
}


def shortage_headline(summary: dict[str, Any]) -> list[str]:
    """The camps that went short first and worst, in words; summary.md and report.html say the same."""
    # camps and commodities in file order, so that ties go to the first listed
    lines = ((camp, name, c) for camp, site in summary["camps"].items() for name, c in site["commodities"].items())
    short = [(c["shortfall_person_days"], camp, name, c, n) for n, (camp, name, c) in enumerate(lines)
             if c["shortage_days"]]  # fmt: skip
    if not short:
        return ["No camp went short of anything."]
    worst = min(short, key=lambda row: (-row[0], row[4]))
    first = min(short, key=lambda row: (row[3]["first_shortage_day"], row[4]))
    n = summary.get("replications", 1)
    if n > 1:  # means: say so, with the worst's P10–P90; the first date is a median, not replication 0's
        u = summary.get("uncertainty", {}).get("camps", {}).get(worst[1], {}).get("commodities", {}).get(worst[2], {})
        q = u.get("shortfall_person_days")
        spread = f" (P10–P90 {_num(q['p10'])}–{_num(q['p90'])})" if q else ""
        return [
            f"First short (the median date over {n:,} replications): {first[1]}, {first[2]}, from "
            f"{first[3]['first_shortage_date']} ({first[3]['first_shortage_cause']}, most often).",
            f"Worst (mean of {n:,} replications): {worst[1]}, {worst[2]}: {_num(worst[0])} person-days short{spread}.",
        ]
    return [
        f"First short: {first[1]}, {first[2]}, from {first[3]['first_shortage_date']} "
        f"({first[3]['first_shortage_cause']}).",
        f"Worst: {worst[1]}, {worst[2]}: {_num(worst[0])} person-days short.",
    ]


def _days(x: float) -> str:
    """A count of days, or a mean of counts over replications (one decimal)."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _overall(summary: dict[str, Any]) -> str | None:
    """How many camps went short and the person-days in all; None if none did."""
    camps = summary["camps"]
    short = [name for name, site in camps.items() if any(c["shortage_days"] for c in site["commodities"].values())]
    if not short:
        return None
    total = sum(c["shortfall_person_days"] for c in summary["commodities"].values())
    where = f" in at least one of {summary['replications']:,} replications" if summary["replications"] > 1 else ""
    return (f"{len(short)} of {len(camps)} camps went short{where} ({', '.join(short)}): "
            f"{_num(total)} person-days short in all.")  # fmt: skip


def _more(summary: dict[str, Any]) -> list[str]:
    """The network's other events in words, each only where it happened."""
    out = []
    mean = " (means over the replications)" if summary["replications"] > 1 else ""
    away = [(name, site["population"]["turned_away"]) for name, site in summary["camps"].items()
            if site["population"]["turned_away"] > 0]  # fmt: skip
    if away:
        out.append("People turned away (no room, nowhere to send them): "
                   + ", ".join(f"{name} {_num(n)}" for name, n in away) + f"{mean}.")  # fmt: skip
    for name, site in summary["warehouses"].items():
        for item, w in site["commodities"].items():
            if w["short_days"] > 0:
                out.append(f"{name} could not fill every {item} request on {_days(w['short_days'])} days{mean}.")
    closed = [f"{name} ({_days(r['closed_days'])} days)" for name, r in summary["routes"].items() if r["closed_days"]]
    if closed:
        out.append("Roads closed: " + ", ".join(closed) + ".")
    full = [f"{name} ({_days(r['days_at_capacity'])} days)" for name, r in summary["routes"].items()
            if r["days_at_capacity"]]  # fmt: skip
    if full:
        out.append("Trucks full: " + ", ".join(full) + f"{mean}.")
    return out


def _person_days(summary: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The camps x commodities table of person-days short (None where a camp does not take the item)."""
    names = list(summary["commodities"])
    rows = [{"camp": camp, "cells": [site["commodities"][n]["shortfall_person_days"] if n in site["commodities"]
                                     else None for n in names]}
            for camp, site in summary["camps"].items()]  # fmt: skip
    rows.append({"camp": "network", "cells": [summary["commodities"][n]["shortfall_person_days"] for n in names]})
    return names, rows


def _camp_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for camp, site in summary["camps"].items():
        items = site["commodities"]
        cover, item = min(((c["coverage"], n) for n, c in items.items()), default=(1.0, ""))
        firsts = [(c["first_shortage_day"], c["first_shortage_date"], n) for n, c in items.items()
                  if c["shortage_days"] and c["first_shortage_day"] is not None]  # fmt: skip
        rows.append({"camp": camp, "p": site["population"], "cover": cover, "item": item,
                     "first": None if not firsts else f"{min(firsts)[1]} ({min(firsts)[2]})",
                     "person_days": sum(c["shortfall_person_days"] for c in items.values())})  # fmt: skip
    return rows


def _uncertainty(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """P(any shortage) and P10/P50/P90 person-days short per camp and commodity, replicated runs only."""
    camps = summary.get("uncertainty", {}).get("camps", {})
    return [{"camp": camp, "item": item, "p": u["p_shortage"],
             "pd": [u["shortfall_person_days"][k] for k in ("p10", "p50", "p90")]}
            for camp, site in camps.items() for item, u in site["commodities"].items()]  # fmt: skip


def _events(result: NetworkResult) -> tuple[list[dict[str, str]], int]:
    events = result.events[result.events["kind"].isin(EVENTS_THAT_MATTER)]
    shown = events.head(MAX_EVENT_ROWS)

    def fmt(x: float, digits: int) -> str:
        return "" if x != x else f"{x:,.{digits}f}"  # NaN -> empty

    rows = [{"date": f"{e.date:%Y-%m-%d}", "kind": e.kind, "site": e.site if e.site == e.site else "",
             "commodity": e.commodity if e.commodity == e.commodity else "",
             "quantity": fmt(e.quantity, 2 if e.kind == "ration_change" else 0), "cost_usd": fmt(e.cost_usd, 0),
             "note": e.note if e.note == e.note else ""} for e in shown.itertuples()]  # fmt: skip
    return rows, len(events) - len(shown)


def _charts(pngs: dict[str, Path], captions: dict[str, str], suffix: dict[str, str]) -> list[dict[str, Any]]:
    charts = []
    order = list(captions)  # the overview first, whatever order the charts were rendered in
    for name in sorted(pngs, key=lambda n: order.index(n) if n in order else len(order)):
        chart = htmlreport._chart(name, pngs[name])
        chart["caption"] = (captions.get(name) or chart["caption"]) + suffix.get(name, "")
        charts.append(chart)
    return charts


def _environment():
    env = htmlreport._environment()
    env.filters["days"] = _days
    return env


def render_run(result: NetworkResult, pngs: dict[str, Path], headline: list[str]) -> str:
    """report.html of a network run; ``pngs`` maps chart name -> PNG path, ``headline`` is shortage_headline's."""
    s = result.summary
    names, person_days = _person_days(s)
    events, left = _events(result)
    replicated = s["replications"] > 1
    # the map is drawn from the summary (means); the charts of days from replication 0's tables
    suffix = {name: " Means over the replications." if name == "network_map" else " Replication 0."
              for name in pngs} if replicated else {}  # fmt: skip
    source = result.scenario.source
    return _environment().get_template("network.html.j2").render(
        title=f"Shortage report: {s['scenario']}", s=s, mode=htmlreport._mode(s), changed=overrides_line(s),
        source=None if source is None else str(source),
        overall=_overall(s) or headline[0], headline=headline if _overall(s) else [], more=_more(s),
        names=names, person_days=person_days, camps=_camp_rows(s), uncertainty=_uncertainty(s),
        charts=_charts(pngs, CAPTIONS, suffix), events=events, events_left=left,
        inputs=htmlreport.scenario_tree(result), **htmlreport._common([result]),
    )  # fmt: skip


def _compare_rows(table: pd.DataFrame, labels: list[str]) -> list[dict[str, Any]]:
    """Rows (camp or network, commodity), a cell per scenario (None where absent), from compare.csv's table."""
    table = table.assign(camp=table["camp"].replace("", "network"))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in table.itertuples():
        key = (row.camp, row.commodity)
        entry = rows.setdefault(key, {"camp": key[0], "item": key[1], "cells": {}})
        if row.present:
            entry["cells"][row.scenario] = {"pd": row.shortfall_person_days, "cover": row.coverage,
                                            "first": row.first_shortage_date if isinstance(row.first_shortage_date, str)
                                            and row.first_shortage_date else "none"}  # fmt: skip
    for entry in rows.values():
        entry["cells"] = [entry["cells"].get(label) for label in labels]
    return [entry for entry in rows.values() if any(cell is not None for cell in entry["cells"])]


def render_compare(runs: list[tuple[str, NetworkResult]], table: pd.DataFrame, pngs: dict[str, Path]) -> str:
    """report.html of a comparison of networks: headlines, the compare table by camp, the charts."""
    labels = [label for label, _ in runs]
    captions = dict(CAPTIONS) | {f"map_{i + 1}": f"{label}: " + CAPTIONS["network_map"]
                                 for i, label in enumerate(labels)}  # fmt: skip
    replicated = any(r.summary["replications"] > 1 for _, r in runs)
    suffix = {name: " Means over the replications." for name in pngs} if replicated else {}
    return _environment().get_template("network_compare.html.j2").render(
        title="Comparison: " + " vs ".join(labels), labels=labels,
        runs=[{"label": label, "s": r.summary, "mode": htmlreport._mode(r.summary), "headline": shortage_headline(
            r.summary), "totals": totals_phrase(r), "changed": overrides_line(r.summary)} for label, r in runs],
        rows=_compare_rows(table, labels), charts=_charts(pngs, captions, suffix),
        input_diff=htmlreport.input_differences(runs), **htmlreport._common([r for _, r in runs]),
    )  # fmt: skip
