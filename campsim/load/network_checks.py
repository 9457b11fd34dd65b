"""Checks across fields for camp networks, and the per-site checks a single camp shares.

Each check yields ``(path, problem)`` with the path in the file's own terms (``from``, not
the Python name), so the loader can point at the line: see ``loader._cross_checks``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from campsim.load.yamlsource import PathKey
from campsim.model.network import Camp
from campsim.model.scenario import Scenario
from campsim.model.schema import Commodity, Donation, RationStep

Problems = Iterator[tuple[PathKey, str]]

# keys that describe a site's stock: in a network they belong under camps: or warehouses:
STOCK_KEYS = ("initial_stock", "capacity", "ordering", "donations")
# top-level keys that only a network has (allocation counts only when written)
NETWORK_KEYS = ("warehouses", "routes", "allocation", "priority")
# names listed in an 'unknown ...' message (as many as a scenario may have commodities)
SHOWN_NAMES = 100


@dataclass(frozen=True)
class Horizon:
    """The scenario's days, for 'falls outside the horizon' messages."""

    start: date
    days: int
    text: str  # e.g. "2017-10-01 .. 2018-03-31 (days 0..181)"

    def outside(self, day: int) -> bool:
        return not 0 <= day < self.days


def unknown(kind: str, name: Any, known: Iterable[str], where: str = "the scenario has") -> str:
    """'unknown camp 'x'; did you mean y? the scenario has a, b' (as for commodities)."""
    names = list(known)
    near = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]}? " if near else ""
    listed = ", ".join(names[:SHOWN_NAMES]) + (
        f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else ""
    )
    return f"unknown {kind} {name!r}; {hint}{where} {listed or 'none'}"


# --- shared with the single camp ------------------------------------------------------


def stock_checks(
    base: PathKey, initial_stock: float, capacity: float | None, donations: list[Donation], horizon: Horizon
) -> Problems:
    """A site's stock: initial stock within capacity, donations within the horizon."""
    if capacity is not None and initial_stock > capacity:
        yield base + ("initial_stock",), f"initial stock {initial_stock:,.10g} exceeds capacity {capacity:,.10g}"
    for i, donation in enumerate(donations):
        if horizon.outside(donation.day_index(horizon.start)):
            key = "date" if donation.date is not None else "day"
            yield base + ("donations", i, key), f"donation falls outside the horizon {horizon.text}"


def rationing_checks(base: PathKey, item: Commodity, steps: list[RationStep]) -> Problems:
    """A rationing policy: per-person-day items only, no threshold twice."""
    if item.per_household and steps:
        yield base + ("rationing",), "rationing applies to per_person_day items only, not to per_new_household kits"
    thresholds = [step.below_days_of_cover for step in steps]
    if len(set(thresholds)) != len(thresholds):
        yield base + ("rationing",), "two steps share the same below_days_of_cover threshold"


def surge_checks(base: PathKey, arrivals: list, horizon: Horizon) -> Problems:
    for i, comp in enumerate(arrivals):
        if comp.surge is not None and horizon.outside((comp.surge.start - horizon.start).days):
            yield base + ("arrivals", i, "surge", "start"), f"surge starts outside the horizon {horizon.text}"


def single_camp_checks(s: Scenario) -> Problems:
    """A file without camps: may not use what only a network has."""
    for key in NETWORK_KEYS:
        if key in s.model_fields_set:
            yield (key,), "only in a network: add camps:"
    for i, d in enumerate(s.disruptions):
        for key in ("sites", "routes"):
            if getattr(d, key) is not None:
                yield ("disruptions", i, key), "only in a network: add camps:"


# --- networks -------------------------------------------------------------------------


def network_checks(s: Scenario, horizon: Horizon) -> Problems:
    """Yield (path, problem) for the rules of a network (``camps:``) that span several fields."""
    yield from _items_only(s)
    yield from _names(s)
    for name, camp in s.camps.items():
        yield from _camp(s, name, camp, horizon)
    yield from _overflow_cycles(s.camps)
    for name, warehouse in s.warehouses.items():
        for item, stock in warehouse.commodities.items():
            base = ("warehouses", name, "commodities", item)
            if item not in s.commodities:
                yield base, unknown("commodity", item, s.commodities, "commodities: lists")
            else:
                yield from stock_checks(base, stock.initial_stock, stock.capacity, stock.donations, horizon)
    yield from _routes(s)
    seen: set[str] = set()
    for i, name in enumerate(s.priority):
        if name not in s.camps:
            yield ("priority", i), unknown("camp", name, s.camps, "the camps are")
        elif name in seen:
            yield ("priority", i), f"camp {name!r} is listed twice"
        seen.add(name)
    yield from _disruptions(s)


def _items_only(s: Scenario) -> Problems:
    """commodities: describes the items; stock, supply and people live at the sites."""
    if "population" in s.model_fields_set:
        yield ("population",), "in a network, each camp has its own population: write it under camps.<camp>.population"
    for name, c in s.commodities.items():
        for key in STOCK_KEYS:
            if key in c.model_fields_set:
                yield (
                    ("commodities", name, key),
                    f"in a network, stock lives at the sites: write it under camps.<camp>.commodities.{name} "
                    f"or warehouses.<warehouse>.commodities.{name}",
                )
        holders = [w for w, warehouse in s.warehouses.items() if name in warehouse.commodities]
        if c.shelf_life_days is not None and holders:
            yield (
                ("commodities", name, "shelf_life_days"),
                f"warehouses.{holders[0]} holds {name}, but spoilage is supported at camps with direct supply "
                "only (ordering: or donations, no warehouse); remove shelf_life_days or the warehouse stock",
            )


