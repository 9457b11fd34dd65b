"""Warnings about a valid scenario that will surely go wrong (``campsim validate``).

Each check yields ``(path, problem)`` like the loader's cross-checks, but the scenario stays
valid: these are warnings, which ``validate --strict`` turns into errors. A check warns only
where the figures leave no doubt: a lead time given as a lognormal distribution can be
arbitrarily short, so it is skipped; a lead time is rounded up to whole days, at least 1,
as the engines do. Need is the day-0 population's (arrivals only add to it).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path

from campsim.load.loader import ScenarioFile
from campsim.load.overrides import apply_overrides
from campsim.load.yamlsource import PathKey
from campsim.model.scenario import Scenario
from campsim.model.schema import Commodity, Disruption, Donation, LeadTime, Ordering

Warnings = Iterator[tuple[PathKey, str]]


def load_with_warnings(
    path: str | Path, overrides: list[str] | tuple[str, ...] = (), data_root: str | Path | None = None
) -> tuple[Scenario, list[str]]:
    """The validated scenario and its warnings, each one line ``warning: FILE:LINE: path: problem``.

    Raises:
        ScenarioError: the scenario is invalid (see load_scenario).
    """
    source = ScenarioFile(path, data_root)
    scenario = source.load(overrides)
    doc = copy.deepcopy(source.document)  # with the overrides, so a warning can name the --set that caused it
    apply_overrides(doc, list(overrides))
    return scenario, [f"warning: {doc.error(where, problem)}" for where, problem in scenario_warnings(scenario)]


def scenario_warnings(s: Scenario) -> list[tuple[PathKey, str]]:
    """(path, problem) for each thing in ``s`` that will surely go wrong."""
    found = [*_units(s), *(_network(s) if s.is_network else _single_camp(s))]
    return list(dict.fromkeys(found))  # a disruption hitting two camps alike is said once


def shortest_days(lead: LeadTime) -> int | None:
    """The shortest lead time a line can draw, in whole days (None: it can be any length)."""
    low = lead.fixed if lead.fixed is not None else (lead.triangular or lead.uniform or [None])[0]
    return None if low is None else max(1, math.ceil(low))


def _units(s: Scenario) -> Warnings:
    for name, c in s.commodities.items():
        if "unit" not in c.model_fields_set:
            yield (
                ("commodities", name),
                f"no unit: the report counts {name} in 'unit's; say what one is (unit: bar, unit: kit, ...)",
            )


def _single_camp(s: Scenario) -> Warnings:
    people = s.population.initial
    for name, c in s.commodities.items():
        base: PathKey = ("commodities", name)
        if c.ordering is None:
            continue
        need = people * (c.per_person_day or 0)
        lead = shortest_days(c.ordering.lead_time_days)
        yield from _line(base, s, name, c, need, c.initial_stock, c.donations, c.ordering, lead, "lead time")
        for i, d in enumerate(s.disruptions):
            if d.commodities is None or name in d.commodities:
                yield from _disruption(i, d, name, need, c.ordering.order_up_to_days, c.initial_stock, c.capacity)


def _network(s: Scenario) -> Warnings:
    warehouse_need: dict[tuple[str, str], float] = {}
    for camp_name, camp in s.camps.items():
        for name, stock in camp.commodities.items():
            c = s.commodities.get(name)
            if c is None:
                continue
            need = camp.population.initial * (c.per_person_day or 0)
            base: PathKey = ("camps", camp_name, "commodities", name)
            if stock.ordering is not None:
                lead = shortest_days(stock.ordering.lead_time_days)
                yield from _line(base, s, name, c, need, stock.initial_stock, stock.donations, stock.ordering, lead,
                                 "lead time")  # fmt: skip
                target = stock.ordering.order_up_to_days
            elif stock.supply is not None:
                source = stock.supply.warehouse
                warehouse_need[source, name] = warehouse_need.get((source, name), 0.0) + need
                route = next((r for r in s.routes.values() if r.origin == source and r.to == camp_name), None)
                lead = None if route is None else shortest_days(route.transit_days)
                yield from _cover(base, need, stock.initial_stock, stock.donations, lead, "transit time", s)
                yield from _target(base + ("supply",), stock.supply.order_up_to_days,
                                   stock.supply.review_every_days, lead, "transit time")  # fmt: skip
                target = stock.supply.order_up_to_days
            else:
                continue
            for i, d in enumerate(s.disruptions):
                if _hits(s, d, camp_name, name):
                    yield from _disruption(i, d, name, need, target, stock.initial_stock, stock.capacity,
                                           f" at {camp_name}")  # fmt: skip
    for w_name, warehouse in s.warehouses.items():
        for name, stock in warehouse.commodities.items():
            need = warehouse_need.get((w_name, name), 0.0)
            c = s.commodities.get(name)
            if stock.ordering is None or c is None:
                continue
            lead = shortest_days(stock.ordering.lead_time_days)
            base = ("warehouses", w_name, "commodities", name)
            yield from _line(base, s, name, c, need, stock.initial_stock, stock.donations, stock.ordering, lead,
                             "lead time")  # fmt: skip


def _hits(s: Scenario, d: Disruption, camp: str, item: str) -> bool:
    """Whether disruption ``d`` stops deliveries of ``item`` to ``camp`` (a network)."""
    if d.routes is not None:
        return any(s.routes[r].to == camp for r in d.routes if r in s.routes)
    if d.sites is not None and camp not in d.sites:
        return False
    return d.commodities is None or item in d.commodities


def _line(base: PathKey, s: Scenario, name: str, c: Commodity, need: float, stock: float,
          donations: list[Donation], ordering: Ordering, lead: int | None, what: str) -> Warnings:  # fmt: skip
    """An ordering line: stock cover against the lead time, the target against review + lead, money."""
    yield from _cover(base, need, stock, donations, lead, what, s)
    yield from _target(base + ("ordering",), ordering.order_up_to_days, ordering.review_every_days, lead, what)
    if c.unit_cost_usd > 0 and s.funded_fraction(name) == 0:
        if c.funded_fraction is not None:
            where: PathKey = ("commodities", name, "funded_fraction")
        else:
            where = ("funding", "fts" if name in s.funding.fts_fractions else "funded_fraction")
        yield where, f"{name} is funded at 0: no order can be paid; only stock on hand and donations reach the camps"


def _cover(base: PathKey, need: float, stock: float, donations: list[Donation], lead: int | None, what: str,
           s: Scenario) -> Warnings:  # fmt: skip
    """Stock (with donations landing before the first order can) that runs out before that order lands."""
    if need <= 0 or lead is None:
        return
    early = sum(d.quantity for d in donations if d.day_index(s.start) < lead)
    cover = (stock + early) / need
    if cover < lead and lead < s.days:
        yield (
            base + ("initial_stock",),
            f"covers {cover:.1f} days of the day-0 need ({need:,.10g} a day), less than the shortest {what} of "
            f"{lead} days: it runs out before the first delivery can land",
        )


def _target(base: PathKey, target: float, review: int, lead: int | None, what: str) -> Warnings:
    # a delivery lands before the day's distribution, so review + lead - 1 days of need bridge two deliveries
    least = None if lead is None else review + lead - 1
    if least is not None and target < least:
        yield (
            base + ("order_up_to_days",),
            f"{target:g} days cannot last from one delivery to the next: with a review every {review} days and "
            f"a {what} of at least {lead}, the target must be at least {least} days (review period + {what} - 1, "
            "as a delivery lands before the day's distribution)",
        )


def _disruption(i: int, d: Disruption, name: str, need: float, target: float, stock: float,
                capacity: float | None, at: str = "") -> Warnings:  # fmt: skip
    """A disruption that outlasts the most stock the line can hold."""
    if need <= 0:
        return
    cover = max(target, stock / need)
    if capacity is not None:
        cover = min(cover, capacity / need)
    if d.days is not None and d.days > cover:
        key = "end" if d.end is not None else "days"
        yield (
            ("disruptions", i, key),
            f"{d.days} days without deliveries of {name}{at}, longer than the {cover:.1f} days of stock it can "
            "hold (order_up_to_days, initial stock, capacity): it runs out during the disruption",
        )
