"""A forecast's words: the red and amber rows as sentences, warning.md and the terminal table."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from campsim.report.wording import day_words, plural, prose, table

# how a P10/P50/P90 date with no break reads (issue 14's words); warning.csv leaves the cell empty,
# as its hashtag (#date) wants a date or nothing
NO_BREAK = "none within the forecast"

STATUS_WORDS = {"red": "red", "amber": "amber", "green": "green"}  # as warning.csv has them, in every table
CARRIED = {"camp": "its", "warehouse": "its camps'"}


def _timing(row: Any) -> str:
    """A breaking row whose order quantity is 0: the total is there, it comes too late (a break is still likely)."""
    whose = CARRIED[row["site_kind"]]
    return (
        f"what is on hand and on the way, with the rules' own orders, covers {whose} expected need to the end "
        "of the forecast: no extra quantity is needed, only an earlier delivery"
    )


def replications(n: int) -> str:
    """'1 replication', '1,000 replications'."""
    return "1 replication" if n == 1 else f"{n:,} replications"


def amount(x: float, unit: str) -> str:
    """2,104,512 litres -> '2.1 M litres'; 21,345 -> '21,345 kits'."""
    text = f"{x / 1e6:,.1f} M" if x >= 1e6 else f"{x:,.0f}"
    return f"{text} {plural(unit, x)}"


def where(row: Any) -> str:
    """'kilo18, water' (a single camp: 'water'; a warehouse line: 'baghdad warehouse, water')."""
    item = prose(row["commodity"])
    if not row["site"]:
        return item
    site = f"{row['site']} warehouse" if row["site_kind"] == "warehouse" else row["site"]
    return f"{site}, {item}"


def _iso_words(iso: str) -> str:
    return day_words(iso) if iso else NO_BREAK


def sentence(row: Any, as_of: date, p_by: dict | None = None) -> str:
    """One row in plain words: the chance and date of the break, what to order and by when.

    A red row names its median break date and the chance of a break by then (``p_by``:
    (site, commodity, ISO date) -> P(first break on or before it), from p_break_by_date).
    """
    lead = row["lead_time_p90_days"]
    p = f"{row['p_break_before_resupply']:.0%}"
    order = amount(row["order_quantity"] or 0.0, row["unit"]) if row["order_by_date"] else ""
    if pd.isna(lead):  # no ordering rule or supply: nothing can be ordered for it
        first = row["break_p10_date"]
        early = f"{(p_by or {}).get((row['site'], row['commodity'], first), 0.1):.0%} by {_iso_words(first)}"
        return (f"{where(row)}: {p} chance of a pipeline break within the forecast ({early}); "
                "it has no ordering rule or supply, so no order can prevent it")  # fmt: skip
    if row["status"] == "red":
        arrives = as_of + timedelta(days=int(lead))
        median = row["break_p50_date"]  # red: more likely than not before resupply, so within the forecast
        p = f"{(p_by or {}).get((row['site'], row['commodity'], median), 0.5):.0%}"
        by = day_words(median)
        head = f"{where(row)}: {p} chance of a pipeline break by {by}"
        if not row["order_quantity"]:  # what is on hand and on the way carries its camps to the end
            return f"{head}; {_timing(row)}"
        # the "order Q by DATE": a red row's order-by date is past (its P10 break comes before an order
        # placed today could land); with the P90 lead time 9 orders in 10 arrive by then, not "at the earliest"
        arrival = f"with the {int(lead)}-day lead time at P90 it arrives by {day_words(arrives.isoformat())}"
        return f"{head}; order {order} by {day_words(row['order_by_date'])} (already past: order now; {arrival})"
    if not row["order_by_date"]:
        return f"{where(row)}: no pipeline break in 9 of 10 replications"
    first = row["break_p10_date"]
    head = (
        f"{where(row)}: {(p_by or {}).get((row['site'], row['commodity'], first), 0.1):.0%} chance of a "
        f"pipeline break by {_iso_words(first)}"
    )
    if not row["order_quantity"]:
        return f"{head}; {_timing(row)}"
    late = " (already past: order now)" if row["order_by_date"] < as_of.isoformat() else ""
    return f"{head}; order {order} by {day_words(row['order_by_date'])}{late}"


def headline(forecast) -> list[str]:
    """The red rows in plain words, then the amber ones; a line saying so when there are none."""
    w = forecast.warning
    p = forecast.p_break_by_date
    p_by = {(site, item, f"{day:%Y-%m-%d}"): x for site, item, day, x in
            zip(p["site"], p["commodity"], p["date"], p["p_break_by_date"], strict=True)}  # fmt: skip
    red = [sentence(r, forecast.as_of, p_by) for _, r in w[w["status"] == "red"].iterrows()]
    amber = [sentence(r, forecast.as_of, p_by) for _, r in w[w["status"] == "amber"].iterrows()]
    if not red:
        red = ["No line is likely to break before an order placed today could arrive."]
    return red, amber


def _cell(x: Any, fmt: str = "{:,.0f}") -> str:
    return "-" if x is None or x != x else fmt.format(x)


def warning_rows(forecast, none: str = NO_BREAK) -> list[tuple[str, ...]]:
    """The warning table's cells, most urgent first (``none``: how a quantile date with no break reads)."""
    rows = []
    for _, r in forecast.warning.iterrows():
        rows.append((
            STATUS_WORDS[r["status"]], where(r), _cell(r["cover_days_today"], "{:,.1f}"),
            _cell(r["p_break_7d"], "{:.0%}"), _cell(r["p_break_14d"], "{:.0%}"), _cell(r["p_break_30d"], "{:.0%}"),
            *(r[k] or none for k in ("break_p10_date", "break_p50_date", "break_p90_date")),
            r["order_by_date"] or "-", _cell(r["order_quantity"]),
        ))  # fmt: skip
    return rows