def _names(s: Scenario) -> Problems:
    for section in ("camps", "warehouses", "routes"):
        for name in getattr(s, section):
            if not name.strip():
                yield (section, name), "a name must not be blank"
            elif "." in name:
                yield (section, name), f"name {name!r} contains a dot; names are used in dotted paths (--set)"
    for name in s.warehouses:
        if name in s.camps:
            yield ("warehouses", name), f"{name!r} is also a camp's name; give the camp and the warehouse two names"


def _camp(s: Scenario, name: str, camp: Camp, horizon: Horizon) -> Problems:
    pop = camp.population
    base: PathKey = ("camps", name, "population")
    if pop.max_population is not None and pop.initial > pop.max_population:
        yield base + ("max_population",), f"max_population {pop.max_population:,} is below initial {pop.initial:,}"
    if pop.overflow_to == name:
        yield base + ("overflow_to",), f"names camp {name!r} itself; name another camp, or leave overflow_to out"
    elif pop.overflow_to is not None and pop.overflow_to not in s.camps:
        yield (
            base + ("overflow_to",),
            (
                f"{pop.overflow_to!r} is a warehouse; overflow goes to a camp"
                if pop.overflow_to in s.warehouses
                else unknown("camp", pop.overflow_to, s.camps, "the camps are")
            ),
        )
    yield from surge_checks(base, pop.arrivals, horizon)
    for item, stock in camp.commodities.items():
        at: PathKey = ("camps", name, "commodities", item)
        if item not in s.commodities:
            yield at, unknown("commodity", item, s.commodities, "commodities: lists")
            continue
        if stock.rationing is not None:
            yield from rationing_checks(at, s.commodities[item], stock.rationing)
        yield from stock_checks(at, stock.initial_stock, stock.capacity, stock.donations, horizon)
        if stock.supply is None:
            continue
        source = stock.supply.warehouse
        if source not in s.warehouses:
            yield (
                at + ("supply", "from"),
                (
                    f"{source!r} is a camp; supply comes from a warehouse"
                    if source in s.camps
                    else unknown("warehouse", source, s.warehouses, "the warehouses are")
                ),
            )
        elif item not in s.warehouses[source].commodities:
            yield (
                at + ("supply", "from"),
                f"warehouse {source!r} does not hold {item}; add it under warehouses.{source}.commodities",
            )
        elif not any(r.origin == source and r.to == name for r in s.routes.values()):
            yield at + ("supply", "from"), f"no route from {source} to {name}; add one under routes:"


def _overflow_cycles(camps: dict[str, Camp]) -> Problems:
    """Camps whose overflow_to chain comes back to them (reported once, at the first in file order)."""
    order = list(camps)
    reported: set[str] = set()
    for name in order:
        trail: list[str] = []
        here: str | None = name
        while here in camps and here not in trail:
            trail.append(here)
            here = camps[here].population.overflow_to
        if here not in trail:
            continue  # the chain ends (or names an unknown camp: reported elsewhere)
        cycle = trail[trail.index(here) :]
        if len(cycle) < 2 or reported & set(cycle):
            continue  # a camp naming itself is reported by _camp
        reported |= set(cycle)
        first = cycle.index(min(cycle, key=order.index))
        cycle = cycle[first:] + cycle[:first]
        yield (
            ("camps", cycle[0], "population", "overflow_to"),
            f"overflow_to forms a cycle ({' -> '.join([*cycle, cycle[0]])}); overflow must end at a camp without one",
        )


def _routes(s: Scenario) -> Problems:
    pairs: dict[tuple[str, str], str] = {}
    for name, route in s.routes.items():
        base: PathKey = ("routes", name)
        ok = True
        if route.origin not in s.warehouses:
            ok = False
            yield (
                base + ("from",),
                (
                    f"{route.origin!r} is a camp; routes run from a warehouse to a camp"
                    if route.origin in s.camps
                    else unknown("warehouse", route.origin, s.warehouses, "the warehouses are")
                ),
            )
        if route.to not in s.camps:
            ok = False
            yield (
                base + ("to",),
                (
                    f"{route.to!r} is a warehouse; routes run from a warehouse to a camp"
                    if route.to in s.warehouses
                    else unknown("camp", route.to, s.camps, "the camps are")
                ),
            )
        pair = (route.origin, route.to)
        if ok and pair in pairs:
            yield base, f"a second route from {route.origin} to {route.to} (the first is {pairs[pair]}); keep one"
        pairs.setdefault(pair, name)


def _disruptions(s: Scenario) -> Problems:
    sites = [*s.camps, *s.warehouses]
    for i, d in enumerate(s.disruptions):
        base: PathKey = ("disruptions", i)
        for key in ("routes", "commodities", "sites"):
            if getattr(d, key) == []:
                yield base + (key,), f"an empty list disrupts nothing; list {key} or leave the key out"
        if d.routes and (d.commodities or d.sites):
            key = "commodities" if d.commodities else "sites"
            yield (
                base + ("routes",),
                f"routes: closes whole roads; give {key}: in a disruption of its own",
            )
        for j, name in enumerate(d.routes or []):
            if name not in s.routes:
                yield base + ("routes", j), unknown("route", name, s.routes, "the routes are")
        for j, name in enumerate(d.sites or []):
            if name not in sites:
                yield base + ("sites", j), unknown("site", name, sites, "the camps and warehouses are")
