"""The day's arithmetic that both engines share, written once.

Each function uses only ``+ - * /`` so it gives bit-identical results on Python floats
(the SimPy engine, one replication) and on numpy arrays (the batch engine, one value
per replication): IEEE-754 rounds each operation the same way in both, provided the
operations come in the same order. Threshold decisions (a ration cut, a shortage, an
order too small to place) therefore never differ between the engines by a rounding.
"""

from __future__ import annotations

from campsim.model.standards import SHORTAGE_RTOL


def population_today(yesterday, arrivals, departures):
    """P(d) = P(d-1) + (arrivals - departures)."""
    return yesterday + (arrivals - departures)


def kits_for_arrivals(arrivals, household_size: float, per_new_household: float):
    """Kits owed to the households arriving today."""
    return arrivals / household_size * per_new_household


def kit_order_target(order_up_to_days: float, window_sum, window_days: int, backlog):
    """order_up_to_days x mean new-household need of the window + the backlog left today."""
    return order_up_to_days * window_sum / window_days + backlog


def shortage_threshold(planned):
    """Below this, a distribution fell short of its plan (ties count as met)."""
    return planned * (1 - SHORTAGE_RTOL)