HEADER = ("status", "line", "cover (days)", "P(7d)", "P(14d)", "P(30d)", "break P10", "break P50", "break P90",
          "order by", "order quantity")  # fmt: skip


def terminal_table(forecast) -> str:
    """The warning as printed: sorted by urgency, with a line of context above."""
    s = forecast.run.summary
    return "\n".join([
        f"{s['scenario']}: forecast of {forecast.days} days from {forecast.as_of + timedelta(days=1)} "
        f"(state as of {forecast.as_of}), {replications(forecast.replications)}",
        table(HEADER, warning_rows(forecast, none="none"), left=2),
        f'break P10/P50/P90: the first pipeline break\'s dates over the replications ("none": {NO_BREAK})',
    ])  # fmt: skip


def warning_markdown(forecast) -> str:
    """warning.md: the red and amber rows in words, then the whole table."""
    red, amber = headline(forecast)
    s = forecast.run.summary
    lines = [
        f"# Pipeline-break warning: {s['scenario']}",
        "",
        f"State as of {day_words(forecast.as_of.isoformat())}; forecast of {forecast.days} days to "
        f"{day_words((forecast.as_of + timedelta(days=forecast.days)).isoformat())}, "
        f"{replications(forecast.replications)}, seed {s['seed']}.",
        "",
        "## Red",
        "",
        *[f"- {x}" for x in red],
        "",
    ]
    if amber:
        lines += ["## Amber: order soon", "", *[f"- {x}" for x in amber], ""]
    lines += ["## All lines, most urgent first", "", "| " + " | ".join(HEADER) + " |",
              "|---|---|" + "---:|" * (len(HEADER) - 2)]  # fmt: skip
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in warning_rows(forecast)]
    lines += ["", "Red: a break is more likely than not before an order placed today could arrive. Amber: the "
              "order-by date is within 14 days (or past). Dates are the P10/P50/P90 of the first pipeline break "
              f"over the replications; \"{NO_BREAK}\" where that quantile has no break. See docs/semantics.md, "
              "\"Forecast warning\"."]  # fmt: skip
    return "\n".join(lines) + "\n"
