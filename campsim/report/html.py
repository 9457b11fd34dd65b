"""Self-contained HTML reports (Jinja2 templates in campsim/templates/).

Charts are embedded as base64 PNG and the CSS is inline, so a report.html is one file
that can be emailed or printed on A4 and makes no request to any network address.
All values are escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import base64
import re
import struct
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from campsim.model import standards
from campsim.report import text as words
from campsim.report.compare_text import scenario_phrase, totals_phrase
from campsim.report.headline import key_words, label_words
from campsim.report.wording import capital, is_kit, overrides_line, plural, prose, quantity, shared_overrides
from campsim.report.yamlview import scalar, tree
from campsim.results.run import SimulationResult, commodities_of

MAX_EVENT_ROWS = 300
EVENTS_THAT_MATTER = ("stockout", "restock", "ration_change", "disruption", "tranche", "funds_exhausted")
CAPTIONS = {
    "cover": "Stock in days of cover per commodity, rationing thresholds dashed, shortage days shaded.",
    "ration": "Ration received as a share of the standard (1.0); the critical level dashed where set.",
    "population": "Camp population and daily arrivals.",
    "funding": "Cumulative funding received (solid) and spent (dashed).",
    "shortfall": "Shortfall in person-days by commodity.",
    "compliance": "Sphere compliance per day: adequate (standard met), stressed, critical (below the critical level).",
    "fan": "Days of cover over the replications: the median line over the P10-P90 band.",
    "first_shortage": "Probability that a commodity has gone below the standard by each date, over the replications.",
    "sweep": "Shortfall person-days (mean, P10-P90 band) and the probability of any shortage at each grid point.",
}


# the chart shown under the cards (on page 1 in print): the first of these the run has, else its first chart
KEY_CHARTS = ("first_shortage", "compliance")


def key_chart(charts: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the key chart, the others in their order); a replicated run's key chart is its chance of shortage
    by date, a single run's the daily compliance bands, which tell the headline's story at full width."""
    if not charts:
        return None, []
    names = [c["name"] for c in charts]
    key = next((names.index(n) for n in KEY_CHARTS if n in names), 0)
    return charts[key], charts[:key] + charts[key + 1 :]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("campsim.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda x, digits=0: f"{x:,.{digits}f}"
    env.filters["pct"] = lambda x, digits=0: f"{x:.{digits}%}"
    env.filters["days"] = lambda x: str(int(x)) if float(x).is_integer() else f"{x:,.1f}"  # means: one decimal
    env.filters["dates"] = whole_dates
    return env


# a date in words, "28 Nov 2017" (an ISO date never breaks: no line break between a hyphen and a digit)
DATE = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def whole_dates(text: str) -> markupsafe.Markup:
    """Text escaped, its dates kept on one line (a phone must not break "28 Nov" from "2017")."""
    return markupsafe.Markup(DATE.sub(r'<span class="date">\g<0></span>', str(markupsafe.escape(text))))


def fallback_caption(name: str) -> str:
    """A chart without a written caption still says what it is (its alt text), not its file name."""
    return f"Chart of {name.replace('_', ' ')}."


def _chart(name: str, png: Path) -> dict[str, Any]:
    data = png.read_bytes()
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's IHDR size
    return {
        "name": name,
        "png_base64": base64.b64encode(data).decode("ascii"),
        "caption": CAPTIONS.get(name) or fallback_caption(name),
        "width": width,
        "height": height,
        "svg": png.with_suffix(".svg").exists(),  # written with --svg
    }


def _mode(summary: dict[str, Any]) -> str:
    return "deterministic (expected values)" if summary.get("deterministic") else f"seed {summary['seed']}"


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested scenario data -> (dotted key, value as a YAML author writes it) rows."""
    if isinstance(value, dict) and value:
        rows: list[tuple[str, str]] = []
        for key, item in value.items():
            rows += flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        rows = []
        for i, item in enumerate(value):
            rows += flatten(item, f"{prefix}.{i}")
        return rows
    return [(prefix, scalar(value, prefix))]


def _validated(result: SimulationResult) -> dict[str, Any]:
    return result.scenario.model_dump(mode="json", exclude_none=True)


def scenario_inputs(result: SimulationResult) -> list[tuple[str, str]]:
    """The scenario as validated (defaults filled in), as dotted key/value rows."""
    return flatten(_validated(result))


def scenario_tree(result: SimulationResult) -> list[tuple[int, str, str]]:
    """The scenario as validated, as the (depth, key, value) lines of a YAML-like tree (yamlview.tree)."""
    return tree(_validated(result))


def used_standards(results: list[SimulationResult]) -> list[tuple[str, str, str]]:
    """The standards the scenarios' commodities were held to."""
    rows, seen = [], set()
    for r in results:
        for name, spec in r.scenario.commodities.items():
            text = words.standard_phrase(spec)
            if spec.critical_per_person_day is not None:
                text += f"; critical below {quantity(spec.critical_per_person_day, spec.unit)}"
            if (name, text) not in seen:
                seen.add((name, text))
                rows.append((f"{name} (this scenario)", text, "scenario file"))
    return rows


def _event_rows(result: SimulationResult) -> tuple[list[dict[str, str]], int]:
    events = result.events[result.events["kind"].isin(EVENTS_THAT_MATTER)]
    shown = events.head(MAX_EVENT_ROWS)

    def fmt(x: float, digits: int) -> str:
        return "" if x != x else f"{x:,.{digits}f}"  # NaN -> empty

    rows = [
        {
            "date": f"{e.date:%Y-%m-%d}",
            "kind": e.kind,
            "commodity": e.commodity,
            "quantity": fmt(e.quantity, 2 if e.kind == "ration_change" else 0),
            "cost_usd": fmt(e.cost_usd, 0),
            "note": e.note,
        }
        for e in shown.itertuples()
    ]
    return rows, len(events) - len(shown)


def _common(results: list[SimulationResult]) -> dict[str, Any]:
    from campsim import __version__

    return {
        "version": __version__,
        "written": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "standards": standards.STANDARDS_CITED,
        "used_standards": used_standards(results),
    }


def render_run(result: SimulationResult, charts: dict[str, Path]) -> str:
    """report.html of one run; ``charts`` maps chart name -> PNG path."""
    s = result.summary
    cards = []
    for name, c in s["commodities"].items():
        spec = result.scenario.commodities[name]
        critical = spec.critical_per_person_day
        cards.append({
            "name": name, "c": c, "unit": plural(spec.unit), "standard": words.standard_phrase(spec),
            "critical": None if critical is None else f"{quantity(critical, spec.unit)} per person per day",
            "kit": is_kit(c),
        })  # fmt: skip
    events, left = _event_rows(result)
    source = result.scenario.source
    key, others = key_chart([_chart(name, path) for name, path in charts.items()])
    return (
        _environment()
        .get_template("run.html.j2")
        .render(
            title=f"Shortage report: {s['scenario']}",
            changed=overrides_line(s),
            s=s,
            mode=_mode(s),
            source=None if source is None else str(source),
            overall=words.overall(s),
            headlines=words.run_headlines(result),
            cards=cards,
            key_chart=key,
            charts=others,
            events=events,
            events_left=left,
            inputs=scenario_tree(result),
            uncertainty=_uncertainty_rows(s),
            **_common([result]),
        )
    )


def _uncertainty_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """P10/P50/P90 of the key metrics per commodity, for a replicated run."""
    rows = []
    for name, spread in summary.get("uncertainty", {}).items():
        people = spread["shortfall_person_days"]
        days = spread["shortage_days"]
        cost = spread["unmet_cost_usd"]
        rows.append({
            "name": name, "p_shortage": spread["p_shortage"],
            "person_days": [people["p10"], people["p50"], people["p90"]],
            "days": [days["p10"], days["p50"], days["p90"]],
            "cost": [cost["p10"], cost["p50"], cost["p90"]],
        })  # fmt: skip
    return rows


def _metric_tables(runs: list[tuple[str, SimulationResult]]) -> list[dict[str, Any]]:
    names = commodities_of(runs)
    metrics = [
        ("Shortfall (person-days)", "shortfall_person_days", lambda v: f"{v:,.0f}"),
        ("First shortage", "first_shortage_date",
         lambda v: "none" if v is None else v),
        ("Shortage days", "shortage_days", str),
        ("Coverage", "coverage", lambda v: f"{v:.1%}"),
        ("Lowest ration", "min_ration", lambda v: f"{v:.0%}"),
        ("Unmet cost (US$)", "unmet_cost_usd", lambda v: f"{v:,.0f}"),
        ("Funding received (US$)", "received_usd", lambda v: f"{v:,.0f}"),
    ]  # fmt: skip
    tables = []
    for title, key, fmt in metrics:
        rows = []
        for name in names:
            cells = []
            for _, r in runs:
                c = r.summary["commodities"].get(name)
                kit_ration = c is not None and key == "min_ration" and is_kit(c)  # a kit has no ration
                cells.append(None if c is None else "-" if kit_ration else fmt(c[key]))
            rows.append({"commodity": name, "cells": cells})
        tables.append({"title": title, "rows": rows})
    return tables


def input_differences(runs: list[tuple[str, SimulationResult]]) -> list[tuple[str, list[str | None]]]:
    """Scenario keys whose values differ between the runs (None where a run lacks the key)."""
    flat = [dict(scenario_inputs(r)) for _, r in runs]
    keys: list[str] = []
    for f in flat:
        keys += [k for k in f if k not in keys]
    return [(k, [f.get(k) for f in flat]) for k in keys if len({f.get(k) for f in flat}) > 1]


def compare_headline(runs: list[tuple[str, SimulationResult]]) -> dict[str, Any]:
    """The comparison's headline laid out to be read: a sentence per scenario (its totals), then a table
    of what each scenario gives each commodity, in compare.md's words."""
    sentences = []
    for label, r in runs:
        text = f"{label_words(label)}: {totals_phrase(r)}."
        sentences.append(text[:1].upper() + text[1:])
    rows = [
        {"commodity": capital(prose(name)), "cells": [scenario_phrase(name, r) for _, r in runs]}
        for name in commodities_of(runs)
    ]
    return {"sentences": sentences, "labels": [label_words(label) for label, _ in runs], "rows": rows}


def render_compare(runs: list[tuple[str, SimulationResult]], charts: dict[str, Path]) -> str:
    """report.html of a comparison."""
    results = [r for _, r in runs]
    return (
        _environment()
        .get_template("compare.html.j2")
        .render(
            title="Comparison: " + " vs ".join(label for label, _ in runs),
            labels=[label for label, _ in runs],
            runs=[
                {"label": label, "s": r.summary, "mode": _mode(r.summary), "changed": overrides_line(r.summary)}
                for label, r in runs
            ],
            headline=compare_headline(runs),
            tables=_metric_tables(runs),
            charts=[_chart(name, path) for name, path in charts.items()],
            input_diff=input_differences(runs),
            **_common(results),
        )
    )


def render_sweep(result, scenario_name: str, charts: dict[str, Path]) -> str:
    """report.html of a sweep (``result`` is a sweep.SweepResult)."""
    from campsim.report.text import curve_ends, show

    table = result.table
    if "camp" in table.columns:  # a network: the headline speaks of the network's totals
        table = table[table["camp"] == ""]
    x_key = result.keys[0]
    (low, first_total), (high, last_total) = curve_ends(table, x_key)
    verb = "falls" if first_total >= last_total else "goes"
    first = result.summaries[0]
    headline = (
        f"Shortfall {verb} from {first_total:,.0f} person-days at {key_words(x_key)} = {show(low)} to "
        f"{last_total:,.0f} at {show(high)} (all commodities, means of {first['replications']:,} replications)."
    )
    common = shared_overrides(first, result.keys)  # each point's own --vary values are its rows
    return (
        _environment()
        .get_template("sweep.html.j2")
        .render(
            title=f"Sweep: {scenario_name}",
            scenario=scenario_name,
            points=len(result.summaries),
            replications=first["replications"],
            seed=first["seed"],
            keys=result.keys,
            headline=headline,
            changed=overrides_line({"overrides": common}),
            warnings=result.warnings,
            charts=[_chart(name, path) for name, path in charts.items()],
            rows=table.to_dict("records"),
            version=_common([])["version"],
            written=_common([])["written"],
        )
    )
