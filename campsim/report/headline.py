"""The headline of a run, in words: what went short, why, for how many people, at what cost.

summary.md and report.html say the same sentences. Commodities come in order of severity
(person-days short), not of date. A replicated run's sentences speak of means and say so,
with their P10–P90 range; replication 0's own facts (its pipeline breaks) are named as its.
Keys added by later summaries (funds_exhausted_days, kits_delivered, requirement_source, ...)
are read with .get, so older summaries still read well.
"""

from __future__ import annotations

import re
from typing import Any

from campsim.report.wording import (
    about,
    capital,
    day_words,
    days,
    is_kit,
    mean_days,
    num,
    plural,
    prose,
    quantity,
    replicated,
    spread,
    verb,
)

METRIC_WORDS = {
    "shortfall_person_days": "person-days short",
    "shortage_days": "days below the standard",
    "longest_shortage_days": "longest run of days below the standard",
    "unmet_cost_usd": "unmet need in US$",
    "coverage": "share of the need met",
    "min_ration": "lowest ration",
    "peak_people_short": "people short at once",
    "p_shortage": "chance of any shortage",
    "pipeline_break_days": "days of pipeline break",
    "ration_cut_days": "days of ration cut",
}
OPERATOR_WORDS = {"<=": "at most", "<": "below", ">=": "at least", ">": "above"}
# the solver's --target syntax (runs/sweep.py TARGET), repeated: report code must not import the executors
TARGET = re.compile(r"^\s*(?:camps\.(?P<camp>[^.\s]+)\.commodities\.)?(?P<commodity>[^.\s]+)\.(?P<metric>[A-Za-z_]+)"
                    r"(?:\.(?P<stat>p10|p50|p90|mean))?\s*(?P<op><=|>=|<|>)\s*(?P<value>[-+0-9.eE]+)\s*$")  # fmt: skip


def standard_phrase(spec: Any) -> str:
    """What 'the standard' is for a commodity, in words: '15 litres per person per day'."""
    if spec.per_household:
        return f"{quantity(spec.per_new_household, spec.unit)} per arriving household"
    return f"{quantity(spec.per_person_day, spec.unit)} per person per day"


def by_severity(commodities: dict[str, dict[str, Any]]) -> list[str]:
    """Commodity names, the most person-days short first; those never short last, in file order."""
    names = list(commodities)
    return sorted(names, key=lambda n: (-float(commodities[n]["shortfall_person_days"] or 0), names.index(n)))


def money_ran_out(c: dict[str, Any]) -> bool:
    return bool(c.get("funds_exhausted_days")) or c.get("first_shortage_cause") == "funds exhausted"


def commodity_sentence(name: str, c: dict[str, Any], summary: dict[str, Any], spec: Any = None) -> str:
    """One sentence (or two) on one commodity; ``spec`` (its scenario entry) names the standard."""
    words = prose(name)
    n = replicated(summary)
    if not c["shortage_days"]:
        if is_kit(c):
            return f"{capital(words)}: every arriving household got its kit on the day it arrived."
        standard = f" ({standard_phrase(spec)})" if spec is not None else ""
        return f"{capital(words)} {verb(name, 'meets', 'meet')} the standard{standard} every day."
    if n > 1:
        return _mean_sentence(name, c, summary, n)
    if is_kit(c):
        return _kit_sentence(words, c)
    below = f"below {standard_phrase(spec)}" if spec is not None else "below the standard"
    why = ""
    if money_ran_out(c):
        when = c.get("funds_exhausted_first_date") or c["first_shortage_date"]
        why = f"the money ran out on {day_words(when)}; "
    elif c.get("first_shortage_cause") == "pipeline break":
        why = f"stock ran out on {day_words(c['first_shortage_date'])} (a pipeline break); "
    elif c.get("first_shortage_cause") == "ration cut":
        why = f"rations were cut from {day_words(c['first_shortage_date'])}; "
    sentence = (
        f"{capital(words)}: {why}{words} {verb(name, 'falls', 'fall')} {below} for up to "
        f"{about(c['peak_people_short'])} people on {days(c['shortage_days'])} "
        f"(longest run {days(c['longest_shortage_days'])}), {num(c['shortfall_person_days'])} person-days short; "
        f"the unmet need ({num(c['shortfall'])} {plural(c['unit'])}) would have cost US${num(c['unmet_cost_usd'])}."
    )
    if c.get("funds_exhausted_days"):
        sentence += f" The money was gone on {days(c['funds_exhausted_days'])} of them."
    return sentence


