"""Small pieces of plain English the reports share: numbers, days, dates, units, names, overrides.

One date format in a sentence ("28 Nov 2017"); ISO dates stay in tables and files.
"""

from __future__ import annotations

import shlex
from datetime import date
from typing import Any

from campsim.report.terminal import printable

# units written as symbols or abbreviations take no plural ("15 kg", "450 g soap")
_SYMBOLS = frozenset({"g", "kg", "mg", "l", "ml", "m", "m2", "m3", "m²", "m³", "t", "mt", "kcal", "usd", "us$", "%"})


def num(x: float, digits: int = 0) -> str:
    """1234567.8 -> 1,234,568."""
    return f"{x:,.{digits}f}"


def count(x: float) -> str:
    """A count, or a mean of counts over replications (one decimal)."""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def days(n: float) -> str:
    """'1 day', '21 days', '80.8 days'."""
    return "1 day" if n == 1 else f"{count(n)} days"


def mean_days(n: float) -> str:
    """A mean count of days, always to one decimal: '67.0 days'."""
    return f"{n:,.1f} days"


def about(n: float) -> str:
    """A count of people to two significant figures: 46,469 -> 'about 46,000'."""
    if n < 100:
        return f"{n:,.0f}"
    digits = len(str(int(n))) - 2
    return f"about {round(n, -digits):,.0f}"


def day_words(iso: str | None) -> str:
    """2017-11-28 -> 28 Nov 2017 (the one date format of a sentence)."""
    if not iso:
        return "-"
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%b')} {d.year}"


def plural(unit: str, quantity: float = 2) -> str:
    """A unit for ``quantity``: litre -> litres, household kit -> household kits, bar of soap -> bars of
    soap; symbols (g, kg, L) and units already plural stay as they are."""
    words = unit.split()
    if quantity == 1 or not words or words[0].lower() in _SYMBOLS:
        return unit
    at = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    word = words[at]
    if word.endswith("s") or not word.isalpha():
        return unit
    words[at] = word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
    return " ".join(words)


def quantity(x: float, unit: str, digits: int = 0) -> str:
    """'15 litres', '1 kit', '450 g soap'."""
    return f"{x:,.{digits}f} {plural(unit, x)}" if digits else f"{x:,g} {plural(unit, x)}"


def prose(name: str) -> str:
    """A commodity key as words: household_kits -> household kits."""
    return name.replace("_", " ")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_plural(name: str) -> bool:
    """household kits -> True (they meet), water -> False (it meets)."""
    last = prose(name).split()[-1] if name.strip() else name
    return last.endswith("s") and not last.endswith("ss")


def verb(name: str, singular: str, plural_form: str) -> str:
    """The verb that agrees with a commodity's name: 'water meets', 'household kits meet'."""
    return plural_form if is_plural(name) else singular


def is_kit(c: dict[str, Any]) -> bool:
    """An item handed to each arriving household once, not a daily ration."""
    return c.get("kind") == "per_new_household"


def overrides_line(summary: dict[str, Any]) -> str:
    """'with --set funding.funded_fraction=1' for the overrides a run was made with, else ''."""
    overrides = summary.get("overrides") or []
    return "with " + " ".join(f"--set {shlex.quote(o)}" for o in overrides) if overrides else ""


def shared_overrides(summary: dict[str, Any], keys: list[str]) -> list[str]:
    """A sweep point's overrides other than its own --vary ``keys``: the --set every point shares."""
    return [o for o in summary.get("overrides", []) if o.partition("=")[0] not in keys]


def spread(uncertainty: dict[str, Any] | None, key: str, fmt=num) -> str:
    """' (P10–P90 2,959,767–3,014,406)' for a mean with its uncertainty, else ''."""
    q = (uncertainty or {}).get(key)
    if not isinstance(q, dict) or "p10" not in q:
        return ""
    return f" (P10–P90 {fmt(q['p10'])}–{fmt(q['p90'])})"


def replicated(summary: dict[str, Any]) -> int:
    """The number of replications whose means the summary holds (1: a single run)."""
    return int(summary.get("replications") or 1)


def table(header: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 1) -> str:
    """Plain-text table; the first ``left`` columns left-aligned, the rest right-aligned. Cells are made
    printable, so a name's control characters show as escapes and never break a row."""
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if i < left else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )

    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *[fmt(r) for r in rows]])


class Cells:
    """Table cells of one commodity: the figure, and with replications its P10–P90 beside it.

    ``c`` is the commodity's summary, ``u`` its uncertainty block (None for a single run);
    ``short``: the terminal's "67.0 (67.0–67.0)" rather than summary.md's "67.0 (P10–P90 67.0–67.0)".
    """

    def __init__(self, c: dict[str, Any], u: dict[str, Any] | None, short: bool = False) -> None:
        self.c, self.u, self.short = c, u, short

    @classmethod
    def of(cls, summary: dict[str, Any], name: str, short: bool = False) -> Cells:
        u = (summary.get("uncertainty") or {}).get(name) if replicated(summary) > 1 else None
        return cls(summary["commodities"][name], u, short)

    def __call__(self, key: str, fmt=num, unit: str = "") -> str:
        value = self.c.get(key)
        text = "-" if value is None else fmt(value)
        q = (self.u or {}).get(key)
        if not isinstance(q, dict) or "p10" not in q or text == "-":
            return f"{text} {plural(unit, value)}" if unit and value is not None else text
        unit = f" {plural(unit, value)}" if unit else ""
        return f"{text}{unit} ({'' if self.short else 'P10–P90 '}{fmt(q['p10'])}–{fmt(q['p90'])})"


def day_count(summary: dict[str, Any]):
    """Counts of days: whole numbers for one run, one decimal for means."""
    return (lambda x: f"{x:,.1f}") if replicated(summary) > 1 else count


def ration(c: dict[str, Any]):
    """The lowest ration, a share; a kit has no ration."""
    return (lambda x: "-") if is_kit(c) else (lambda x: f"{x:.0%}")
