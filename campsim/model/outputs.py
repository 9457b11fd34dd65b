"""What the engines hand back: daily arrays by day, line and replication, and event rows.

Defined below the engines so that they import nothing above them, and so that results,
runs and reports read one type whichever engine ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DAILY_FIELDS = (
    "need",  # per-person: P x per_person_day; kits: new kits + carried backlog
    "new_need",  # kits for today's arriving households (= need for per-person items)
    "distributed",
    "shortfall",
    "ration",  # distributed / need (1 when need is 0)
    "ration_level",  # the rationing policy's level for the day
    "days_of_cover",  # stock / need before distribution; NaN when need is 0
    "stock",  # end of day
    "pipeline",  # end of day: ordered, not yet received
    "received",  # deliveries + donations arriving today (before overflow)
    "overflow",
    "spoiled",
    "ordered",
    "spent",  # USD
    "funds_received",  # USD tranches today
    "balance",  # USD, end of day
    "stockout",  # 1 on a pipeline-break day: stock < need x ration
    "funds_cut",  # on a review day: what money took off the order the rule asked for (rules.funds_cut)
)

# a network's warehouse lines, [day, warehouse line, replication] (engines/network.py)
WAREHOUSE_FIELDS = ("stock", "pipeline", "received", "overflow", "requested", "dispatched", "ordered", "spent",
                    "balance", "short", "funds_cut")  # fmt: skip
# a network's people by camp, [day, camp, replication] (plan/camps.py steps them)
POPULATION_FIELDS = ("own_arrivals", "accepted", "departures", "overflow_in", "overflow_out", "turned_away",
                     "population")  # fmt: skip


@dataclass(slots=True)
class EventRow:
    """One row of the event log."""

    day: int
    kind: str
    commodity: str
    quantity: float | None = None
    cost_usd: float | None = None
    note: str = ""
    site: str = ""  # a network's camp or warehouse (empty for the single camp)


@dataclass
class RunArrays:
    """Daily values of one or more replications (the SimPy engine: one).

    Attributes:
        arrivals, departures, population: [day, replication] people.
        daily: field (DAILY_FIELDS) -> [day, line, replication].
        end_pipeline: [line, replication] ordered, not received by the end.
        events: the event log (the SimPy engine only).
        first: the replication index of column 0.
    """

    arrivals: np.ndarray
    departures: np.ndarray
    population: np.ndarray
    daily: dict[str, np.ndarray]
    end_pipeline: np.ndarray
    events: list[EventRow] = field(default_factory=list)
    first: int = 0

    @property
    def replications(self) -> int:
        return self.population.shape[1]

    def line(self, name: str, line: int) -> np.ndarray:
        """One line's daily field as a [day, replication] view."""
        return self.daily[name][:, line, :]


@dataclass
class NetworkArrays(RunArrays):
    """A network run: the camp lines as RunArrays (lines = camp x commodity), and the rest.

    Attributes:
        camp_population: own_arrivals, accepted, departures, overflow_in, overflow_out,
            turned_away, population -> [day, camp, replication].
        warehouses: field -> [day, warehouse line, replication] (stock, pipeline, received,
            overflow, requested, dispatched, ordered, spent, balance, short).
        route_kg: [day, route, replication] kg shipped; route_at_capacity: 1 on days at capacity.
        money, funds: [day, commodity, replication] the network balance and tranches received.
        end_warehouse_pipeline: [warehouse line, replication] supplier orders not received.
    """

    camp_population: dict[str, np.ndarray] = field(default_factory=dict)
    warehouses: dict[str, np.ndarray] = field(default_factory=dict)
    route_kg: np.ndarray | None = None
    route_at_capacity: np.ndarray | None = None
    money: np.ndarray | None = None
    funds: np.ndarray | None = None
    end_warehouse_pipeline: np.ndarray | None = None
    shipped_in: np.ndarray | None = None  # [day, camp line, replication] shipments received (transfers, not inflow)
