"""Variant names in words for charts: ``funding.funded_fraction=0.8`` reads "80% funded".

A ``--vary`` grid labels its points by the dotted keys typed (``key=value, key=value``);
those labels stay as typed in compare.csv. Charts call :func:`readable` so a title or a
legend never shows a raw dotted key. Any other name (a scenario's) is returned as it is.
"""

from __future__ import annotations

import re

PART = re.compile(r"^(?P<key>[A-Za-z_][\w-]*(?:\.[\w-]+)+|days|seed|replications)=(?P<value>.+)$")
# the place a dotted key names, said before the setting: "water", "kilo18"
PLACES = ("commodities", "camps", "warehouses", "routes")
# words for the last part of a key; {v} is the value as shown ("\\$": matplotlib reads $...$ as maths)
WORDS = {
    "funded_fraction": "{v} funded",
    "initial": "{v} people at the start",
    "max_population": "room for {v} people",
    "departures_per_day": "departures {v} a day",
    "disbursement": "funding {v}",
    "per_person_day": "{v} per person a day",
    "per_new_household": "{v} per new household",
    "initial_stock": "stock {v} at the start",
    "unit_cost_usd": "US\\${v} a unit",
    "capacity": "capacity {v}",
    "shelf_life_days": "shelf life {v} days",
    "lead_time_days": "lead time {v} days",
    "order_up_to_days": "order up to {v} days",
    "review_every_days": "review every {v} days",
    "days": "{v} days",
    "seed": "seed {v}",
    "replications": "{v} replications",
}


def readable(label: str) -> str:
    """A chart's name for a variant: each ``dotted.key=value`` part in words, others unchanged.

    >>> readable("funding.funded_fraction=0.8")
    '80% funded'
    >>> readable("commodities.water.ordering.lead_time_days=7, days=365")
    'water lead time 7 days, 365 days'
    """
    parts = label.split(", ")
    matches = [PART.match(p.strip()) for p in parts]
    if not all(matches):  # a scenario's own name (it may hold "=" or ", ")
        return label
    return ", ".join(setting(m["key"], m["value"].strip()) for m in matches)


def setting(key: str, value: object) -> str:
    """One dotted key and its value (a number, or the text typed) in words: "80% funded"."""
    path = key.split(".")
    place = [path[i + 1] for i in range(len(path) - 1) if path[i] in PLACES]
    last = path[-1]
    number = _number(value)
    shown = str(value) if number is None else _value(last, number)
    template = WORDS.get(last)
    if template is None:
        words = last.replace("_", " ")
        for unit, name in (("_days", "days"), ("_usd", "US$"), ("_kg", "kg")):
            if last.endswith(unit):  # the unit after the value: "lead time 7 days"
                words = last.removesuffix(unit).replace("_", " ")
                template = "{w} {v} " + name if name != "US$" else "{w} US\\${v}"
                break
        template = (template or "{w} {v}").replace("{w}", words)
    return " ".join([*place, template.format(v=shown)])


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None


def _value(last: str, v: float) -> str:
    """A number as a chart shows it: a fraction or share as a percent, others with thousands separators."""
    if is_share(last) and 0 <= v <= 1:
        return f"{v:.0%}" if round(v * 100, 6) == round(v * 100) else f"{v:.1%}"
    if v == int(v) and abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:g}"


def axis_words(key: str) -> str:
    """A dotted key as an axis label: ``funding.funded_fraction`` reads "share of the requirement funded"."""
    path = key.split(".")
    place = [path[i + 1] for i in range(len(path) - 1) if path[i] in PLACES]
    last = path[-1]
    words = "share of the requirement funded" if last == "funded_fraction" else last.replace("_", " ")
    return " ".join([*place, words])


def is_share(key: str) -> bool:
    """True for a key whose values are shares of a whole (shown as percents)."""
    last = key.split(".")[-1]
    return last.endswith(("fraction", "share")) or last == "ration"
