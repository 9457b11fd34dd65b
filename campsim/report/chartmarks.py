"""Marks every time chart shares: a scenario's disruptions drawn as hatched bands with their reason."""

from __future__ import annotations

from datetime import date, timedelta


def disruption_spans(scenario, commodity: str) -> list[tuple[date, date, str]]:
    """(first day, the day after the last, reason) of each disruption that reaches ``commodity``.

    A disruption without ``commodities:`` reaches every commodity; a network's road closures
    (``routes:``) are drawn on its route chart instead, so they are left out here.
    """
    spans = []
    for d in scenario.disruptions:
        if d.routes is not None or (d.commodities is not None and commodity not in d.commodities):
            continue
        first = d.start if isinstance(d.start, date) else scenario.start + timedelta(days=d.start)
        if d.days is not None:
            stop = first + timedelta(days=d.days)
        else:
            last = d.end if isinstance(d.end, date) else scenario.start + timedelta(days=d.end)
            stop = last + timedelta(days=1)
        spans.append((first, stop, d.reason))
    return spans


def mark_disruptions(ax, runs: list, name: str) -> None:
    """The runs' disruptions of commodity ``name`` as hatched grey bands, each distinct period and
    reason once, one legend entry per reason."""
    spans = {span for _, r in runs if name in r.scenario.commodities for span in disruption_spans(r.scenario, name)}
    seen: set[str] = set()
    for first, stop, reason in sorted(spans):
        ax.axvspan(first, stop, facecolor="none", edgecolor="#777777", hatch="///", lw=0,
                   label=None if reason in seen else f"disruption: {reason}")  # fmt: skip
        seen.add(reason)