def _kit_sentence(words: str, c: dict[str, Any]) -> str:
    """Kits are a backlog: who waited, how long, and how many were handed out on arrival."""
    parts = []
    if c.get("kits_delivered") is not None:
        parts.append(f"{num(c['kits_delivered'])} kits delivered")
    if c.get("households_waited") is not None:
        wait = f"{num(c['households_waited'])} households waited"
        if c.get("mean_wait_days") is not None:
            wait += f" (on average {c['mean_wait_days']:,.1f} days"
            wait += f", at most {days(c['longest_wait_days'])})" if c.get("longest_wait_days") is not None else ")"
        parts.append(wait)
    if c.get("on_time_share") is not None:
        parts.append(f"{c['on_time_share']:.0%} handed out on the day the household arrived")
    facts = "; ".join(parts) + "; " if parts else ""
    return (
        f"{capital(words)}: {facts}kits were owed on {days(c['shortage_days'])} "
        f"(up to {about(c['peak_people_short'])} people waiting at once), {num(c['shortfall_person_days'])} "
        f"person-days waiting; {c['coverage']:.1%} delivered by the end."
    )


def _mean_sentence(name: str, c: dict[str, Any], summary: dict[str, Any], n: int) -> str:
    """A replicated run: means with their P10–P90, the median first shortage; no replication-0 date."""
    words = prose(name)
    u = (summary.get("uncertainty") or {}).get(name, {})
    one = lambda x: f"{x:,.1f}"  # noqa: E731 (counts of days: one decimal)
    waiting = "person-days waiting" if is_kit(c) else "person-days short"
    cause = c.get("first_shortage_cause")
    first = f"; median first shortage {day_words(c['first_shortage_date'])}" if c.get("first_shortage_date") else ""
    if cause:
        first += f", most often a {cause}" if cause != "funds exhausted" else ", most often because the money ran out"
    chance = f"; short in {u['p_shortage']:.0%} of replications" if "p_shortage" in u else ""
    sentence = (
        f"{capital(words)} (mean of {n:,} replications): below the standard on {mean_days(c['shortage_days'])}"
        f"{spread(u, 'shortage_days', one)}, longest run {mean_days(c['longest_shortage_days'])}"
        f"{spread(u, 'longest_shortage_days', one)}, {num(c['shortfall_person_days'])} {waiting}"
        f"{spread(u, 'shortfall_person_days')}, unmet need worth US${num(c['unmet_cost_usd'])}"
        f"{spread(u, 'unmet_cost_usd')}{first}{chance}."
    )
    if c.get("funds_exhausted_days"):
        sentence += (f" The money was gone on {mean_days(c['funds_exhausted_days'])}"
                     f"{spread(u, 'funds_exhausted_days', one)}.")  # fmt: skip
    return sentence


def unspent_sentence(commodities: dict[str, dict[str, Any]]) -> str:
    """Money left on one item while another's ran out: a better split of the budget would help."""
    dry = [prose(n) for n, c in commodities.items() if money_ran_out(c) and c["shortage_days"]]
    left = [(prose(n), c["balance_usd"]) for n, c in commodities.items() if c.get("balance_usd", 0) > 0.5]
    left = [(n, usd) for n, usd in left if n not in dry]
    if not dry or not left:
        return ""
    money = ", ".join(f"US${num(usd)} of {n} money" for n, usd in left)
    runs = f"{_and(dry)}'s money ran out" if len(dry) == 1 else f"the money for {_and(dry)} ran out"
    return f" {capital(money)} was left unspent while {runs}: a better split of the budget would help."


