"""The day's order of operations, written once: the phases both engines follow.

The SimPy engine schedules each phase as a process at its tick of the day (day d is
ticks [10d, 10d + 10)); the batch engine runs each phase across all lines and
replications before the next. docs/semantics.md states what each phase does; the rules
with thresholds and caps live in rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

TICKS_PER_DAY = 10


@dataclass(frozen=True)
class Phase:
    """One step of the day: its name (the engines' method for it), its tick, what it does."""

    name: str
    tick: int
    does: str


# Population and funding come first; road closures (tick 2) and arrivals at the gate
# (tick 3) then happen before the rest of the day, which nothing else interleaves: those
# phases share tick 4 and run in this order (the SimPy engine resumes them, one event a
# day, in the order they began to wait: the order below).
PHASES = (
    Phase(
        "population", 0, "departures (drawn from P(d-1)) leave, arrivals come: P(d) = P(d-1) + arrivals - departures"
    ),
    Phase("funding", 1, "tranches due today are added to each line's balance"),
    Phase(
        "receipts",
        4,
        "road closures starting today close their lines' routes (tick 2); deliveries and donations due "
        "today reach the gate, or wait there while the route is closed (tick 3); then deliveries go on "
        "the shelf as one receipt, then donations as another, above capacity lost as overflow",
    ),
    Phase(
        "distribution", 4, "need, days of cover, ration level; distributed = min(stock, need x ration), oldest first"
    ),
    Phase("spoilage", 4, "stock past its shelf life at the end of the day is thrown away"),
    Phase("review", 4, "on review days, order up to the target, capped by capacity, max_order and the balance"),
    Phase("dispatch", 4, "a network's warehouses share their stock among the day's requests and load the trucks"),
    Phase("restock", 4, "a network's warehouses order up to their camps' demand from suppliers"),
    Phase("record", 4, "end-of-day stock, pipeline and balance"),
)
PHASE_NAMES = tuple(p.name for p in PHASES)
ROADS_TICK, GATE_TICK = 2, 3  # the receipts phase's earlier moments (see its description)
