"""Marks every time chart shares: a scenario's disruptions drawn as hatched bands with their reason."""

from __future__ import annotations

from datetime import date, timedelta


def disruption_spans(scenario, commodity: str | None = None, site: str | None = None) -> list[tuple[date, date, str]]:
    """(first day, the day after the last, reason) of each disruption that reaches ``commodity``
    (None: any commodity) at ``site`` (None: anywhere; a network's camp or warehouse).

    A disruption without ``commodities:`` reaches every commodity, one without ``sites:`` every
    site; a network's road closures (``routes:``) are drawn on its route chart instead, so
    they are left out here.
    """
    spans = []
    for d in scenario.disruptions:
        if d.routes is not None or (commodity is not None and d.commodities is not None
                                    and commodity not in d.commodities):  # fmt: skip
            continue
        if site is not None and getattr(d, "sites", None) is not None and site not in d.sites:
            continue
        first = d.start if isinstance(d.start, date) else scenario.start + timedelta(days=d.start)
        if d.days is not None:
            stop = first + timedelta(days=d.days)
        else:
            last = d.end if isinstance(d.end, date) else scenario.start + timedelta(days=d.end)
            stop = last + timedelta(days=1)
        spans.append((first, stop, d.reason))
    return spans


def mark_disruptions(ax, runs: list, name: str | None = None, align: str = "date", site: str | None = None) -> None:
    """The runs' disruptions of commodity ``name`` (None: of any) as hatched grey bands, each
    distinct period and reason once, one legend entry per reason.

    ``align="start"`` draws them in days since each run's own start (``campsim compare --align start``).
    """
    spans = set()
    for _, r in runs:
        if name is not None and name not in r.scenario.commodities:
            continue
        for first, stop, reason in disruption_spans(r.scenario, name, site):
            if align == "start":
                first, stop = (first - r.scenario.start).days, (stop - r.scenario.start).days
            spans.add((first, stop, reason))
    seen: set[str] = set()
    for first, stop, reason in sorted(spans):
        ax.axvspan(first, stop, facecolor="none", edgecolor="#777777", hatch="///", lw=0,
                   label=None if reason in seen else f"disruption: {reason}")  # fmt: skip
        seen.add(reason)