def derived_sentence(commodities: dict[str, dict[str, Any]]) -> str:
    """Requirements the scenario did not write: they follow its own need, so more people bring more money."""
    derived = [prose(n) for n, c in commodities.items() if c.get("requirement_source") not in (None, "file")]
    if not derived:
        return ""
    was = "requirement of {} was" if len(derived) == 1 else "requirements of {} were"
    return (f" The {was.format(_and(derived))} derived from the scenario's own expected need (not written in the "
            "file), so a what-if with more people also brings more money.")  # fmt: skip


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def overall(summary: dict[str, Any]) -> str:
    """The sentence across commodities, the money's story, and the solver's figure when there is one."""
    commodities = summary["commodities"]
    short = [n for n in by_severity(commodities) if commodities[n]["shortage_days"]]
    n = replicated(summary)
    means = f" (means of {n:,} replications)" if n > 1 else ""
    fund = summary["funding"]
    if not short:
        text = "Every commodity met the standard on every day" + (" in every replication" if n > 1 else "") + "."
    else:
        worst = short[0]
        unmet = sum(c["unmet_cost_usd"] for c in commodities.values())
        text = (
            f"{len(short)} of {len(commodities)} commodities fell below the standard ({', '.join(map(prose, short))}); "
            f"the worst was {prose(worst)}, {num(commodities[worst]['shortfall_person_days'])} person-days short. "
            f"The unmet need would have cost US${num(unmet)}{means}; "
            f"funding received US${num(fund['received_usd'])} of US${num(fund['requirement_usd'])} required."
        )
    return text + unspent_sentence(commodities) + derived_sentence(commodities) + solve_sentence(summary)


def key_words(key: str) -> str:
    """A dotted scenario key in words: commodities.water.funded_fraction -> water's share of its requirement
    funded."""
    parts = key.split(".")
    if key == "funding.funded_fraction":
        return "the share of every commodity's requirement funded"
    if len(parts) == 3 and parts[0] == "commodities" and parts[2] == "funded_fraction":
        return f"{prose(parts[1])}'s share of its requirement funded"
    if len(parts) >= 3 and parts[0] == "commodities":
        return f"{prose(parts[1])}'s " + " ".join(prose(p) for p in parts[2:])
    return "the " + " ".join(prose(p) for p in parts if not p.isdigit())


def label_words(label: str) -> str:
    """A --vary variant's label in words: 'funding.funded_fraction=0.62' -> 'the share of every commodity's
    requirement funded at 62%'; a label without a dotted key stays as it is."""
    parts = label.split(", ")
    if not all("=" in part and "." in part.partition("=")[0] for part in parts):
        return label
    out = []
    for part in parts:
        key, _, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        item = re.fullmatch(r"commodities\.([^.]+)\.funded_fraction", key)
        if number is not None and (key == "funding.funded_fraction" or item):
            out.append(f"{prose(item[1]) if item else 'every item'} funded at {number:.0%}")
        else:
            out.append(f"{key_words(key)} at {value}")
    return ", ".join(out)


def target_words(text: str) -> str:
    """'water.shortfall_person_days.p90<=10000' -> 'water's person-days short at most 10,000 in 9 of 10
    replications (P90)'."""
    m = TARGET.match(text)
    if not m:
        return "its targets"
    value = float(m["value"])
    metric = METRIC_WORDS.get(m["metric"], prose(m["metric"]))
    if m["metric"] in ("p_shortage", "coverage", "min_ration"):
        figure = f"{value:.0%}" if value * 100 == int(value * 100) else f"{value:.1%}"
    else:
        figure = f"{value:,g}" if abs(value) < 1e6 else num(value)
    stat = {"p10": " in 1 of 10 replications (P10)", "p50": " in half the replications (P50)",
            "p90": " in 9 of 10 replications (P90)"}.get(m["stat"] or "", "")  # fmt: skip
    where = f" at {prose(m['camp'])}" if m["camp"] else ""
    return f"{prose(m['commodity'])}'s {metric}{where} {OPERATOR_WORDS[m['op']]} {figure}{stat}"


def solve_sentence(summary: dict[str, Any]) -> str:
    """The solver's figure for the money that prevents the shortage, if a solve was run."""
    solved = summary.get("solve")
    if not solved:
        return ""
    cost = solved.get("cost_usd")
    money = f"US${num(cost)} more than this scenario's funding" if cost is not None else "no funding figure"
    value = f"{solved['value']:.1%}" if str(solved["key"]).endswith("funded_fraction") else f"{solved['value']:.4g}"
    return (
        f" Raising {key_words(solved['key'])} to {value} would keep "
        f"{' and '.join(target_words(t) for t in solved['targets'])}: {money} "
        f"(a solve over {num(solved['replications'])} replications)."
    )


def headlines(summary: dict[str, Any], specs: dict[str, Any] | None = None) -> list[str]:
    """One sentence per commodity, the most severe first (``specs``: the scenario's commodities)."""
    commodities = summary["commodities"]
    return [commodity_sentence(n, commodities[n], summary, (specs or {}).get(n)) for n in by_severity(commodities)]
